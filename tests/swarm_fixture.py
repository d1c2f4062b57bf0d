"""A real single-node swarm on the main engine for the swarm test modules.

``swarm`` (module scope) makes the main engine the manager of a new swarm
(advertised on 127.0.0.1) when it is in none, and at the end leaves it with
force and removes the ``docker_gwbridge`` network the swarm created, so the
engine is left as it was. An engine that is already a swarm manager is used
as it is and left in its swarm. Other helpers test on the same engine, so
the swarm lives only for one module, and everything the tests create is
labelled ``clibdocker-test=1``.
"""
from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

import pytest

import clibdocker
from clibdocker import errors

LISTEN_ADDR = "127.0.0.1:2377"
ADVERTISE_ADDR = "127.0.0.1"


@dataclass
class Swarm:
    client: clibdocker.APIClient
    node_id: str
    created: bool            # True: this fixture made the swarm (and leaves it)
    init_result: Optional[str]


def wait_for(fn: Callable[[], Any], timeout: float = 60.0, interval: float = 0.25,
             what: str = "condition") -> Any:
    """Poll ``fn`` until it returns a truthy value; that value."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def _state(c: clibdocker.APIClient) -> Any:
    return c.info()["Swarm"]


def _network(c: clibdocker.APIClient, name: str) -> Optional[Any]:
    for n in c.networks(names=[name]):
        if n["Name"] == name:
            return c.inspect_network(n["Id"])
    return None


def ingress_ready(c: clibdocker.APIClient) -> bool:
    """The swarm's routing mesh is set up. Leaving before that leaves a
    stale ``ingress`` network in the engine (Docker 20.10), so the fixture
    waits for it after init."""
    n = _network(c, "ingress")
    return n is not None and "ingress-sbox" in (n.get("Containers") or {})


def _leave(c: clibdocker.APIClient, had_gwbridge: bool) -> None:
    if _state(c)["LocalNodeState"] != "inactive":
        c.leave_swarm(force=True)
    wait_for(lambda: _state(c)["LocalNodeState"] == "inactive", 30, what="leaving the swarm")
    wait_for(lambda: _network(c, "ingress") is None, 30, what="the ingress network to go")
    if not had_gwbridge:
        # the swarm's gateway bridge outlives it; remove it once unused
        wait_for(lambda: not (_network(c, "docker_gwbridge") or {}).get("Containers"), 30,
                 what="docker_gwbridge to be unused")
        subprocess.run(["docker", "network", "rm", "docker_gwbridge"], capture_output=True,
                       timeout=60)


@pytest.fixture(scope="module")
def swarm() -> Iterator[Swarm]:
    c = clibdocker.APIClient(base_url=os.environ.get("DOCKER_HOST") or None)
    try:
        st = _state(c)
        had_gwbridge = _network(c, "docker_gwbridge") is not None
        if st["LocalNodeState"] == "active":
            if not st.get("ControlAvailable"):
                pytest.skip("the main engine is a swarm worker; these tests need a manager")
            yield Swarm(c, st["NodeID"], False, None)
            return
        if st["LocalNodeState"] != "inactive":
            pytest.skip(f"the main engine's swarm state is {st['LocalNodeState']!r}")
        node_id = c.init_swarm(advertise_addr=ADVERTISE_ADDR, listen_addr=LISTEN_ADDR)
        try:
            wait_for(lambda: _state(c)["ControlAvailable"], 30, what="the swarm manager")
            wait_for(lambda: ingress_ready(c), 60, what="the ingress network")
            yield Swarm(c, node_id, True, node_id)
        finally:
            try:
                _leave(c, had_gwbridge)
            except errors.DockerException as e:  # pragma: no cover - report, do not mask
                print(f"swarm fixture: leaving the swarm failed: {e}")
    finally:
        c.close()
