"""APIClient loads its API areas beyond System on first use (start-up time).
Whatever the order of first use, every method must be there, on instances and
on the class, for subclasses and super(), dir() and help()."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from conftest import TEST_IMAGE


def run_fresh(code: str) -> str:
    """Run code in a new interpreter (the areas load once per process)."""
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_ping_alone_loads_only_the_system_area():
    out = run_fresh("""
        import sys, clibdocker
        c = clibdocker.APIClient()
        assert c.ping() and c.version()["ApiVersion"] == c.api_version
        print(sorted(m for m in sys.modules if m.startswith("clibdocker.api.")))
        c.inspect_image(%r)       # first use of another area
        print("clibdocker.api.image" in sys.modules, "clibdocker.api.exec_api" in sys.modules)
    """ % TEST_IMAGE)
    first, second = out.splitlines()
    assert first == "['clibdocker.api._base', 'clibdocker.api.client', 'clibdocker.api.system']"
    assert second == "True True"


@pytest.mark.parametrize("first_use", ["instance", "class", "dir", "subclass", "hasattr"])
def test_every_area_is_there_whatever_is_used_first(first_use):
    out = run_fresh("""
        import inspect, clibdocker
        from clibdocker import APIClient
        first_use = %r
        if first_use == "instance":
            c = APIClient(); imgs = c.images(); assert isinstance(imgs, list)
        elif first_use == "class":
            assert "all" in inspect.signature(APIClient.containers).parameters
        elif first_use == "dir":
            assert "exec_create" in dir(APIClient())
        elif first_use == "subclass":
            class Mine(APIClient):
                def images(self, *a, **k):
                    return ["mine"] + super().images(*a, **k)
            got = Mine().images(name=%r)
            assert got[0] == "mine" and len(got) == 2, got
        elif first_use == "hasattr":
            assert hasattr(APIClient(), "create_service")
        c = APIClient()
        for name in ("containers", "images", "build", "networks", "volumes", "plugins",
                     "init_swarm", "services", "secrets", "configs", "attach_socket",
                     "exec_start", "ping", "events"):
            assert callable(getattr(c, name)), name
            assert callable(getattr(APIClient, name)), name
        for owner in (c, APIClient):      # a missing name still raises
            try:
                owner.no_such_method
            except AttributeError as e:
                assert "no_such_method" in str(e)
            else:
                raise AssertionError(f"{owner!r}.no_such_method did not raise")
        print("ok")
    """ % (first_use, TEST_IMAGE))
    assert out.strip() == "ok"
