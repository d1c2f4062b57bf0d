"""Argument converters and parsers (docker-py's ``docker.utils.utils``).

Each function behaves as docker-py 7.2.0's of the same name does for the same
input (results and exception types); ``tests/test_utils_compat.py`` checks
them side by side.
"""
from __future__ import annotations

import base64
import collections
import json
import os
import shlex
import string
from datetime import datetime, timezone  # noqa: F401  (docker-py binds them here)
from functools import lru_cache
from itertools import zip_longest
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union
from urllib.parse import urlparse, urlunparse

from .. import errors
from ..constants import BYTE_UNITS, DEFAULT_HTTP_HOST, DEFAULT_NPIPE, DEFAULT_UNIX_SOCKET
from ..tls import _UNSET, TLSConfig, _refuse_for_docker_py
from . import convert_filters, datetime_to_timestamp

__all__ = [
    "BYTE_UNITS", "DEFAULT_HTTP_HOST", "DEFAULT_NPIPE", "DEFAULT_UNIX_SOCKET", "TLSConfig",
    "URLComponents", "compare_version", "convert_filters", "convert_port_bindings",
    "convert_service_networks", "convert_tmpfs_mounts", "convert_volume_binds",
    "create_host_config", "create_ipam_config", "create_ipam_pool", "datetime_to_timestamp",
    "decode_json_header", "format_environment", "format_extra_hosts", "kwargs_from_env",
    "normalize_links", "parse_bytes", "parse_devices", "parse_env_file", "parse_host",
    "parse_repository_tag", "split_command", "version_gte", "version_lt",
]

URLComponents = collections.namedtuple(
    "URLComponents", "scheme netloc url params query fragment")


def _removed(name: str, replacement: str) -> Any:
    def gone(*args: Any, **kwargs: Any) -> Any:
        raise errors.DeprecatedMethod(
            f"utils.{name} has been removed. Please use a docker.types.{replacement} "
            "object instead.")
    gone.__name__ = gone.__qualname__ = name
    gone.__doc__ = f"Removed (as in docker-py): raises DeprecatedMethod; use types.{replacement}."
    return gone


def create_host_config(self: Any, *args: Any, **kwargs: Any) -> Any:
    """Removed (as in docker-py): raises DeprecatedMethod; use types.HostConfig."""
    _removed("create_host_config", "HostConfig")()


create_ipam_pool = _removed("create_ipam_pool", "IPAMPool")
create_ipam_config = _removed("create_ipam_config", "IPAMConfig")


# --- versions -----------------------------------------------------------------

@lru_cache(maxsize=None)
def compare_version(v1: str, v2: str) -> int:
    """1 if ``v2`` is newer than ``v1``, 0 if equal, -1 if older. Versions are
    dotted integers; a missing part counts as 0 (``"1.2" == "1.2.0"``)."""
    a = [int(x) for x in v1.split(".")]
    b = [int(x) for x in v2.split(".")]
    for x, y in zip_longest(a, b, fillvalue=0):
        if x != y:
            return 1 if y > x else -1
    return 0


def version_lt(v1: str, v2: str) -> bool:
    """True if API version ``v1`` is older than ``v2``."""
    return compare_version(v1, v2) > 0


def version_gte(v1: str, v2: str) -> bool:
    """True if API version ``v1`` is ``v2`` or newer."""
    return not version_lt(v1, v2)


# --- ports, volumes, tmpfs, networks --------------------------------------------

def _one_port_binding(value: Any) -> Dict[str, str]:
    if isinstance(value, tuple):
        host_ip = value[0]
        port = value[1] if len(value) == 2 else None
        return {"HostIp": host_ip, "HostPort": "" if port is None else str(port)}
    if isinstance(value, dict):
        raise ValueError(value)
    return {"HostIp": "", "HostPort": "" if value is None else str(value)}


def convert_port_bindings(port_bindings: Mapping[Any, Any]) -> Dict[str, List[Dict[str, str]]]:
    """``{container_port: host binding(s)}`` -> the API's ``PortBindings``.
    A key without ``/proto`` is tcp; a binding is a host port, ``(ip, port)``,
    ``(ip,)``, None (any port) or a list of those."""
    result: Dict[str, List[Dict[str, str]]] = {}
    for port, value in port_bindings.items():
        key = str(port)
        if "/" not in key:
            key += "/tcp"
        values = value if isinstance(value, list) else [value]
        result[key] = [_one_port_binding(v) for v in values]
    return result


def _text(value: Any) -> Any:
    return value.decode("utf-8") if isinstance(value, bytes) else value


_PROPAGATION_MODES = ("rshared", "shared", "rslave", "slave", "rprivate", "private")


def convert_volume_binds(binds: Any) -> List[str]:
    """``{host_path: container_path or {'bind': ..., 'mode' or 'ro': ...}}`` ->
    ``["host:container:mode"]`` (mode ``rw`` unless said, a ``propagation``
    such as ``rshared`` appended: ``rw,rshared``); a list passes through."""
    if isinstance(binds, list):
        return binds
    result = []
    for host, target in binds.items():
        host = _text(host)
        if isinstance(target, dict):
            if "ro" in target and "mode" in target:
                raise ValueError(f'Binding cannot contain both "ro" and "mode": {target!r}')
            bind = _text(target["bind"])
            if "ro" in target:
                mode = "ro" if target["ro"] else "rw"
            else:
                mode = target.get("mode", "rw")
            # a bind propagation (Linux hosts) joins the mode: "rw,rshared"
            prop = target.get("propagation")
            if prop in _PROPAGATION_MODES:
                mode = f"{mode},{prop}" if mode else prop
            result.append(f"{host}:{bind}:{mode}")
        else:
            result.append(f"{host}:{_text(target)}:rw")
    return result


def convert_tmpfs_mounts(tmpfs: Any) -> Dict[str, str]:
    """``["/path:options", "/path"]`` -> ``{"/path": "options"}``; a dict passes through."""
    if isinstance(tmpfs, dict):
        return tmpfs
    if not isinstance(tmpfs, list):
        raise ValueError("Expected tmpfs value to be either a list or a dict, "
                         f"found: {type(tmpfs).__name__}")
    result = {}
    for item in tmpfs:
        if not isinstance(item, str):
            raise ValueError("Expected item in tmpfs list to be a string, "
                             f"found: {type(item).__name__}")
        path, _, options = item.partition(":")
        result[path] = options
    return result


def convert_service_networks(networks: Any) -> Any:
    """Service networks: names become ``{"Target": name}``; dicts (and
    NetworkAttachmentConfig) pass through; None stays None."""
    if not networks:
        return networks
    if not isinstance(networks, list):
        raise TypeError("networks parameter must be a list.")
    return [n if isinstance(n, dict) else {"Target": n} for n in networks]


# --- hosts ----------------------------------------------------------------------

_SCHEME_CHARS = frozenset(string.ascii_letters + "+")


def _bad_address(addr: str, detail: str = "") -> errors.DockerException:
    return errors.DockerException(f"Invalid bind address format: {detail}{addr}")


def parse_host(addr: Optional[str], is_win32: bool = False, tls: bool = False) -> str:
    """A Docker host address (``unix://``, ``tcp://``, ``http(s)://``,
    ``ssh://``, ``npipe://``, or bare ``host:port``) in docker-py's internal
    form: ``http+unix:///path``, ``http(s)://host:port``, ``ssh://host:port``,
    ``npipe:///...``. Empty means the default socket. Bad addresses raise
    DockerException."""
    if not addr:
        return DEFAULT_NPIPE if is_win32 else DEFAULT_UNIX_SOCKET
    if addr.strip() == "unix://":
        return DEFAULT_UNIX_SOCKET
    addr = addr.strip()
    url = urlparse(addr)
    scheme = url.scheme
    if not scheme or not _SCHEME_CHARS.issuperset(scheme):
        # no scheme (or "host:port" read as one): a tcp address
        url, scheme = urlparse("//" + addr, "tcp"), "tcp"
    if scheme == "fd":
        raise errors.DockerException("fd protocol is not implemented")
    if scheme in ("http", "https"):
        tls, scheme = scheme == "https", "tcp"
    elif scheme == "http+unix":
        scheme = "unix"
    if scheme not in ("tcp", "unix", "npipe", "ssh"):
        raise errors.DockerException(f"Invalid bind address protocol: {addr}")
    if scheme == "tcp" and not url.netloc:
        raise _bad_address(addr)
    if url.params or url.query or url.fragment or url.password:
        raise _bad_address(addr)
    if scheme == "ssh" and url.path:
        raise _bad_address(addr, "no path allowed for this protocol: ")
    path = url.path
    if scheme == "unix" and url.hostname is not None:
        path = f"{url.hostname}/{path}"        # unix://relative/path, as docker-py
    netloc = url.netloc
    if scheme in ("tcp", "ssh"):
        port = url.port or 0
        if port <= 0:
            if scheme == "tcp":
                raise _bad_address(addr, "port is required: ")
            port = 22
            netloc = f"{url.netloc}:{port}"
        if not url.hostname:
            netloc = f"{DEFAULT_HTTP_HOST}:{port}"
    if scheme == "unix":
        return f"http+unix://{path}".rstrip("/")
    if scheme == "npipe":
        return f"npipe://{path}".rstrip("/")
    if scheme == "tcp":
        scheme = "https" if tls else "http"
    url_text: str = urlunparse(URLComponents(scheme, netloc, path, "", "", ""))
    return url_text.rstrip("/")


def parse_repository_tag(repo_name: str) -> Tuple[str, Optional[str]]:
    """``"repo:tag"`` / ``"repo@digest"`` -> ``(repo, tag or digest or None)``;
    a registry port (``host:5000/repo``) is not a tag."""
    repo, sep, digest = repo_name.rpartition("@")
    if sep:
        return repo, digest
    repo, sep, tag = repo_name.rpartition(":")
    if sep and "/" not in tag:
        return repo, tag
    return repo_name, None


def kwargs_from_env(environment: Optional[Mapping[str, str]] = None,
                    use_ssh_client: bool = _UNSET, ssl_version: Optional[int] = _UNSET,
                    assert_hostname: Optional[bool] = _UNSET) -> Dict[str, Any]:
    """Client keyword arguments from ``DOCKER_HOST``, ``DOCKER_TLS_VERIFY``
    and ``DOCKER_CERT_PATH`` (``environment`` or, when empty, ``os.environ``),
    for ``APIClient(**kw)`` / ``DockerClient(**kw)``.

    ``base_url`` when DOCKER_HOST is set. ``tls`` (a :class:`TLSConfig` with
    ``cert.pem``/``key.pem``/``ca.pem`` from DOCKER_CERT_PATH, default
    ``~/.docker``) when DOCKER_TLS_VERIFY is set to anything but ``""``
    (verification on) or DOCKER_CERT_PATH is set (verification off).
    ``use_ssh_client``, ``ssl_version`` and ``assert_hostname`` are older
    docker-py arguments, accepted and passed on (a program written for
    docker-py 7.2, under the ``docker`` alias, gets its TypeError)."""
    _refuse_for_docker_py("kwargs_from_env", use_ssh_client=use_ssh_client,
                          ssl_version=ssl_version, assert_hostname=assert_hostname)
    tls_kw: Dict[str, Any] = {k: v for k, v in (("ssl_version", ssl_version),
                                                ("assert_hostname", assert_hostname))
                              if v is not _UNSET}
    use_ssh_client = bool(use_ssh_client) and use_ssh_client is not _UNSET
    env: Mapping[str, str] = environment if environment else os.environ
    host = env.get("DOCKER_HOST")
    cert_path = env.get("DOCKER_CERT_PATH") or None
    verify_value = env.get("DOCKER_TLS_VERIFY")
    tls_verify = verify_value is not None and verify_value != ""
    params: Dict[str, Any] = {}
    if host:
        params["base_url"] = host
    if use_ssh_client:
        params["use_ssh_client"] = True
    if not (cert_path or tls_verify):
        return params
    if not cert_path:
        cert_path = os.path.join(os.path.expanduser("~"), ".docker")
    params["tls"] = TLSConfig(
        client_cert=(os.path.join(cert_path, "cert.pem"), os.path.join(cert_path, "key.pem")),
        ca_cert=os.path.join(cert_path, "ca.pem"), verify=tls_verify, **tls_kw)
    return params


# --- sizes, environment, links, devices, commands --------------------------------

def parse_bytes(s: Union[int, float, str]) -> Union[int, float]:
    """A size: numbers pass through; strings take a ``b``/``k``/``m``/``g``
    suffix (any case, with an optional trailing ``b``: ``"10kb"``); no suffix
    means bytes. Raises DockerException for an unknown unit or a bad number."""
    if isinstance(s, (int, float)):
        return s
    if len(s) == 0:
        return 0
    if len(s) >= 2 and s[-2].isalpha() and s[-1] in "bB":
        s = s[:-1]
    unit = s[-1].lower()
    if unit.isdigit():
        number, unit = s, "b"
    else:
        number = s[:-1]
    if unit not in BYTE_UNITS:
        raise errors.DockerException(
            f"The specified value for memory ({s}) should specify the units. "
            "The postfix should be one of the `b` `k` `m` `g` characters")
    try:
        value = float(number)
    except ValueError:
        raise errors.DockerException(
            f"Failed converting the string value for memory ({number}) to an integer."
        ) from None
    return int(value * BYTE_UNITS[unit])


def format_environment(environment: Mapping[str, Any]) -> List[str]:
    """``{"K": "v", "FLAG": None}`` -> ``["K=v", "FLAG"]`` (bytes values decoded as UTF-8)."""
    out = []
    for key, value in environment.items():
        if value is None:
            out.append(key)
        else:
            out.append(f"{key}={_text(value)}")
    return out


def format_extra_hosts(extra_hosts: Any, task: bool = False) -> List[str]:
    """``{"host": "ip"}`` -> ``["host:ip"]`` sorted by host (``["ip host"]``
    for a service task). Only a dict, as in docker-py (HostConfig and
    ContainerSpec pass lists through before calling this)."""
    items = sorted(extra_hosts.items())
    if task:
        return [f"{ip} {host}" for host, ip in items]
    return [f"{host}:{ip}" for host, ip in items]


def normalize_links(links: Any) -> List[str]:
    """``{name: alias}`` or ``[(name, alias)]`` -> sorted ``["name:alias"]``
    (just ``"name"`` when the alias is empty)."""
    if isinstance(links, dict):
        links = links.items()
    return [f"{name}:{alias}" if alias else name for name, alias in sorted(links)]


def parse_env_file(env_file: str) -> Dict[str, str]:
    """A ``KEY=value`` file -> dict. Lines starting with ``#`` and blank
    lines are skipped; the line is stripped but not the key or value
    themselves; a line without ``=`` raises DockerException."""
    env: Dict[str, str] = {}
    with open(env_file) as f:
        for raw in f:
            if raw[0] == "#":
                continue
            line = raw.strip()
            if not line:
                continue
            key, sep, value = line.partition("=")
            if not sep:
                raise errors.DockerException(
                    f"Invalid line in environment file {env_file}:\n{line}")
            env[key] = value
    return env


def parse_devices(devices: Iterable[Any]) -> List[Dict[str, str]]:
    """``"host[:container[:permissions]]"`` strings -> device dicts (container
    path defaults to the host path, permissions to ``rwm``, when not given;
    an empty part stays empty, as in docker-py); dicts pass through."""
    result = []
    for device in devices:
        if isinstance(device, dict):
            result.append(device)
            continue
        if not isinstance(device, str):
            raise errors.DockerException(f"Invalid device type {type(device)}")
        parts = device.split(":")
        on_host = parts[0]
        in_container = parts[1] if len(parts) > 1 else on_host
        permissions = parts[2] if len(parts) > 2 else "rwm"
        result.append({"PathOnHost": on_host, "PathInContainer": in_container,
                       "CgroupPermissions": permissions})
    return result


def split_command(command: str) -> List[str]:
    """A command line -> argv, with shell quoting rules (``shlex.split``)."""
    return shlex.split(command)


def decode_json_header(header: Union[str, bytes]) -> Any:
    """A base64 JSON header value, such as ``X-Docker-Container-Path-Stat``,
    decoded (standard alphabet; other characters are skipped, as in docker-py)."""
    data = base64.b64decode(header)
    return json.loads(data.decode("utf-8"))

