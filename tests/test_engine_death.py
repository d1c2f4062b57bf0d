"""The real engine dying under the client: the second engine (API 1.45, in
its own network namespace) is killed with SIGKILL while a stream runs. The
stream must end with a clear connection error (never a silent clean end),
calls in between fail fast, and once the engine is back (restarted by
scripts/setup.sh) the SAME client works again without being recreated.

The main engine is never killed here: other tests and the registry need it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import pytest

import clibdocker
from clibdocker import errors
from conftest import ENGINE2

PIDFILE = "/run/clibdocker-engine2/docker.pid"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _kill_engine2() -> None:
    with open(PIDFILE) as f:
        pid = int(f.read().strip())
    os.kill(pid, signal.SIGKILL)


def _restart_engine2() -> None:
    env = dict(os.environ, CLIBDOCKER_SKIP_APT="1", CLIBDOCKER_SKIP_REGISTRY="1",
               CLIBDOCKER_SKIP_IMAGE="1", CLIBDOCKER_SKIP_PIP="1")
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "setup.sh")], env=env, check=True,
                   capture_output=True, timeout=240)


@pytest.fixture
def engine2_restored():
    yield
    # whatever happened, leave the engine running
    c = clibdocker.APIClient(base_url=ENGINE2, timeout=5)
    try:
        c.ping()
    except errors.DockerException:
        _restart_engine2()
    finally:
        c.close()


def _consume_until_death(stream, outcome):
    def run():
        try:
            for _ in stream:
                pass
            outcome["end"] = "clean"
        except BaseException as e:          # noqa: BLE001 - recorded for the assert
            outcome["end"] = e
    t = threading.Thread(target=run)
    t.start()
    return t


@pytest.fixture
def registry_in_engine2_netns(tmp_path):
    """A plain registry inside the second engine's network namespace (its
    own 127.0.0.1:5000), so that engine can push to it."""
    conf = tmp_path / "registry.yml"
    conf.write_text("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\n"
                    "http:\n  addr: 127.0.0.1:5000\n" % (tmp_path / "data"))
    proc = subprocess.Popen(["nsenter", "--net=/run/netns/clibdocker2", "docker-registry",
                             "serve", str(conf)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while time.time() < deadline:
        r = subprocess.run(["nsenter", "--net=/run/netns/clibdocker2", "curl", "-s", "-o",
                            "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:5000/v2/"],
                           capture_output=True, text=True)
        if r.stdout == "200":
            break
        time.sleep(0.2)
    try:
        yield "127.0.0.1:5000"
    finally:
        proc.terminate()
        proc.wait(10)


def test_engine_killed_during_push(engine2_restored, registry_in_engine2_netns, tmp_path):
    import io
    import tarfile
    c = clibdocker.APIClient(base_url=ENGINE2, timeout=120)
    repo = f"{registry_in_engine2_netns}/clibdocker-test/death-{os.getpid()}"
    # an image with a 256 MB incompressible layer, so the push takes a while
    layer = tmp_path / "layer.tar"
    with tarfile.open(layer, "w") as t:
        info = tarfile.TarInfo("blob")
        info.size = 256 << 20
        with open("/dev/urandom", "rb") as rnd:
            t.addfile(info, io.BufferedReader(rnd, 1 << 20))   # type: ignore[arg-type]
    c.import_image_from_file(str(layer), repository=repo, tag="1")
    try:
        stream = c.push(repo, tag="1", stream=True, decode=True)
        outcome = {}
        t = _consume_until_death(stream, outcome)
        time.sleep(0.5)
        assert t.is_alive(), "the push finished before the engine could be killed"
        _kill_engine2()
        t.join(30)
        assert not t.is_alive()
        assert isinstance(outcome["end"], errors.TransportError), outcome
        _restart_engine2()
        assert c.ping()                       # the same client again
    finally:
        try:
            c.remove_image(f"{repo}:1", force=True)
        except errors.DockerException:
            pass
        c.close()


def test_engine_killed_during_events_then_back(engine2_restored):
    c = clibdocker.APIClient(base_url=ENGINE2, timeout=10)
    assert c.ping()
    stream = c.events(decode=True)           # follows: no timeout of its own
    outcome = {}

    def consume():
        try:
            for _ in stream:
                pass
            outcome["end"] = "clean"
        except BaseException as e:          # noqa: BLE001 - recorded for the assert
            outcome["end"] = e

    t = threading.Thread(target=consume)
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    _kill_engine2()
    t.join(15)
    assert not t.is_alive(), "the stream did not notice the engine dying"
    assert isinstance(outcome["end"], errors.TransportError), outcome
    assert "cut" in str(outcome["end"]) or "connection" in str(outcome["end"]).lower()
    assert time.monotonic() - t0 < 10

    # while the engine is down: a fast, clear error on the same client
    with pytest.raises(errors.TransportError):
        c.ping()

    _restart_engine2()
    # the same client, never recreated, works again
    assert c.ping()
    assert c.version()["ApiVersion"] == "1.45"
    c.close()


@pytest.fixture
def ticking_container_engine2(engine2_restored):
    """A container on the second engine writing a line every 100 ms."""
    from conftest import TEST_IMAGE
    c = clibdocker.APIClient(base_url=ENGINE2, timeout=30)
    cid = c.create_container(TEST_IMAGE, ["sh", "-c", "while true; do echo tick; sleep 0.1; done"],
                             labels={"clibdocker-test": "1"})["Id"]
    c.start(cid)
    try:
        yield c, cid
    finally:
        try:
            c.remove_container(cid, force=True)
        except errors.DockerException:
            pass
        c.close()


@pytest.mark.parametrize("how", ["logs", "attach"])
def test_engine_killed_during_logs_follow_and_attach(ticking_container_engine2, how):
    c, cid = ticking_container_engine2
    if how == "logs":
        stream = c.logs(cid, stream=True, follow=True)
    else:
        sock = c.attach_socket(cid, params={"stdout": 1, "stderr": 1, "stream": 1})
        stream = sock.frames()
    outcome: dict = {}
    t = _consume_until_death(stream, outcome)
    time.sleep(0.5)
    assert t.is_alive(), "the stream ended before the engine was killed"
    _kill_engine2()
    t.join(20)
    assert not t.is_alive(), f"{how}: the stream did not notice the engine dying"
    assert isinstance(outcome["end"], errors.TransportError), (how, outcome)
    _restart_engine2()
    assert c.ping()                          # the same client again
