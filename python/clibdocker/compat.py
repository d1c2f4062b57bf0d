"""Run programs written for docker-py on clibdocker, unmodified.

``import docker`` (and every ``docker.<module>``) then resolves to clibdocker's
module of the same path: ``docker.errors`` *is* ``clibdocker.errors``, so an
exception clibdocker raises is caught by ``except docker.errors.NotFound``.
Three ways in, all the same mechanism:

* in the program's process, before it imports docker::

      import clibdocker.compat
      clibdocker.compat.install()

* for a whole program, from the shell::

      python -m clibdocker.compat program.py ARGS...
      python -m clibdocker.compat -m pytest tests/

* for every Python process of an environment (subprocesses too)::

      export PYTHONPATH="$(python -m clibdocker.compat --pythonpath)${PYTHONPATH:+:$PYTHONPATH}"

  (a directory holding a two-line ``docker`` package that calls ``install()``).

``docker.__version__`` and ``docker.version.__version__`` read ``"7.2.0"``:
the docker-py release whose API clibdocker provides, which is what programs
that check the version of "the Docker SDK" mean; ``clibdocker.__version__``
stays clibdocker's own.  docker-py itself may stay installed: once
``install()`` has run, ``docker`` is clibdocker in that process.
"""
from __future__ import annotations

import sys

from ._alias import _ALIAS, DOCKER_PY_VERSION, _is_alias, register_finder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Optional

__all__ = ["install", "uninstall", "shim_dir", "register_finder", "main", "DOCKER_PY_VERSION"]


def _alias_module() -> Any:
    import clibdocker
    mod = type(sys)(_ALIAS, clibdocker.__doc__)   # types.ModuleType, without importing types

    def __getattr__(name: str) -> Any:
        try:
            return getattr(clibdocker, name)
        except AttributeError:
            pass
        import importlib
        try:   # a submodule not imported yet (docker-py imports some eagerly)
            return importlib.import_module(f"{_ALIAS}.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module 'docker' (clibdocker) has no attribute {name!r}") from None

    def __dir__() -> List[str]:
        return sorted(set(dir(clibdocker)) | set(mod.__dict__))

    mod.__dict__.update({
        "__getattr__": __getattr__, "__dir__": __dir__,
        "__path__": list(clibdocker.__path__), "__file__": clibdocker.__file__,
        "__version__": DOCKER_PY_VERSION, "__clibdocker_alias__": True,
        # ``from docker import *`` gives docker-py's names (its package has
        # no __all__: the public names and the submodules it imports; not
        # ``transport``, which clibdocker does not reproduce)
        "__all__": ["APIClient", "Context", "ContextAPI", "DockerClient", "TLSConfig", "api", "auth",
                    "client", "constants", "context", "credentials", "errors", "from_context",
                    "from_env", "models", "tls", "types", "utils", "version"],
    })
    return mod


def install() -> Any:
    """Make ``import docker`` resolve to clibdocker in this process (idempotent).
    Modules of a docker-py imported earlier are replaced. Returns the
    ``docker`` module."""
    register_finder()
    top = sys.modules.get(_ALIAS)
    if _is_alias(top):
        return top
    for name in [n for n in sys.modules if n == _ALIAS or n.startswith(_ALIAS + ".")]:
        del sys.modules[name]   # a docker-py imported before install()
    mod = _alias_module()
    sys.modules[_ALIAS] = mod
    return mod


def uninstall() -> None:
    """Undo :func:`install` (the ``docker`` modules go; the finder stays
    inert until ``docker`` is clibdocker again)."""
    for name in [n for n in sys.modules if n == _ALIAS or n.startswith(_ALIAS + ".")]:
        if name == _ALIAS and not _is_alias(sys.modules[name]):
            return
        del sys.modules[name]


def shim_dir() -> str:
    """The directory to put on ``PYTHONPATH`` so that every process gets the
    alias: it holds a ``docker`` package that calls :func:`install`."""
    import os
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "_shim")


def _alias_children() -> None:
    """The program's own Python processes get the alias too: multiprocessing
    workers started with ``spawn`` or ``forkserver`` (they import the
    program's modules afresh) and ``subprocess`` runs of ``sys.executable``
    inherit ``PYTHONPATH`` with the shim first (and the directory clibdocker
    was imported from, so that the shim finds it), and ``sys.path`` holds
    the shim, which spawned workers copy."""
    import os
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    old = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    first = [shim_dir(), here]
    os.environ["PYTHONPATH"] = os.pathsep.join(first + [p for p in old if p not in first])
    # a spawned worker takes its parent's sys.path: the shim goes there too
    # (this process has the alias in sys.modules already; it never imports
    # the shim itself)
    if shim_dir() not in sys.path:
        sys.path.insert(1 if sys.path else 0, shim_dir())


_USAGE = """usage: python -m clibdocker.compat [--pythonpath] | [-m module | script.py] [args...]

Run a program written for docker-py with `import docker` resolving to clibdocker
(also in the Python processes it starts: multiprocessing workers, subprocesses).
  --pythonpath   print a directory to put on PYTHONPATH for the same effect in every process
"""


def main(argv: Optional[List[str]] = None) -> int:
    import runpy
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write(_USAGE)
        return 0 if args else 2
    if args[0] == "--pythonpath":
        print(shim_dir())
        return 0
    install()
    _alias_children()
    if args[0] == "-m":
        if len(args) < 2:
            sys.stderr.write(_USAGE)
            return 2
        sys.argv = args[1:]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        return 0
    sys.argv = args
    import os
    sys.path[0] = os.path.dirname(os.path.abspath(args[0]))
    runpy.run_path(args[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
