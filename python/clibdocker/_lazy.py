"""Module attributes made on first use (PEP 562), for the package's modules.

What a module binds only because docker-py's module of that name binds it
(another module's class, a logger, a submodule), or what costs start-up time
(the high-level client, ``logging``), is listed in a table and bound when
first read::

    __getattr__, __dir__ = _lazy.names(__name__, {
        "DockerClient": (".client", "DockerClient"),  # an attribute of a module
        "utils": (".utils", None),                     # the module itself
        "log": _lazy.LOGGER,                           # logging.getLogger(__name__)
    })

Module paths starting with "." are relative to the module's package, as in
an import statement. The value read is bound in the module's namespace, so
``__getattr__`` runs once per name. Imports go through ``__import__`` (no
``importlib``: importing it costs more than this package's start-up path).
"""
from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time: for the checker only
    from typing import Any, Callable, Dict, List, Optional, Tuple

    Spec = Tuple[str, Optional[str]]

# the module's logger, as docker-py's modules have one (``log``)
LOGGER: Spec = ("logging", "")


def _absolute(path: str, package: str) -> str:
    if not path.startswith("."):
        return path
    rest = path.lstrip(".")
    base = package.rsplit(".", len(path) - len(rest) - 1)[0]
    return f"{base}.{rest}" if rest else base


def load(name: str) -> Any:
    """The module ``name`` (absolute), imported if it is not yet."""
    __import__(name)
    return sys.modules[name]


def names(module: str, table: Dict[str, Spec]
          ) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """``(__getattr__, __dir__)`` for ``module`` (its ``__name__``) giving
    the names of ``table``: name -> (module path, attribute or None for the
    module itself), or :data:`LOGGER`."""
    namespace = sys.modules[module].__dict__
    package = namespace.get("__package__") or module.rpartition(".")[0]

    def __getattr__(name: str) -> Any:
        spec = table.get(name)
        if spec is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        if spec is LOGGER:
            value = load("logging").getLogger(module)
        else:
            path, attr = spec
            mod = load(_absolute(path, package))
            value = mod if attr is None else getattr(mod, attr)
        namespace[name] = value
        return value

    def __dir__() -> List[str]:
        return sorted(set(namespace) | set(table))

    return __getattr__, __dir__
