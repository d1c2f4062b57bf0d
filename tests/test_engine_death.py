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
