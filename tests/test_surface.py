"""docker-py 7.2.0's public surface, walked side by side with clibdocker's
(tests/surface_walk.py): every module, public name, method and parameter of
docker-py must exist in clibdocker. Prints the count it checked."""
from __future__ import annotations

import pytest

docker = pytest.importorskip("docker", reason="docker-py (installed by scripts/setup.sh) is needed")


def test_docker_py_is_7_2_0() -> None:
    # the surface we promise is that of docker-py 7.2.0
    assert docker.__version__ == "7.2.0", docker.__version__


def test_every_module_name_and_parameter_of_docker_py_exists() -> None:
    from surface_walk import walk
    checked, problems = walk()
    print(f"\ndocker-py surface: {checked} names checked, {len(problems)} problems")
    assert checked > 1000
    assert not problems, f"{len(problems)} of {checked} missing or different:\n" + "\n".join(problems)
