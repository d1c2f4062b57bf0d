"""``APIClient``: one method per Engine API operation, with docker-py's
names, arguments and return shapes."""
from __future__ import annotations

from _thread import allocate_lock as _lock  # threading.Lock, without importing threading
import sys

from .. import _alias, _lazy
from .._binding import Client
from ._base import LoginStore
from .system import SystemApiMixin

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Optional, Tuple

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
    from ._http import RequestsCompatMixin
    from ._headers import HeaderDict
    from ..trace import TraceRecord

def _config_dir_of(dockercfg_path: str) -> str:
    """The directory of a docker config given as docker-py takes it."""
    import os
    path = os.fspath(dockercfg_path)
    if os.path.isdir(path):
        return path
    if os.path.basename(path) != "config.json":
        from ..errors import InvalidArgument
        raise InvalidArgument(
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
    ("_http", "RequestsCompatMixin"),
)
# docker-py's docker.api.client namespace, looked up on first use (PEP 562)
__getattr__, __dir__ = _lazy.names(__name__, {
    "errors": ("..errors", None),
    **{name: ("..errors", name) for name in (
        "DockerException", "InvalidVersion", "TLSParameterError",
        "create_api_error_from_http_exception")},
    **{name: (f".{module}", name) for module, name in _AREA_MIXINS},
    "DaemonApiMixin": (".system", "SystemApiMixin"),
    "TLSConfig": ("..tls", "TLSConfig"),
    **{name: ("..constants", name) for name in (
        "DEFAULT_NUM_POOLS", "DEFAULT_NUM_POOLS_SSH", "IS_WINDOWS_PLATFORM",
        "MINIMUM_DOCKER_API_VERSION", "STREAM_HEADER_SIZE_BYTES")},
    "check_resource": ("..utils.decorators", "check_resource"),
    "update_headers": ("..utils.decorators", "update_headers"),
    "json_stream": ("..utils.json_stream", "json_stream"),
    "ProxyConfig": ("..utils.proxy", "ProxyConfig"),
    "consume_socket_output": ("..utils.socket", "consume_socket_output"),
    "demux_adaptor": ("..utils.socket", "demux_adaptor"),
    "frames_iter": ("..utils.socket", "frames_iter"),
    # docker.transport is not reproduced: a stand-in describing the socket
    "UnixHTTPAdapter": ("._http", "UnixHTTPAdapter"),
    # docker-py names it when paramiko is installed (docker[ssh])
    "SSHHTTPAdapter": ("._http", "SSHHTTPAdapter"),
})


_areas_lock = _lock()
_areas_loaded = False


def _load_areas() -> None:
    global _areas_loaded
    if _areas_loaded:
        return
    with _areas_lock:
        if _areas_loaded:
            return
        bases: List[type] = [SystemApiMixin]
        for module, name in _AREA_MIXINS:
            bases.append(getattr(_lazy.load(f"{__package__}.{module}"), name))
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
                 ContainerIOMixin, ExecApiMixin, RequestsCompatMixin):
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


def _config_http_headers() -> Optional[Dict[str, str]]:
    """config.json's ``HttpHeaders``, read cheaply at construction: the file
    is parsed only when it names them (start-up time)."""
    import os
    env = os.environ.get("DOCKER_CONFIG")
    home = os.path.expanduser("~")
    for path in (os.path.join(env, "config.json") if env else None,
                 os.path.join(home, ".docker", "config.json"),
                 os.path.join(home, ".dockercfg")):
        if not path:
            continue
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue
        if b'"HttpHeaders"' not in data:
            return None
        import json
        try:
            found = json.loads(data).get("HttpHeaders")
        except (ValueError, AttributeError):
            return None
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else None
    return None


def _connect_seconds(total: Optional[float]) -> float:
    """The connect timeout for a total timeout: the total, at most 30 s."""
    return 30.0 if not total or total > 30 else float(total)


def _split_timeout(value: Any) -> "tuple[float, Optional[float]]":
    """(connect, total) seconds for a timeout as docker-py takes it: seconds,
    None (no limit) or requests' ``(connect, read)`` pair."""
    def seconds(v: Any) -> bool:
        # 0 is refused as requests/urllib3 refuse it (docker-py: ValueError on each request)
        return v is None or (not isinstance(v, bool) and isinstance(v, (int, float)) and v > 0)
    if isinstance(value, tuple) and len(value) == 2 and all(map(seconds, value)):
        connect, total = value
        return (_connect_seconds(total) if connect is None else float(connect)), total
    if not seconds(value):
        from ..errors import InvalidArgument
        raise InvalidArgument(f"timeout must be seconds > 0, None or a (connect, read) pair, "
                              f"not {value!r}")
    return _connect_seconds(value), value


class APIClient(_Areas):
    """A low-level client for the Docker Engine API (docker-py's
    ``docker.APIClient``; the same arguments).

    :param base_url: ``unix:///var/run/docker.sock`` (the default),
        ``tcp://host:port``, ``http://host:port``, ``https://host:port`` or
        ``ssh://[user@]host[:port]`` (each connection runs
        ``ssh ... host docker system dial-stdio``, like the docker CLI; the
        env ``CLIBDOCKER_SSH_COMMAND`` replaces ``ssh``, e.g.
        ``"ssh -F /path/config -i /path/key"``). After construction
        ``base_url`` reads as docker-py rewrites it
        (``http+docker://localhost``, ``http+docker://ssh``,
        ``http(s)://host:port``); :attr:`docker_host` keeps the engine's URL.
    :param version: an API version like ``"1.41"``; None or ``"auto"``
        negotiates it: min(the newest this client speaks, the engine's).
        Unlike docker-py, negotiation waits for the first call (which it
        adds no request to), so constructing a client for an engine that is
        down does not raise: the first call raises
        :class:`~clibdocker.errors.TransportError` (a DockerException).
        In a program written for docker-py (``import docker`` resolving to
        clibdocker, :mod:`clibdocker.compat`) the constructor negotiates at
        once, as docker-py's does: an engine that is down raises
        ``DockerException("Error while fetching server API version: ...")``.
    :param timeout: seconds for each non-streaming call (None: no limit);
        assigning ``client.timeout`` later applies to later calls. Streams
        (``events``, follow-logs) have no read timeout.
    :param tls: a :class:`~clibdocker.tls.TLSConfig` (or True: TLS verified
        against the system's CAs) for a ``tcp://`` engine.
    :param user_agent: the ``User-Agent`` header (also ``headers['User-Agent']``).
    :param credstore_env: extra environment for ``docker-credential-*`` helpers.
    :param use_ssh_client, num_pools, max_pool_size: accepted as in
        docker-py; clibdocker always uses the ``ssh`` program for ``ssh://``
        hosts and libcurl keeps its own connection pool.

    Safe to share between threads. Use ``close()`` or ``with`` to release its
    connections.
    """

    # requests.Session's TLS attributes, set by TLSConfig.configure_client
    verify: Any = True
    cert: Any = None

    # under the ``docker`` alias, version None/"auto" asks the engine in the
    # constructor as docker-py does (False: on the first call, as clibdocker
    # does; the asyncio client, whose negotiation runs on the event loop)
    _negotiate_at_construction = True

    def __init__(self, base_url: Optional[str] = None, version: Optional[str] = None,
                 timeout: Optional[float] = DEFAULT_TIMEOUT_SECONDS, tls: Any = False,
                 user_agent: str = DEFAULT_USER_AGENT, num_pools: Optional[int] = None,
                 credstore_env: Optional[Dict[str, str]] = None,
                 use_ssh_client: bool = False,
                 max_pool_size: int = DEFAULT_MAX_POOL_SIZE) -> None:
        # clibdocker.errors is imported where an error is raised (start-up time)
        if tls and not base_url:
            from ..errors import TLSParameterError
            raise TLSParameterError("If using TLS, the base_url argument must be provided.")
        if version is not None and not isinstance(version, str):
            from ..errors import DockerException
            raise DockerException("Version parameter must be a string or None. "
                                  f"Found {type(version).__name__}")
        if credstore_env is not None and not isinstance(credstore_env, dict):
            from ..errors import InvalidArgument
            raise InvalidArgument("credstore_env must be a dict of strings")
        if isinstance(version, str) and version.lower() == "auto":
            version = None
        local = False       # unix, npipe and ssh engines: docker-py ignores tls=
        if isinstance(base_url, str):
            # docker-py's constructor parses the address first: the same
            # errors (DockerException for a bad protocol or missing port,
            # urlparse's ValueError for "[::1", here InvalidArgument: both)
            from .. import errors
            from ..utils.utils import parse_host
            try:
                parsed = parse_host(base_url, False, tls=bool(tls))
            except errors.DockerException:
                raise
            except ValueError as e:         # also a DockerException here
                raise errors.InvalidArgument(f"invalid Docker host URL {base_url!r}: {e}") from e
            base_url = base_url.strip()           # docker-py's parse_host strips it too
            scheme, sep, rest = base_url.partition("://")
            if sep and scheme != scheme.lower():   # docker-py takes TCP://, Unix://...
                base_url = scheme.lower() + sep + rest
            if base_url.strip() == "unix://" or base_url.startswith("http+unix://"):
                base_url = "unix://" + parsed[len("http+unix://"):]
            local = parsed.startswith(("http+unix://", "npipe://", "ssh://"))
            if parsed.startswith("npipe://") and sys.platform != "win32":
                # docker-py's constructor refuses a named pipe off Windows in these words
                raise errors.DockerException("The npipe:// protocol is only supported on Windows")
        if isinstance(version, str) and version not in ("auto", ""):
            major, dot, minor = version.partition(".")
            if dot and (major + minor).isascii() and major.isdigit() and minor.isdigit() and (int(major), int(minor)) < (1, 24):
                # docker-py's words for a version it no longer speaks
                from ..errors import InvalidVersion
                raise InvalidVersion("API versions below 1.24 are no longer supported by this library.")
        # a timeout that is not seconds (timeout="5") is refused here, before a connection
        _split_timeout(timeout)
        self._base_url_set: Optional[str] = None
        self._native = Client(base_url, version, timeout)
        self._given_base_url = base_url
        self._tls = isinstance(base_url, str) and base_url.startswith("https://")
        if tls and not local and isinstance(base_url, str) \
                and base_url.strip().lower().startswith("http://"):
            # docker-py: an http:// URL stays plain HTTP whatever tls= says
            # (a TLSConfig only sets verify/cert, which plain HTTP ignores)
            from ..tls import TLSConfig
            if isinstance(tls, TLSConfig):
                tls._set_client_attributes(self)
        elif tls and not local:
            from ..tls import TLSConfig
            cfg = tls if isinstance(tls, TLSConfig) else TLSConfig(verify=True)
            try:
                cfg.configure_client(self)
            except BaseException:
                self._native.close()
                raise
            self._tls = True
        self._timeout = timeout
        self._idle = 0.0
        self._user_agent = user_agent
        self._headers: Optional[HeaderDict] = None
        self._http_headers = _config_http_headers()
        self._general: Optional[Dict[str, Any]] = None
        self._proxies: Any = None
        self._adapters: Optional[Dict[str, Any]] = None
        self._auth_configs: Dict[str, Dict[str, Any]] = LoginStore(self)
        self._config_dir: Optional[str] = None
        self.credstore_env = credstore_env
        self.num_pools = num_pools
        self.max_pool_size = max_pool_size
        self.use_ssh_client = use_ssh_client
        if user_agent != DEFAULT_USER_AGENT or self._http_headers:
            self._push_headers()
        if version is None and self._negotiate_at_construction and _alias.active():
            # a program written for docker-py (``import docker`` is
            # clibdocker): as docker-py's constructor, ask the engine now, so
            # that an engine that is down or unreachable raises here
            try:
                self._native.api_version()
            except Exception as e:
                from .. import errors
                raise errors.DockerException(
                    f"Error while fetching server API version: {e}") from e

    # --- lifetime ------------------------------------------------------------

    def close(self) -> None:
        """Release the client's idle connections. As with docker-py (a
        requests session), the client stays usable: a later call opens a
        new connection."""
        self._native.close_idle()

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
        self._auth_configs = LoginStore(self)

    # --- state docker-py programs read ---------------------------------------------

    @property
    def api_version(self) -> str:
        """The API version in use (negotiated on first use if not fixed)."""
        return self._native.api_version()

    @property
    def _version(self) -> str:
        """docker-py's name for :attr:`api_version`; assigning it (as
        programs do on docker-py's client) makes later calls use that
        version."""
        return self._native.api_version()

    @_version.setter
    def _version(self, value: str) -> None:
        if not isinstance(value, str):
            from ..errors import DockerException
            raise DockerException("Version parameter must be a string or None. "
                                  f"Found {type(value).__name__}")
        self._native.set_api_version(value)

    @property
    def docker_host(self) -> str:
        """Beyond docker-py: the engine's URL as ``DOCKER_HOST`` takes it
        (``unix:///var/run/docker.sock``, ``tcp://host:port``,
        ``ssh://user@host``), where :attr:`base_url` has docker-py's
        rewritten form."""
        return self._native.url

    @property
    def base_url(self) -> str:
        """docker-py's form: ``http+docker://localhost`` for a unix socket,
        ``http+docker://ssh`` for ssh, ``http://host:port`` or
        ``https://host:port`` (TLS) for tcp."""
        if self._base_url_set is not None:
            return self._base_url_set
        url = self._native.url
        if url.startswith("unix://"):
            return "http+docker://localhost"
        if url.startswith("ssh://"):
            return "http+docker://ssh"
        hostport = url.split("://", 1)[-1]
        return ("https://" if self._tls or url.startswith("https://") else "http://") + hostport

    @base_url.setter
    def base_url(self, value: str) -> None:
        """As on docker-py's client (a plain attribute there): :meth:`_url`
        builds on the new value from now on. The engine the client talks to
        does not change (docker-py's transport adapters do not either)."""
        if not isinstance(value, str):
            from ..errors import InvalidArgument
            raise InvalidArgument(f"base_url must be a str, not {type(value).__name__}")
        self._base_url_set = value

    @property
    def timeout(self) -> Optional[float]:
        """Seconds a non-streaming call may take (None: no limit). Assigning
        it applies to the calls made after (docker-py reads it per call)."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: Any) -> None:
        connect, total = _split_timeout(value)
        self._native.set_timeouts(connect, total or 0, self._idle)
        self._timeout = value

    def set_timeouts(self, connect: float = 30, total: float = DEFAULT_TIMEOUT_SECONDS,
                     stream_idle: float = 0) -> None:
        """Beyond docker-py: the connect timeout, the total timeout of each
        non-streaming call, and the longest silence a stream may have
        (0 = none, the default), in seconds."""
        self._native.set_timeouts(connect, total, stream_idle)
        self._timeout = total or None
        self._idle = stream_idle

    @property
    def headers(self) -> HeaderDict:
        """The headers every request carries (docker-py's session headers,
        a case-insensitive dict): ``User-Agent`` and whatever the program
        adds; a change applies to the next request (it is sent to the C
        client at once, so requests pay nothing for it). config.json's
        ``HttpHeaders`` are sent too and win over these, as in docker-py."""
        h = self._headers
        if h is None:
            from ._headers import HeaderDict
            h = self._headers = HeaderDict({"User-Agent": self._user_agent},
                                           self._push_headers)
        return h

    @headers.setter
    def headers(self, value: Any) -> None:
        from ._headers import HeaderDict
        self._headers = HeaderDict(value, self._push_headers)
        self._push_headers()

    def _push_headers(self) -> None:
        merged: Dict[str, str] = {}
        names: Dict[str, str] = {}
        own = self._headers if self._headers is not None else {"User-Agent": self._user_agent}
        for source in (own, self._http_headers or {}):
            for k, v in source.items():
                if v is None:
                    continue
                key = names.setdefault(k.lower(), k)
                merged[key] = str(v)
        if "user-agent" not in names:
            # a removed User-Agent: requests sends none; libcurl's "" is closest
            merged["User-Agent"] = ""
        self._native.set_headers([f"{k}: {v}" for k, v in merged.items()])

    @property
    def _general_configs(self) -> Dict[str, Any]:
        """config.json's contents (``{}`` when there is none), read on first
        use; without a non-empty ``auths``, ``credsStore`` or
        ``credHelpers``, as docker-py's, whose credential loading takes
        them out of this dict (they are in :attr:`_auth_configs`)."""
        if self._general is None:
            from ..utils.config import load_general_config
            general = load_general_config()
            for key in ("auths", "credsStore", "credHelpers"):
                if general.get(key):
                    del general[key]
            self._general = general
        return self._general

    @_general_configs.setter
    def _general_configs(self, value: Dict[str, Any]) -> None:
        self._general = value
        hh = (value or {}).get("HttpHeaders")
        self._http_headers = {str(k): str(v) for k, v in hh.items()} \
            if isinstance(hh, dict) else None
        self._push_headers()

    @property
    def _proxy_configs(self) -> Any:
        """A :class:`~clibdocker.utils.proxy.ProxyConfig` from config.json's
        ``proxies``: the entry for the ``base_url`` the client was made with,
        else ``default``."""
        if self._proxies is None:
            from ..utils.proxy import ProxyConfig
            proxies = self._general_configs.get("proxies", {}) or {}
            try:
                entry = proxies[self._given_base_url]
            except (KeyError, TypeError):
                entry = proxies.get("default", {}) if isinstance(proxies, dict) else {}
            self._proxies = ProxyConfig.from_dict(entry or {})
        return self._proxies

    @_proxy_configs.setter
    def _proxy_configs(self, value: Any) -> None:
        self._proxies = value

    # --- docker-py's transport adapters (stand-ins) -----------------------------------

    @property
    def adapters(self) -> Dict[str, Any]:
        """``{url prefix: adapter}`` like the requests session's: stand-ins
        describing the connection (see :meth:`get_adapter`)."""
        if self._adapters is None:
            from . import _http
            url = self._native.url
            kw: Dict[str, Any] = dict(timeout=self._timeout, pool_connections=self.num_pools,
                                      max_pool_size=self.max_pool_size, client=self)
            if url.startswith("unix://"):
                self._adapters = {"http+docker://": _http.UnixHTTPAdapter(url, **kw)}
            elif url.startswith("ssh://"):
                self._adapters = {"http+docker://ssh": _http.SSHHTTPAdapter(
                    url, shell_out=bool(self.use_ssh_client), **kw)}
            else:
                self._adapters = {"https://": _http.HTTPAdapter(self.base_url, **kw),
                                  "http://": _http.HTTPAdapter(self.base_url, **kw)}
        return self._adapters

    def get_adapter(self, url: str) -> Any:
        """The adapter for ``url`` (docker-py programs read
        ``get_adapter(client.base_url).socket_path`` for a unix socket). The
        transport is libcurl's; ``docker.transport`` is not reproduced."""
        adapters = self.adapters
        for prefix in sorted(adapters, key=len, reverse=True):
            if url.lower().startswith(prefix.lower()):
                return adapters[prefix]
        return next(iter(adapters.values()))

    @property
    def _custom_adapter(self) -> Any:
        return self.get_adapter(self.base_url)

    def mount(self, prefix: str, adapter: Any) -> None:
        """Recorded in :attr:`adapters` only: requests' adapters do not
        apply to clibdocker's transport."""
        self.adapters[prefix] = adapter

    def set_trace_hook(self, fn: Optional[Callable[[TraceRecord], None]],
                       body_cap: int = 4096) -> None:
        """Call ``fn(record)`` once per finished call with a
        :class:`~clibdocker.trace.TraceRecord` (method, URL, status, times,
        request and response bodies capped at ``body_cap`` bytes, secrets
        redacted); streams are traced when closed. ``None`` removes the hook.
        The hook runs on the calling thread; its exceptions are printed and
        ignored."""
        if fn is not None and not callable(fn):
            from ..errors import InvalidArgument
            raise InvalidArgument("the trace hook must be callable or None")
        self._native.set_trace(fn, body_cap)

    def __repr__(self) -> str:
        from .. import errors
        try:
            url = self.docker_host
        except errors.DockerException:
            url = "closed"
        return f"<clibdocker.APIClient {url}>"
