"""``APIClient``: one method per Engine API operation, with docker-py's
names, arguments and return shapes."""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from .. import errors
from .._binding import Client
from ..trace import TraceRecord
from .container import ContainerApiMixin
from .network import NetworkApiMixin
from .system import SystemApiMixin
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

DEFAULT_TIMEOUT_SECONDS = 60
DEFAULT_MAX_POOL_SIZE = 10
DEFAULT_USER_AGENT = "clibdocker/0.1.0"


class APIClient(SystemApiMixin, ContainerApiMixin, ImageApiMixin, BuildApiMixin,
                NetworkApiMixin, VolumeApiMixin, PluginApiMixin, SwarmApiMixin,
                ServiceApiMixin, SecretApiMixin, ConfigApiMixin,
                ContainerIOMixin, ExecApiMixin):
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
        self.credstore_env = credstore_env

    # --- lifetime ------------------------------------------------------------

    def close(self) -> None:
        """Release the client's connections. Further calls raise."""
        self._native.close()

    def __enter__(self) -> "APIClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

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
