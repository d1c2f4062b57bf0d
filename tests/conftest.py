"""Fixtures for tests against the real engines started by scripts/setup.sh.

Every object a test creates carries the label ``clibdocker-test=1`` (see
``LABELS``) and is removed by the test; ``pytest_sessionfinish`` reports what
the run left on the main engine (and test_programs checks each program, in
CI), failing the run when :func:`strict_cleanup`.
"""
from __future__ import annotations

import os
import subprocess
import uuid
from typing import Iterator

import pytest

import clibdocker

# scripts/test.sh runs some tests against the package installed from the
# sdist: make sure that is what they import, not this checkout's python/.
if os.environ.get("CLIBDOCKER_TEST_INSTALLED") == "1":
    _here = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
    assert not os.path.realpath(clibdocker.__file__).startswith(_here + os.sep), clibdocker.__file__

ENGINE2 = os.environ.get("CLIBDOCKER_TEST_ENGINE2", "unix:///run/clibdocker-engine2/docker.sock")
REGISTRY = os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")
REGISTRY_USER = os.environ.get("CLIBDOCKER_TEST_REGISTRY_USER", "clibdocker")
REGISTRY_PASSWORD = os.environ.get("CLIBDOCKER_TEST_REGISTRY_PASSWORD", "clibdocker-secret")
TEST_IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
LABELS = {"clibdocker-test": "1"}


def unique(prefix: str = "clibdocker-test") -> str:
    """A fresh name for an object a test creates."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def docker_cli(*args: str, host: str = "") -> str:
    """Run the docker CLI (used only to cause or check effects independently
    of clibdocker)."""
    env = dict(os.environ)
    if host:
        env["DOCKER_HOST"] = host
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True,
                          env=env, timeout=120).stdout


@pytest.fixture
def client() -> Iterator[clibdocker.APIClient]:
    """A client for the main engine (API 1.41), negotiating its version."""
    c = clibdocker.APIClient(base_url=os.environ.get("DOCKER_HOST") or None)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def client2() -> Iterator[clibdocker.APIClient]:
    """A client for the second, newer engine (Docker 26.1, API 1.45)."""
    c = clibdocker.APIClient(base_url=ENGINE2)
    try:
        c.ping()
    except clibdocker.errors.DockerException as e:  # pragma: no cover - setup problem
        pytest.fail(f"the second engine at {ENGINE2} is not running (scripts/setup.sh): {e}")
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def name() -> str:
    return unique()


# --- leave the engine as we found it ------------------------------------------

def _image_name(image: dict) -> str:
    """An image as a report names it: its tags, or, for an untagged one, its
    labels (the history step that made it is added for leftovers, see
    :func:`_name_untagged`)."""
    tags = [t for t in (image.get("RepoTags") or []) if t != "<none>:<none>"]
    if tags:
        return ",".join(tags)
    labels = image.get("Labels") or {}
    return "<untagged " + image["Id"][7:19] + (
        " " + ",".join(f"{k}={v}" for k, v in sorted(labels.items())) if labels else "") + ">"


def _engine_objects() -> dict:
    """What the main engine holds, by kind: each object's id mapped to a
    readable name.  Objects are compared by id (:func:`engine_leftovers`):
    names are not unique (every untagged image would be one "<untagged>",
    networks may share a name), and a volume's id is its name; a tag added
    to an image that was already there is found by the "tags" kind."""
    with clibdocker.APIClient(timeout=60) as c:
        images = c.images(all=True)
        return {
            # a container is named with its command and state, so that a
            # leftover with a random name still says which test made it
            "containers": {x["Id"]: f'{(x.get("Names") or ["?"])[0]} '
                                    f'({x.get("Command", "")[:80]!r}, {x.get("State", "")})'
                           for x in c.containers(all=True)},
            "volumes": {v["Name"]: v["Name"] for v in (c.volumes().get("Volumes") or [])},
            "networks": {n["Id"]: f'{n["Name"]} ({n["Id"][:12]})' for n in c.networks()},
            # all=True: intermediate images a build left count too
            "images": {i["Id"]: _image_name(i) for i in images},
            # a tag left on an image that was there before (each tag -> its image)
            "tags": {t: i["Id"] for i in images for t in (i.get("RepoTags") or [])
                     if t != "<none>:<none>"},
            "swarm": {"state": c.info()["Swarm"]["LocalNodeState"]},
        }


def _name_untagged(image_id: str, name: str) -> str:
    """An untagged leftover image named by the last step of its history too
    (``RUN echo hi``, ``LABEL ...``), so that the report names its maker."""
    try:
        with clibdocker.APIClient(timeout=60) as c:
            steps = [h.get("CreatedBy", "") for h in c.history(image_id)][:2]
    except Exception:  # noqa: BLE001 - removed meanwhile: the name will do
        return name
    steps = [s.replace("/bin/sh -c #(nop) ", "").replace("/bin/sh -c ", "RUN ").strip()[:60]
             for s in steps if s]
    return f"{name} [{' <- '.join(steps)}]"


def pytest_sessionstart(session: pytest.Session) -> None:
    try:
        session.config._clibdocker_before = _engine_objects()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - no engine: the tests will say so
        session.config._clibdocker_before = None  # type: ignore[attr-defined]


def strict_cleanup() -> bool:
    """Leftovers fail the run: in CI (CI=true) or with
    CLIBDOCKER_TEST_STRICT_CLEANUP=1; elsewhere other people's concurrent
    tests may own them, so they are only listed."""
    return os.environ.get("CI") == "true" or os.environ.get("CLIBDOCKER_TEST_STRICT_CLEANUP") == "1"


def engine_leftovers(before: dict, tries: int = 20) -> dict:
    """What the main engine holds now that it did not hold in ``before``
    (an ``_engine_objects()``), by kind, after waiting up to ``tries`` half
    seconds for removals the engine finishes asynchronously; {} if nothing."""
    import time
    left: dict = {}
    for i in range(tries):
        if i:
            time.sleep(0.5)
        try:
            after = _engine_objects()
        except Exception:  # noqa: BLE001
            return {}
        # by id: a container's state may change; names are not unique
        new = {kind: {k: after[kind][k] for k in after[kind].keys() - before[kind].keys()}
               for kind in after if kind not in ("swarm", "tags")}
        # a new tag on a new image is named with that image already
        new["tags"] = {t: f"{t} (added to {before['images'][i]})"
                       for t, i in after["tags"].items()
                       if t not in before["tags"] and i in before["images"]}
        left = {k: v for k, v in new.items() if v}
        if after["swarm"] != before["swarm"]:
            left["swarm"] = {"state": f"{before['swarm']['state']} -> {after['swarm']['state']}"}
        if not left:
            return {}
    if "images" in left:
        left["images"] = {k: _name_untagged(k, v) if v.startswith("<untagged") else v
                          for k, v in left["images"].items()}
    return {kind: sorted(objs.values()) for kind, objs in left.items()}


def describe_leftovers(left: dict) -> str:
    return "; ".join(f"{k} ({len(v)}): {', '.join(x[:160] for x in v[:10])}" for k, v in left.items())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Report objects the tests left on the main engine (failing the run
    when :func:`strict_cleanup`)."""
    before = getattr(session.config, "_clibdocker_before", None)
    if before is None or session.config.option.collectonly:
        return
    left = engine_leftovers(before)
    if not left:
        return
    msg = "clibdocker tests left objects on the engine: " + describe_leftovers(left)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(msg, red=True)
    if strict_cleanup():
        session.exitstatus = 1


@pytest.fixture
def dclient() -> Iterator[clibdocker.DockerClient]:
    """A high-level client for the main engine (``clibdocker.from_env()``)."""
    c = clibdocker.from_env()
    try:
        yield c
    finally:
        c.close()
