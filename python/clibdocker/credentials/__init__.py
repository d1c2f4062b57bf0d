"""Talk to ``docker-credential-*`` helper programs (docker-py's
``docker.credentials``): :class:`Store` gets, stores, erases and lists
registry credentials through the helper protocol (the verb as the only
argument, the request on stdin, JSON on stdout)."""
from .constants import (DEFAULT_LINUX_STORE, DEFAULT_OSX_STORE, DEFAULT_WIN32_STORE,
                        PROGRAM_PREFIX)
from .errors import CredentialsNotFound, InitializationError, StoreError, process_store_error
from .store import Store

__all__ = ["Store", "StoreError", "CredentialsNotFound", "InitializationError",
           "process_store_error", "DEFAULT_LINUX_STORE", "DEFAULT_OSX_STORE",
           "DEFAULT_WIN32_STORE", "PROGRAM_PREFIX"]
