"""The ``docker`` -> ``clibdocker`` module alias behind :mod:`clibdocker.compat`.

Kept apart and free of imports (no ``typing``): clibdocker registers the
finder on import, and start-up time matters.
"""
from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: the docker-py release whose public API clibdocker reproduces
DOCKER_PY_VERSION = "7.2.0"

_ALIAS = "docker"
_TARGET = "clibdocker"


def _is_alias(module: Any) -> bool:
    return module is not None and getattr(module, "__clibdocker_alias__", False) is True


def active() -> bool:
    """``import docker`` is clibdocker (:mod:`clibdocker.compat`): the
    program was written for docker-py."""
    top = sys.modules.get(_ALIAS)
    return _is_alias(top) or (top is not None and top is sys.modules.get(_TARGET))


class _AliasFinder:
    """Meta path finder: ``docker.X.Y`` -> the already imported or newly
    imported ``clibdocker.X.Y`` module object itself (no second copy).

    Active only while ``sys.modules["docker"]`` is clibdocker or the alias
    module made by :func:`install`; a real docker-py stays untouched otherwise.
    """

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not fullname.startswith(_ALIAS + "."):
            return None
        if not active():
            return None
        import importlib
        import importlib.machinery
        if fullname == _ALIAS + "._version":   # docker-py's generated version file
            real = _version_module(None, fullname)
            spec = importlib.machinery.ModuleSpec(fullname, self)  # type: ignore[arg-type]
            spec.loader_state = real
            return spec
        real_name = _TARGET + fullname[len(_ALIAS):]
        try:
            real = importlib.import_module(real_name)
        except ModuleNotFoundError as e:
            if e.name == real_name:
                return None          # no such module: the import fails as usual
            raise
        if fullname == _ALIAS + ".version":
            real = _version_module(real, fullname)
        spec = importlib.machinery.ModuleSpec(fullname, self,  # type: ignore[arg-type]
                                              is_package=hasattr(real, "__path__"))
        spec.loader_state = real
        return spec

    def create_module(self, spec: Any) -> Any:
        module = spec.loader_state
        spec.loader_state = (module, getattr(module, "__spec__", None))
        return module

    def exec_module(self, module: Any) -> None:
        # the import machinery set __spec__ to the alias's spec: put the
        # module's own back (its other attributes were left alone)
        real, own_spec = module.__spec__.loader_state
        if own_spec is not None:
            real.__spec__ = own_spec


_FINDER = _AliasFinder()


def _version_module(real: Any, name: str) -> Any:
    """``docker.version``: clibdocker.version with docker-py's version
    number; ``docker._version`` (docker-py's generated file, *real* None):
    only the version fields."""
    mod = type(sys)(name, getattr(real, "__doc__", None))   # types.ModuleType
    if real is not None:
        mod.__dict__.update({k: v for k, v in vars(real).items() if not k.startswith("__")})
        mod.__dict__["__clibdocker_version__"] = getattr(real, "__version__", None)
    mod.__dict__["__version__"] = DOCKER_PY_VERSION
    if real is None:
        numbers = tuple(int(x) for x in DOCKER_PY_VERSION.split("."))
        mod.__dict__.update(version=DOCKER_PY_VERSION, version_tuple=numbers,
                            __version_tuple__=numbers, commit_id=None, __commit_id__=None)
    return mod


def register_finder() -> None:
    """Put the alias finder first on ``sys.meta_path`` (idempotent). Cheap:
    clibdocker calls it on import, so that a program which itself does
    ``sys.modules["docker"] = clibdocker`` also gets one module per name."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


