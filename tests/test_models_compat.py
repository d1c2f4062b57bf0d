"""The high-level models side by side with docker-py 7.2.0: the same
operations through docker-py's ``docker.DockerClient`` and clibdocker's
``clibdocker.DockerClient`` against the real engine give results of the
same types and shapes, and fail with exceptions of the same classes (by
name; clibdocker may raise a subclass, e.g. ImageNotFound for NotFound).

The swarm tests at the end (services, secrets, configs) use the swarm
fixture: run this module under ``flock /tmp/clibdocker-swarm.lock``.
"""
from __future__ import annotations

import io
import sys
import tarfile
from typing import Any, Callable, Iterator, List, Tuple

import pytest

import clibdocker
from clibdocker import errors
from conftest import (LABELS, REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, TEST_IMAGE,
                      unique)
from swarm_fixture import swarm, wait_for  # noqa: F401

docker = pytest.importorskip("docker")  # docker-py, installed in the test venv

SOCK = "unix:///var/run/docker.sock"
AUTH = {"username": REGISTRY_USER, "password": REGISTRY_PASSWORD}


@pytest.fixture
def both() -> Iterator[Tuple[Any, clibdocker.DockerClient]]:
    """(docker-py client, clibdocker client) for the main engine."""
    dp = docker.DockerClient(base_url=SOCK)
    cd = clibdocker.DockerClient(base_url=SOCK)
    try:
        yield dp, cd
    finally:
        dp.close()
        cd.close()


def outcome(fn: Callable[[], Any]) -> Any:
    """fn()'s result, or the exception it raised."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - compared by the caller
        return e


def assert_same_error(dp_result: Any, cd_result: Any) -> None:
    """Both raised, and clibdocker's exception is docker-py's class (by
    name) or a subclass of it."""
    assert isinstance(dp_result, Exception), f"docker-py did not raise: {dp_result!r}"
    assert isinstance(cd_result, Exception), f"clibdocker did not raise: {cd_result!r}"
    names = [k.__name__ for k in type(cd_result).__mro__]
    assert type(dp_result).__name__ in names, (dp_result, cd_result)


def dockerfile_tar(text: str) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        data = text.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


# --- surface ------------------------------------------------------------------

def test_models_surface_matches_docker_py() -> None:
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import surface_walk
    names = [m for m in surface_walk.docker_modules() if m.startswith("docker.models")]
    saved = surface_walk.docker_modules
    surface_walk.docker_modules = lambda: names  # type: ignore[assignment]
    try:
        _, problems = surface_walk.walk()
    finally:
        surface_walk.docker_modules = saved  # type: ignore[assignment]
    # APIClient's own methods are checked with the api modules
    problems = [p for p in problems if ".APIClient." not in p]
    assert problems == []


def test_collection_and_model_defaults() -> None:
    from clibdocker.models import resource
    from clibdocker.models.containers import ContainerCollection
    from clibdocker.models.swarm import Swarm
    c = resource.Collection()
    assert c.client is None and resource.Collection.model is None
    for call in (c.list, lambda: c.get("x"), c.create):
        with pytest.raises(NotImplementedError):
            call()
    assert ContainerCollection().client is None
    s = Swarm()  # no client: not inspected
    assert s.attrs == {} and s.id is None
    m = resource.Model()
    assert m.attrs == {} and m.client is None and m.collection is None
    with pytest.raises(TypeError):
        ContainerCollection()()  # the pre-2.0 API


# --- images ---------------------------------------------------------------------

def test_build_success_and_failures(both: Any) -> None:
    dp, cd = both
    ok = f"FROM {TEST_IMAGE}\nLABEL clibdocker-test=1\nRUN echo built\n"
    for c in both:
        img, logs = c.images.build(fileobj=dockerfile_tar(ok), custom_context=True, rm=True,
                                   forcerm=True)
        try:
            assert type(img).__name__ == "Image" and img.id.startswith("sha256:")
            log = list(logs)
            assert all(isinstance(m, dict) for m in log)
            assert any("built" in (m.get("stream") or "") for m in log)
        finally:
            c.images.remove(img.id, force=True)

    # a failing RUN: BuildError with msg and the whole log
    fail = f"FROM {TEST_IMAGE}\nRUN exit 3\n"
    r = [outcome(lambda c=c: c.images.build(fileobj=dockerfile_tar(fail),
                                             custom_context=True, rm=True, forcerm=True)) for c in both]
    assert_same_error(*r)
    assert isinstance(r[1], errors.BuildError)
    assert r[0].msg == r[1].msg and "returned a non-zero code: 3" in r[1].msg
    dp_log, cd_log = list(r[0].build_log), list(r[1].build_log)
    assert "errorDetail" in dp_log[-1] and "errorDetail" in cd_log[-1]
    assert dp_log[-1]["error"] == cd_log[-1]["error"]

    # a missing base image (no internet: the pull fails inside the stream)
    nobase = "FROM clibdocker-test/does-not-exist:latest\n"
    r = [outcome(lambda c=c: c.images.build(fileobj=dockerfile_tar(nobase),
                                             custom_context=True))
         for c in both]
    assert_same_error(*r)

    # a Dockerfile the engine rejects at once: APIError (400) in both
    bad = f"FROM {TEST_IMAGE}\nNOSUCHINSTRUCTION x\n"
    r = [outcome(lambda c=c: c.images.build(fileobj=dockerfile_tar(bad),
                                             custom_context=True)) for c in both]
    assert_same_error(*r)
    assert r[1].status_code == 400


def test_load_errors_and_success(both: Any) -> None:
    junk = io.BytesIO()
    with tarfile.open(fileobj=junk, mode="w") as t:
        info = tarfile.TarInfo("junk")
        info.size = 3
        t.addfile(info, io.BytesIO(b"abc"))
    for data in (junk.getvalue(), b"not a tar"):
        r = [outcome(lambda c=c: c.images.load(data)) for c in both]
        assert_same_error(*r)
        assert isinstance(r[1], errors.ImageLoadError)
    saved = b"".join(both[1].images.get(TEST_IMAGE).save(named=True))
    for c in both:
        loaded = c.images.load(saved)
        assert [type(i).__name__ for i in loaded] == ["Image"]
        assert TEST_IMAGE in loaded[0].tags


def test_image_model(both: Any) -> None:
    dp, cd = both
    a, b = dp.images.get(TEST_IMAGE), cd.images.get(TEST_IMAGE)
    assert a.id == b.id and a.short_id == b.short_id and a.tags == b.tags
    assert a.labels == b.labels and a.attrs.keys() == b.attrs.keys()
    assert [h["Id"] for h in a.history()] == [h["Id"] for h in b.history()]
    b.reload()
    assert b.id == a.id
    assert len(cd.images.list(name=TEST_IMAGE.split(":")[0])) == len(
        dp.images.list(name=TEST_IMAGE.split(":")[0]))
    r = [outcome(lambda c=c: c.images.get("clibdocker-test/nope:none")) for c in both]
    assert_same_error(*r)
    assert type(r[1]).__name__ == "ImageNotFound"


def test_push_pull_through_registry(both: Any) -> None:
    repo = f"{REGISTRY}/{unique('h5')}"
    cd_api = clibdocker.APIClient(base_url=SOCK)
    try:
        cd_api.tag(TEST_IMAGE, repo, "t1")
        # no credentials: the error comes back inline, as text or as messages
        for c in both:
            text = c.images.push(repo, tag="t1")
            assert isinstance(text, str) and "no basic auth credentials" in text
            msgs = list(c.images.push(repo, tag="t1", stream=True, decode=True))
            assert all(isinstance(m, dict) for m in msgs)
            assert "errorDetail" in msgs[-1]
        assert "digest: sha256:" in both[1].images.push(repo, tag="t1", auth_config=AUTH)
        for c in both:
            img = c.images.pull(repo, tag="t1", auth_config=AUTH)
            assert type(img).__name__ == "Image" and f"{repo}:t1" in img.tags
            img = c.images.pull(f"{repo}:t1", platform="linux/amd64", auth_config=AUTH)
            assert type(img).__name__ == "Image"
            imgs = c.images.pull(repo, all_tags=True, auth_config=AUTH)
            assert isinstance(imgs, list) and [type(i).__name__ for i in imgs] == ["Image"]
        r = [outcome(lambda c=c: c.images.pull(repo, tag="nope", auth_config=AUTH))
             for c in both]
        assert_same_error(*r)
        rd = [c.images.get_registry_data(f"{repo}:t1", auth_config=AUTH) for c in both]
        assert rd[0].id == rd[1].id and rd[1].short_id == rd[1].id[:19]
    finally:
        for tag in (f"{repo}:t1",):
            try:
                cd_api.remove_image(tag)
            except errors.NotFound:
                pass
        cd_api.close()


# --- containers.run -----------------------------------------------------------

SCRIPT = "sh -c 'echo out; sleep 0.2; echo err >&2'"


def test_run_output_flags(both: Any) -> None:
    for kwargs, want in (({}, b"out\n"), ({"stderr": True}, b"out\nerr\n"),
                         ({"stdout": False, "stderr": True}, b"err\n")):
        got = [c.containers.run(TEST_IMAGE, SCRIPT, remove=True, labels=LABELS, **kwargs)
               for c in both]
        assert got == [want, want]
    for c in both:
        s = c.containers.run(TEST_IMAGE, SCRIPT, remove=True, stream=True, labels=LABELS)
        assert not isinstance(s, bytes) and b"".join(s) == b"out\n"
        # an unreadable log driver: None
        assert c.containers.run(TEST_IMAGE, "echo hi", remove=True, labels=LABELS,
                                log_config={"Type": "none"}) is None


def test_run_container_error(both: Any) -> None:
    for cmd in ("sh -c 'echo out; echo err >&2; exit 4'",
                ["sh", "-c", "echo err >&2; exit 4"]):
        r = [outcome(lambda c=c: c.containers.run(TEST_IMAGE, cmd, remove=True,
                                                   labels=LABELS)) for c in both]
        assert_same_error(*r)
        for e in r:
            assert e.exit_status == 4 and e.stderr == b"err\n"
            assert e.command == cmd and e.image == TEST_IMAGE
            assert type(e.container).__name__ == "Container"


def test_run_bad_kwargs_and_options(both: Any) -> None:
    for bad in ({"bogus": 1}, {"bogus": 1, "bogus2": 2}):
        r = [outcome(lambda c=c: c.containers.run(TEST_IMAGE, "true", **bad)) for c in both]
        assert_same_error(*r)
        assert str(r[0]) == str(r[1])
    r = [outcome(lambda c=c: c.containers.run(TEST_IMAGE, "true", network="x",
                                               network_mode="bridge")) for c in both]
    assert_same_error(*r)


def test_run_detach_remove_is_auto_remove(both: Any) -> None:
    for c in both:
        ctr = c.containers.run(TEST_IMAGE, "sleep 0.3", detach=True, remove=True,
                               labels=LABELS)
        assert type(ctr).__name__ == "Container"
        assert ctr.attrs["HostConfig"]["AutoRemove"] is True
        ctr.wait()
        wait_for(lambda: isinstance(outcome(ctr.reload), Exception), 20,
                 what="the auto-removed container to go")


def test_run_pulls_a_missing_image(both: Any) -> None:
    repo = f"{REGISTRY}/{unique('h5run')}"
    api = clibdocker.APIClient(base_url=SOCK)
    try:
        api.tag(TEST_IMAGE, repo, "t1")
        api.push(repo, "t1", auth_config=AUTH)
        for c in both:
            api.remove_image(f"{repo}:t1")
            c.api.login(username=REGISTRY_USER, password=REGISTRY_PASSWORD,
                        registry=REGISTRY)
            out = c.containers.run(f"{repo}:t1", "echo pulled", remove=True, labels=LABELS,
                                   platform="linux/amd64")
            assert out == b"pulled\n"
        # nothing to pull: both raise the pull's error
        api.remove_image(f"{repo}:t1")
        r = [outcome(lambda c=c: c.containers.run(f"{repo}:missing", "true", labels=LABELS))
             for c in both]
        assert_same_error(*r)
    finally:
        try:
            api.remove_image(f"{repo}:t1")
        except errors.NotFound:
            pass
        api.close()


# --- containers: list, model, exec, archives --------------------------------------

@pytest.fixture
def running(both: Any) -> Iterator[List[Any]]:
    """A running container made by each client: [docker-py's, clibdocker's]."""
    made = []
    try:
        for c in both:
            made.append(c.containers.run(TEST_IMAGE, "sh -c 'echo started; sleep 60'",
                                         detach=True, labels=LABELS, name=unique("h5"),
                                         ports={"80/tcp": None}))
        wait_for(lambda: all(b"started" in m.logs() for m in made), 20, what="start")
        yield made
    finally:
        for m in made:
            m.remove(force=True)


def test_container_model_attributes(both: Any, running: List[Any]) -> None:
    a, b = running
    for m in running:
        m.reload()
        assert m.status == "running" and m.health == "unknown"
        assert m.labels == LABELS and m.short_id == m.id[:12]
        assert type(m.image).__name__ == "Image" and TEST_IMAGE in m.image.tags
        assert list(m.ports) == ["80/tcp"]
        assert m.name == m.attrs["Name"].lstrip("/")
    assert a.attrs.keys() == b.attrs.keys()
    assert type(a.logs()) is type(b.logs()) is bytes
    assert [type(m.logs(timestamps=True, tail=1)) for m in running] == [bytes, bytes]
    assert [sorted(m.stats(stream=False)) for m in running][0] == sorted(
        b.stats(stream=False))
    assert all(isinstance(next(iter(m.stats(decode=True))), dict) for m in running)
    assert [sorted(m.top()) for m in running] == [["Processes", "Titles"]] * 2
    assert all(isinstance(m.diff(), (list, type(None))) for m in running)
    for m in running:
        chunks = m.export()
        first = next(iter(chunks))
        assert isinstance(first, bytes)
        if hasattr(chunks, "close"):
            chunks.close()
        att = m.attach(stream=True, logs=True)
        assert hasattr(att, "__iter__") and hasattr(att, "close")
        if m is b:  # docker-py's stream here ends with nothing (no logs)
            assert b"started" in next(iter(att))
        att.close()
        sock = m.attach_socket(params={"stdout": 1, "stream": 1})
        assert hasattr(sock, "close")
        sock.close()


def test_container_wait_and_reload_removed(both: Any) -> None:
    for c in both:
        ctr = c.containers.run(TEST_IMAGE, "sh -c 'exit 5'", detach=True, labels=LABELS)
        try:
            res = ctr.wait()
            assert isinstance(res, dict) and res["StatusCode"] == 5
            ctr.reload()
            assert ctr.status == "exited"
        finally:
            ctr.remove()
    r = [outcome(lambda c=c: c.containers.get("clibdocker-test-h5-no-such")) for c in both]
    assert_same_error(*r)
    assert type(r[1]).__name__ == "NotFound"


def test_container_image_of_a_removed_image_fails_as_docker_py(both: Any) -> None:
    """``Container.image`` asks for the image by its digest's hex, as
    docker-py does (``ImageID.split(':')[1]``): once the image is gone
    (removed with force), the 404's URL and message are docker-py's. Found
    by program pr02's probes (clibdocker asked for ``sha256:<hex>``)."""
    got = []
    for c in both:
        repo = f"clibdocker-test/{unique('ci')}"
        src = c.containers.create(TEST_IMAGE, "true", labels=LABELS)
        made = None
        try:
            img = src.commit(repo, "x")
            made = c.containers.create(f"{repo}:x", "true", labels=LABELS)
            assert made.image == img
            c.images.remove(img.id, force=True)
            made.reload()
            with pytest.raises(Exception) as e:
                made.image  # noqa: B018 - the property's request is the test
            got.append((e.value, img.id))
        finally:
            for x in (made, src):
                if x is not None:
                    x.remove(force=True)
    (dp_err, dp_id), (cd_err, cd_id) = got
    assert_same_error(dp_err, cd_err)
    assert type(cd_err).__name__ == "ImageNotFound"
    assert str(cd_err).replace(cd_id[7:], "X") == str(dp_err).replace(dp_id[7:], "X")
    assert cd_err.response.url.replace(cd_id[7:], "X") == dp_err.response.url.replace(dp_id[7:], "X")


def test_containers_list_sparse_and_ignore_removed(both: Any, running: List[Any]) -> None:
    ids = {m.id for m in running}
    flt = {"label": "clibdocker-test=1"}
    for c in both:
        full = [m for m in c.containers.list(filters=flt) if m.id in ids]
        sparse = [m for m in c.containers.list(filters=flt, sparse=True) if m.id in ids]
        assert len(full) == len(sparse) == 2
        assert all("Config" in m.attrs for m in full)        # inspected
        assert all("Config" not in m.attrs for m in sparse)  # list entries
        assert {m.id for m in full} == {m.id for m in sparse}
        assert all(type(m).__name__ == "Container" for m in full + sparse)
    # beyond docker-py (whose sparse ``name`` is None): the name of the list entry
    cd_sparse = [m for m in both[1].containers.list(filters=flt, sparse=True) if m.id in ids]
    assert {m.name for m in cd_sparse} == {m.name for m in running}

    # a container removed between the list and the inspect of each one
    def race(c: Any) -> Tuple[Any, Any]:
        victim: List[str] = []
        real = c.api.containers

        def containers(*args: Any, **kwargs: Any) -> Any:
            resp = real(*args, **kwargs)
            c.api.remove_container(victim[0], force=True)  # gone before the inspect
            return resp
        c.api.containers = containers
        try:
            victim.append(c.containers.create(TEST_IMAGE, "true", labels=LABELS).id)
            kept = c.containers.list(all=True, filters={"id": victim[0]}, ignore_removed=True)
            victim[0] = c.containers.create(TEST_IMAGE, "true", labels=LABELS).id
            raised = outcome(lambda: c.containers.list(all=True, filters={"id": victim[0]}))
            return kept, raised
        finally:
            c.api.containers = real
    (dp_kept, dp_err), (cd_kept, cd_err) = race(both[0]), race(both[1])
    assert dp_kept == [] and cd_kept == []
    assert_same_error(dp_err, cd_err)


def test_exec_run_shapes(both: Any, running: List[Any]) -> None:
    a, b = running
    script = "sh -c 'echo a; sleep 0.2; echo b >&2; exit 2'"
    for kwargs in ({}, {"demux": True}, {"tty": True},
                   {"environment": {"X": "1"}, "workdir": "/tmp", "user": "nobody"}):
        cmd = "sh -c 'echo $X; pwd'" if "environment" in kwargs else script
        ra, rb = a.exec_run(cmd, **kwargs), b.exec_run(cmd, **kwargs)
        assert type(rb).__name__ == "ExecResult" and rb._fields == ("exit_code", "output")
        assert ra == rb, kwargs
    ra, rb = a.exec_run("echo a", demux=True), b.exec_run("echo a", demux=True)
    assert ra == rb == (0, (b"a\n", None))
    for m in running:
        res = m.exec_run(script, stream=True)
        assert res.exit_code is None
        assert b"".join(res.output) == b"a\nb\n"
        res = m.exec_run("echo a", socket=True)
        assert res.exit_code is None and hasattr(res.output, "close")
        res.output.close()
        assert m.exec_run("sleep 2", detach=True) == (None, "")
        frames = list(m.exec_run(script, stream=True, demux=True).output)
        assert sorted(frames, key=repr) == sorted([(b"a\n", None), (None, b"b\n")], key=repr)


def test_archives(both: Any, running: List[Any]) -> None:
    results = []
    for m in running:
        chunks, stat = m.get_archive("/etc/hostname")
        assert isinstance(stat, dict) and not isinstance(chunks, (bytes, list))
        data = b"".join(chunks)
        results.append((sorted(stat), stat["name"], stat["size"]))
        assert tarfile.open(fileobj=io.BytesIO(data)).getnames() == ["hostname"]
        assert m.put_archive("/tmp", data) is True
        assert m.exec_run("cat /tmp/hostname").output.strip() == m.id[:12].encode()
    assert results[0] == results[1]
    for path in ("/no/such/path",):
        r = [outcome(lambda m=m: m.get_archive(path)) for m in running]
        assert_same_error(*r)
        r = [outcome(lambda m=m: m.put_archive(path, b"")) for m in running]
        assert_same_error(*r)


def test_networks_volumes_not_found(both: Any) -> None:
    for get in (lambda c: c.networks.get("clibdocker-test-h5-none"),
                lambda c: c.volumes.get("clibdocker-test-h5-none")):
        r = [outcome(lambda c=c: get(c)) for c in both]
        assert_same_error(*r)


def test_list_filters_written_into_the_callers_dict_like_docker_py(both: Any) -> None:
    """docker-py's networks(names=, ids=) and images(name=) write the name /
    id / reference filter into the filters dict the program passed: a program
    that passes that dict again filters by them again. The same dict after
    each call, and the same networks listed by the reused dict."""
    seen = []
    for c in both:
        f: dict = {"label": "clibdocker-test-never=1"}
        c.networks.list(names=["bridge"], filters=f)
        c.api.networks(ids=["abc"], filters=f)
        g: dict = {"dangling": False}
        c.images.list(name="clibdocker-test/none", filters=g)
        empty: dict = {}
        c.api.images(name="clibdocker-test/none", filters=empty)  # falsy: docker-py keeps it
        c.api.networks(filters=empty)
        reused = {"type": "builtin"}
        c.api.networks(names=["bridge"], filters=reused)
        names = sorted(n["Name"] for n in c.api.networks(filters=reused))
        seen.append((f, g, empty, reused, names))
    assert seen[0] == seen[1]
    assert seen[1][0] == {"label": "clibdocker-test-never=1", "name": ["bridge"], "id": ["abc"]}
    assert seen[1][4] == ["bridge"]


# --- swarm: services with secrets and configs ------------------------------------

def _spec_shape(svc: Any) -> Any:
    spec = svc.attrs["Spec"]
    cs = spec["TaskTemplate"]["ContainerSpec"]
    return {
        "image": cs["Image"].split("@")[0], "args": cs.get("Args"), "command": cs.get("Command"),
        "env": cs.get("Env"), "labels": cs.get("Labels"), "workdir": cs.get("Dir"),
        "secrets": [(s["SecretName"], s["File"]["Name"]) for s in cs.get("Secrets") or []],
        "configs": [(s["ConfigName"], s["File"]["Name"]) for s in cs.get("Configs") or []],
        "placement": spec["TaskTemplate"].get("Placement"),
        "restart": spec["TaskTemplate"].get("RestartPolicy"),
        "mode": spec["Mode"], "service_labels": spec.get("Labels"),
    }


def test_services_create_split_and_references(swarm: Any) -> None:  # noqa: F811
    dp = docker.DockerClient(base_url=SOCK)
    cd = clibdocker.DockerClient(base_url=SOCK)
    made: List[Any] = []
    try:
        secret = cd.secrets.create(name=unique("h5s"), data=b"s3cret", labels=LABELS)
        made.append(secret)
        config = cd.configs.create(name=unique("h5c"), data=b"cfg", labels=LABELS)
        made.append(config)
        shapes = []
        for lib, c in (("dp", dp), ("cd", cd)):
            types = docker.types if lib == "dp" else clibdocker.types
            svc = c.services.create(
                TEST_IMAGE, ["sh", "-c", "sleep 60"], name=unique("h5svc"),
                args=[], env=["A=1"], workdir="/tmp", labels=LABELS,
                container_labels={"clibdocker-test": "1", "c": "2"},
                constraints=["node.role==manager"],
                restart_policy=types.RestartPolicy(condition="none"),
                mode=types.ServiceMode("replicated", replicas=1),
                secrets=[types.SecretReference(secret.id, secret.name)],
                configs=[types.ConfigReference(config.id, config.name, filename="/cfg")])
            made.append(svc)
            assert type(svc).__name__ == "Service" and svc.name.startswith("h5svc")
            shapes.append(_spec_shape(svc))
            assert isinstance(svc.tasks(), list)
        assert shapes[0] == shapes[1]
        assert shapes[1]["secrets"] == [(secret.name, secret.name)]
        assert shapes[1]["configs"] == [(config.name, "/cfg")]
        # the service's task sees the secret and the config
        svc = made[-1]
        wait_for(lambda: any(t["Status"]["State"] == "running" for t in svc.tasks()), 60,
                 what="the service's task")
        task = [t for t in svc.tasks() if t["Status"]["State"] == "running"][0]
        ctr = cd.containers.get(task["Status"]["ContainerStatus"]["ContainerID"])
        out = ctr.exec_run(f"cat /run/secrets/{secret.name} /cfg").output
        assert out == b"s3cretcfg"
        # a bad keyword, a missing service
        r = [outcome(lambda c=c: c.services.create(TEST_IMAGE, bogus=1)) for c in (dp, cd)]
        assert_same_error(*r)
        assert str(r[0]) == str(r[1])
        r = [outcome(lambda c=c: c.services.get("h5-no-such-service")) for c in (dp, cd)]
        assert_same_error(*r)
        listed = cd.services.list(filters={"label": "clibdocker-test=1"})
        assert {s.id for s in made[-2:]} <= {s.id for s in listed}
    finally:
        for obj in reversed(made):
            try:
                obj.remove()
            except errors.NotFound:
                pass
        dp.close()
        cd.close()


def test_mount_without_target_refused_by_the_engine_as_docker_py():
    """A Mount without a target is built as docker-py builds it and the
    engine refuses the create (400), the same through both clients."""
    got = []
    for mod in (docker, clibdocker):
        cl = mod.DockerClient(base_url=SOCK)
        try:
            with pytest.raises(mod.errors.APIError) as ei:
                cl.containers.create(TEST_IMAGE, "true", labels=dict(LABELS),
                                     mounts=[mod.types.Mount(None, "clibdocker-test-no-target")])
            got.append((type(ei.value).__name__, ei.value.status_code, ei.value.explanation))
        finally:
            cl.close()
    assert got[0] == got[1] and got[0][1] == 400
