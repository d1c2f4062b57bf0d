"""Where the docker CLI keeps its contexts (docker-py's ``docker.context.config``).

The store lives in the docker configuration directory, ``$DOCKER_CONFIG``
(default ``~/.docker``), as the docker CLI lays it out::

    config.json                          "currentContext": "<name>"
    contexts/meta/<sha256(name)>/meta.json
    contexts/tls/<sha256(name)>/<endpoint>/{ca,cert,key}.pem

Unlike docker-py, the directory does not depend on whether a config.json
exists there already (docker-py falls back to ``~/.docker`` or to the
current directory when ``$DOCKER_CONFIG/config.json`` is missing); this is
what the docker CLI does.
"""
from __future__ import annotations

import contextlib
import os
import threading
from typing import Any, Iterator, Optional

from .. import errors
from ..constants import DEFAULT_UNIX_SOCKET, IS_WINDOWS_PLATFORM

__all__ = ["METAFILE", "DEFAULT_UNIX_SOCKET", "IS_WINDOWS_PLATFORM", "find_config_file",
           "get_current_context_name", "write_context_name_to_docker_config",
           "get_context_id", "get_context_dir", "get_meta_dir", "get_meta_file",
           "get_tls_dir", "get_context_host"]

METAFILE = "meta.json"

# the local socket as a context stores it (DEFAULT_UNIX_SOCKET is docker-py's
# requests-adapter form, "http+unix://...")
_DEFAULT_UNIX_SOCKET = "unix:///var/run/docker.sock"


def find_config_file(config_path: Optional[str] = None) -> Optional[str]:
    """:func:`clibdocker.utils.config.find_config_file` (docker-py imports it
    here): the first existing of ``config_path``, ``$DOCKER_CONFIG/config.json``,
    ``~/.docker/config.json``, ``~/.dockercfg``."""
    from ..utils.config import find_config_file as find
    return find(config_path)


# docker-py's own location, for DockerClient.from_env under the docker alias
# (see as_docker_py): the config file docker-py found, in this thread only
_docker_py_file = threading.local()


def _config_dir() -> str:
    """``$DOCKER_CONFIG``, else ``~/.docker``."""
    found: Optional[str] = getattr(_docker_py_file, "path", None)
    if found:
        return os.path.dirname(found)
    return os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")


def _config_file() -> str:
    found: Optional[str] = getattr(_docker_py_file, "path", None)
    return found or os.path.join(_config_dir(), "config.json")


@contextlib.contextmanager
def as_docker_py(config_file: str) -> Iterator[None]:
    """Within the block (this thread), the store is where docker-py looks
    for it: next to ``config_file``, the config file docker-py's
    ``find_config_file()`` found (``$DOCKER_CONFIG/config.json``, else
    ``~/.docker/config.json``, else ``~/.dockercfg``), which also gives the
    ``currentContext``."""
    old = getattr(_docker_py_file, "path", None)
    _docker_py_file.path = config_file
    try:
        yield
    finally:
        _docker_py_file.path = old


def _read_config() -> Any:
    """config.json's contents; raises OSError/ValueError as json does."""
    import json
    with open(_config_file(), encoding="utf-8") as f:
        return json.load(f)


def get_current_context_name() -> str:
    """The ``currentContext`` of config.json, or ``"default"`` (also when the
    file is missing or unreadable). ``DOCKER_CONTEXT`` is not looked at, as in
    docker-py (:meth:`ContextAPI.kwargs_from_context` does)."""
    try:
        conf = _read_config()
    except (OSError, ValueError):
        return "default"
    name = conf.get("currentContext") if isinstance(conf, dict) else None
    return name if isinstance(name, str) and name else "default"


def write_context_name_to_docker_config(name: Optional[str] = None) -> Optional[Exception]:
    """Make ``name`` config.json's ``currentContext`` (None or ``"default"``
    removes the key), keeping the rest of the file. As in docker-py, a
    failure is *returned* (the exception), not raised; None means success.
    A missing config.json (or directory) is created, as the docker CLI
    does."""
    import json
    if name == "default":
        name = None
    path = _config_file()
    conf: Any = {}
    try:
        conf = _read_config()
    except FileNotFoundError:
        conf = {}
    except (OSError, ValueError) as e:
        return e
    if not isinstance(conf, dict):
        return errors.InvalidConfigFile(f"{path} does not hold a JSON object")
    if name:
        if conf.get("currentContext") == name:
            return None
        conf["currentContext"] = name
    elif "currentContext" in conf:
        del conf["currentContext"]
    else:
        return None
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(conf, f, indent=4)
    except OSError as e:
        return e
    return None


def get_context_id(name: str) -> str:
    """The directory name of context ``name``: the hex SHA-256 of its name."""
    if not isinstance(name, str):
        raise errors.InvalidArgument("context name must be a string")
    import hashlib
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def get_context_dir() -> str:
    """``$DOCKER_CONFIG/contexts`` (default ``~/.docker/contexts``)."""
    return os.path.join(_config_dir(), "contexts")


def get_meta_dir(name: Optional[str] = None) -> str:
    """``contexts/meta``, or the metadata directory of context ``name``."""
    meta_dir = os.path.join(get_context_dir(), "meta")
    if name:
        return os.path.join(meta_dir, get_context_id(name))
    return meta_dir


def get_meta_file(name: str) -> str:
    """The meta.json of context ``name``."""
    return os.path.join(get_meta_dir(name), METAFILE)


def get_tls_dir(name: Optional[str] = None, endpoint: str = "") -> str:
    """``contexts/tls``, or context ``name``'s TLS directory (of ``endpoint``
    when given; with ``""`` the path ends with a separator, as docker-py's)."""
    context_dir = get_context_dir()
    if name:
        return os.path.join(context_dir, "tls", get_context_id(name), endpoint)
    return os.path.join(context_dir, "tls")


def get_context_host(path: Optional[str] = None, tls: bool = False) -> str:
    """The engine address a context stores, normalised as docker-py does:
    None/``""`` is the local socket ``unix:///var/run/docker.sock``;
    ``tcp://h:p`` (or ``h:p``) becomes ``https://h:p`` with ``tls`` and
    ``http://h:p`` without; ``http(s)://`` stays; ``ssh://u@h`` gets port 22;
    ``unix://`` and ``npipe://`` paths stay. Unlike docker-py, a unix socket
    other than the default one stays ``unix://path`` (docker-py writes
    ``http+unix://path``, which the docker CLI cannot use).

    Raises :class:`~clibdocker.errors.InvalidArgument` (a DockerException)
    with docker-py's messages for an address it refuses."""
    if path is not None and not isinstance(path, str):
        raise errors.InvalidArgument("host must be a string")
    if path and "\0" in path:
        raise errors.InvalidArgument("host must not contain NUL")
    addr = (path or "").strip()
    if not addr or addr == "unix://":
        return _DEFAULT_UNIX_SOCKET
    from urllib.parse import urlsplit
    scheme, sep, _ = addr.partition("://")
    if sep and scheme and all(c.isascii() and (c.isalpha() or c == "+") for c in scheme):
        proto = scheme.lower()
        try:
            parts = urlsplit(addr)
        except ValueError as e:
            raise errors.InvalidArgument(f"Invalid bind address format: {addr}") from e
    else:
        proto = "tcp"
        try:
            parts = urlsplit("//" + addr)
        except ValueError as e:
            raise errors.InvalidArgument(f"Invalid bind address format: {addr}") from e
    if proto == "fd":
        raise errors.InvalidArgument("fd protocol is not implemented")
    if proto in ("http", "https"):
        tls = proto == "https"
        proto = "tcp"
    elif proto == "http+unix":
        proto = "unix"
    if proto not in ("tcp", "unix", "npipe", "ssh"):
        raise errors.InvalidArgument(f"Invalid bind address protocol: {addr}")
    if proto == "tcp" and not parts.netloc:
        raise errors.InvalidArgument(f"Invalid bind address format: {addr}")
    if parts.query or parts.fragment or ";" in parts.path or parts.password:
        raise errors.InvalidArgument(f"Invalid bind address format: {addr}")
    if proto == "unix":
        sock = parts.path
        if parts.netloc:             # unix://relative/path, as docker-py reads it
            sock = f"{parts.netloc}/{sock}"
        return f"unix://{sock}".rstrip("/") if sock.rstrip("/") else _DEFAULT_UNIX_SOCKET
    if proto == "npipe":
        return f"npipe://{parts.path}".rstrip("/")
    if proto == "ssh" and parts.path:
        raise errors.InvalidArgument(
            f"Invalid bind address format: no path allowed for this protocol: {addr}")
    try:
        port = parts.port or 0
    except ValueError as e:
        raise errors.InvalidArgument(f"Invalid bind address format: {addr}") from e
    netloc = parts.netloc
    if port <= 0:
        if proto != "ssh":
            raise errors.InvalidArgument(
                f"Invalid bind address format: port is required: {addr}")
        port = 22
        netloc = f"{netloc}:{port}"
    if not parts.hostname:
        netloc = f"127.0.0.1:{port}"
    scheme_out = ("https" if tls else "http") if proto == "tcp" else proto
    return f"{scheme_out}://{netloc}{parts.path}".rstrip("/")
