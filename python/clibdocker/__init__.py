"""clibdocker: a fast Docker Engine API client (C core, docker-py's API).

``clibdocker.APIClient`` mirrors docker-py's low-level client and
``clibdocker.from_env()`` / ``clibdocker.DockerClient`` its high-level one.
The high-level client, its models, ``types`` and ``tls`` are imported on
first use, so that a program using only ``APIClient`` starts fast.
"""
from __future__ import annotations

from . import _lazy
from ._alias import register_finder as _register_finder
from .api import APIClient

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from . import errors, models, tls, types
    from . import auth, client, constants, context, utils
    from .client import DockerClient, from_context, from_env
    from .context import Context, ContextAPI
    from .tls import TLSConfig
    from .trace import TraceRecord

__version__ = "0.1.0"

# `sys.modules["docker"] = clibdocker` then gives one module object per
# name (docker.errors is clibdocker.errors): see clibdocker.compat
_register_finder()
__all__ = ["APIClient", "DockerClient", "from_env", "from_context", "errors", "TraceRecord",
           "__version__", "models", "tls", "types", "TLSConfig", "Context", "ContextAPI"]

# the high-level parts, loaded on first use
__getattr__, __dir__ = _lazy.names(__name__, {
    "DockerClient": (".client", "DockerClient"), "from_env": (".client", "from_env"),
    "from_context": (".client", "from_context"),
    "Context": (".context", "Context"), "ContextAPI": (".context", "ContextAPI"),
    "TLSConfig": (".tls", "TLSConfig"), "models": (".models", None),
    "tls": (".tls", None), "types": (".types", None),
    "TraceRecord": (".trace", "TraceRecord"),
    # imported by the first error raised (a successful call needs none)
    "errors": (".errors", None),
    # docker-py imports these modules with the package (``version`` is
    # left to the import system: under ``import docker`` it is the
    # alias's docker.version, which reads docker-py's version number)
    **{m: (f".{m}", None) for m in ("auth", "client", "constants", "context", "credentials",
                                    "utils")}})
