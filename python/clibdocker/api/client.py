"""``APIClient``: one method per Engine API operation, with docker-py's
names, arguments and return shapes."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

from .. import errors
from .._binding import Client
from .system import SystemApiMixin

if TYPE_CHECKING:
    from .container import ContainerApiMixin
    from .network import NetworkApiMixin
    from .volume import VolumeApiMixin
    from .image import ImageApiMixin
    from .build import BuildApiMixin
    from .plugin import PluginApiMixin
    from .swarm import SwarmApiMixin
    from .service import ServiceApiMixin
    from .secret import SecretApiMixin
    from .config import ConfigApiMixin
    from .container_io import ContainerIOMixin
    from .exec_api import ExecApiMixin
    from ..trace import TraceRecord

def _config_dir_of(dockercfg_path: str) -> str:
    """The directory of a docker config given as docker-py takes it."""
    import os
    path = os.fspath(dockercfg_path)
    if os.path.isdir(path):
        return path
    if os.path.basename(path) != "config.json":
        raise errors.InvalidArgument(
            f"dockercfg_path: {path!r} is not a config.json or a directory holding one "
            "(the legacy .dockercfg format is not read)")
    return os.path.dirname(os.path.abspath(path))


DEFAULT_TIMEOUT_SECONDS = 60
DEFAULT_MAX_POOL_SIZE = 10
DEFAULT_USER_AGENT = "clibdocker/0.1.0"


# The area mixins beyond System are imported on first use (start-up time: a
# program that only pings or follows events does not load the other ~20
# modules). `_Areas` starts with the System mixin alone; the first lookup of an
# attribute it lacks -- on an instance (`__getattr__`) or on the class (the
# metaclass) -- imports every area and assigns the full base tuple, after which
# all methods are ordinary class attributes (no per-call cost) and `super()`,
# `dir()`, `help()` and `inspect` see them. Subclassing APIClient loads them at
# once, so a subclass's `super().containers()` works.
_AREA_MIXINS = (
    ("container", "ContainerApiMixin"), ("image", "ImageApiMixin"),
    ("build", "BuildApiMixin"), ("network", "NetworkApiMixin"),
    ("volume", "VolumeApiMixin"), ("plugin", "PluginApiMixin"),
    ("swarm", "SwarmApiMixin"), ("service", "ServiceApiMixin"),
    ("secret", "SecretApiMixin"), ("config", "ConfigApiMixin"),
    ("container_io", "ContainerIOMixin"), ("exec_api", "ExecApiMixin"),
)
_areas_lock = threading.Lock()
_areas_loaded = False


def _load_areas() -> None:
    global _areas_loaded
    if _areas_loaded:
        return
    import importlib
    with _areas_lock:
        if _areas_loaded:
            return
        bases: List[type] = [SystemApiMixin]
        for module, name in _AREA_MIXINS:
            bases.append(getattr(importlib.import_module(f".{module}", __package__), name))
        _Areas.__bases__ = tuple(bases)
        _areas_loaded = True


class _LoadAreasOnClassLookup(type):
    def __getattr__(cls, name: str) -> Any:
        if _areas_loaded or (name.startswith("__") and name.endswith("__")):
            raise AttributeError(f"type object {cls.__name__!r} has no attribute {name!r}")
        _load_areas()
        return type.__getattribute__(cls, name)

    def __dir__(cls) -> List[str]:
        _load_areas()
        return list(type.__dir__(cls))


if TYPE_CHECKING:
    class _Areas(SystemApiMixin, ContainerApiMixin, ImageApiMixin, BuildApiMixin,
                 NetworkApiMixin, VolumeApiMixin, PluginApiMixin, SwarmApiMixin,
                 ServiceApiMixin, SecretApiMixin, ConfigApiMixin,
                 ContainerIOMixin, ExecApiMixin):
        pass
else:
    class _Areas(SystemApiMixin, metaclass=_LoadAreasOnClassLookup):
        """The API area mixins (the others join on first use)."""

        def __getattr__(self, name: str) -> Any:
            if _areas_loaded or (name.startswith("__") and name.endswith("__")):
                raise AttributeError(
                    f"{type(self).__name__!r} object has no attribute {name!r}")
            _load_areas()
            return object.__getattribute__(self, name)

        def __dir__(self) -> List[str]:
            _load_areas()
            return list(object.__dir__(self))

        def __init_subclass__(cls, **kwargs: Any) -> None:
            super().__init_subclass__(**kwargs)
            if cls.__name__ != "APIClient" or cls.__module__ != __name__:
                _load_areas()


class APIClient(_Areas):
    """A low-level client for the Docker Engine API.

    :param base_url: ``unix:///var/run/docker.sock`` (the default),
        ``tcp://host:port``, ``http://host:port`` or ``ssh://[user@]host[:port]``
        (each connection runs ``ssh ... host docker system dial-stdio``, like
        the docker CLI; the env ``CLIBDOCKER_SSH_COMMAND`` replaces ``ssh``,
        e.g. ``"ssh -F /path/config -i /path/key"``).
    :param version: an API version like ``"1.41"``; None or ``"auto"``
        negotiates it on the first call: min(the newest this client speaks,
        the engine's).
    :param tls: a :class:`~clibdocker.tls.TLSConfig` (or True: TLS verified
        against the system's CAs) for a ``tcp://`` engine.
    :param timeout: seconds for each non-streaming call (None: no limit).
        Streams (``events``, follow-logs) have no read timeout.
    :param use_ssh_client: accepted as in docker-py; clibdocker always uses
        the ``ssh`` program for ``ssh://`` hosts (there is no paramiko mode).

    Safe to share between threads. Use ``close()`` or ``with`` to release its
    connections.
    """

    def __init__(self, base_url: Optional[str] = None, version: Optional[str] = None,
                 timeout: Optional[float] = DEFAULT_TIMEOUT_SECONDS, tls: Any = False,
                 user_agent: str = DEFAULT_USER_AGENT, num_pools: Optional[int] = None,
                 credstore_env: Optional[Dict[str, str]] = None,
                 use_ssh_client: bool = False,
                 max_pool_size: int = DEFAULT_MAX_POOL_SIZE) -> None:
        # use_ssh_client: accepted for docker-py compatibility; ssh:// hosts
        # always run the ssh client (`ssh host docker system dial-stdio`)
        del use_ssh_client
        if isinstance(version, str) and version.lower() == "auto":
            version = None
        self._native = Client(base_url, version, timeout)
        if tls:
            from ..tls import TLSConfig
            cfg = tls if isinstance(tls, TLSConfig) else TLSConfig(verify=True)
            cert, key = cfg.cert if cfg.cert else (None, None)
            try:
                self._native.set_tls(cfg.ca_cert, cert, key, bool(cfg.verify))
            except errors.InvalidArgument as e:
                self._native.close()
                raise errors.TLSParameterError(str(e)) from None
        self._timeout = timeout
        self._auth_configs: Dict[str, Dict[str, Any]] = {}
        self._config_dir: Optional[str] = None
        if credstore_env is not None and not isinstance(credstore_env, dict):
            self._native.close()
            raise errors.InvalidArgument("credstore_env must be a dict of strings")
        self.credstore_env = credstore_env

    # --- lifetime ------------------------------------------------------------

    def close(self) -> None:
        """Release the client's connections. Further calls raise."""
        self._native.close()

    def __enter__(self) -> "APIClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def reload_config(self, dockercfg_path: Optional[str] = None) -> None:
        """Force a reload of the auth configuration, as in docker-py: the
        credentials kept by :meth:`login` are forgotten. clibdocker reads the
        docker config each time a call needs credentials, so there is no cache
        to refresh; ``dockercfg_path`` (a ``config.json``, or the directory
        holding one) is used from now on instead of ``$DOCKER_CONFIG`` /
        ``~/.docker``. The legacy ``~/.dockercfg`` format is not read."""
        self._config_dir = _config_dir_of(dockercfg_path) if dockercfg_path else None
        self._auth_configs = {}

    # --- properties ------------------------------------------------------------

    @property
    def api_version(self) -> str:
        """The API version in use (negotiated on first use if not fixed)."""
        return self._native.api_version()

    @property
    def base_url(self) -> str:
        return self._native.url

    @property
    def timeout(self) -> Optional[float]:
        return self._timeout

    def set_timeouts(self, connect: float = 30, total: float = DEFAULT_TIMEOUT_SECONDS,
                     stream_idle: float = 0) -> None:
        """Beyond docker-py: the connect timeout, the total timeout of each
        non-streaming call, and the longest silence a stream may have
        (0 = none, the default), in seconds."""
        self._native.set_timeouts(connect, total, stream_idle)
        self._timeout = total or None

    def set_trace_hook(self, fn: Optional[Callable[[TraceRecord], None]],
                       body_cap: int = 4096) -> None:
        """Call ``fn(record)`` once per finished call with a
        :class:`~clibdocker.trace.TraceRecord` (method, URL, status, times,
        request and response bodies capped at ``body_cap`` bytes, secrets
        redacted); streams are traced when closed. ``None`` removes the hook.
        The hook runs on the calling thread; its exceptions are printed and
        ignored."""
        if fn is not None and not callable(fn):
            raise errors.InvalidArgument("the trace hook must be callable or None")
        self._native.set_trace(fn, body_cap)

    def __repr__(self) -> str:
        try:
            url = self.base_url
        except errors.DockerException:
            url = "closed"
        return f"<clibdocker.APIClient {url}>"
