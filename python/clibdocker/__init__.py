"""clibdocker: a fast Docker Engine API client (C core, docker-py's API).

``clibdocker.APIClient`` mirrors docker-py's low-level client and
``clibdocker.from_env()`` / ``clibdocker.DockerClient`` its high-level one.
"""
from . import errors
from .api import APIClient
from .client import DockerClient, from_env
from .trace import TraceRecord
from . import models, tls, types
from .tls import TLSConfig

__version__ = "0.1.0"
__all__ = ["APIClient", "DockerClient", "from_env", "errors", "TraceRecord", "__version__",
           "models", "tls", "types", "TLSConfig"]
