"""Argument conversions for the container types (docker-py's
``docker.utils.utils`` helpers of the same names)."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from .. import errors

_BYTE_UNITS = {"b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}


def _vtuple(v: str) -> Tuple[int, ...]:
    try:
        return tuple(int(p) for p in v.split("."))
    except (ValueError, AttributeError) as e:
        raise errors.InvalidVersion(f"malformed API version {v!r}") from e


def version_lt(v1: str, v2: str) -> bool:
    """True if API version ``v1`` is older than ``v2``."""
    a, b = _vtuple(v1), _vtuple(v2)
    n = max(len(a), len(b))
    return a + (0,) * (n - len(a)) < b + (0,) * (n - len(b))


def version_gte(v1: str, v2: str) -> bool:
    """True if API version ``v1`` is ``v2`` or newer."""
    return not version_lt(v1, v2)


def parse_bytes(s: Union[int, float, str]) -> int:
    """``"512m"``, ``"1g"``, ``"100k"``, ``"64mb"``, ``1024`` -> bytes."""
    if isinstance(s, bool):
        raise errors.DockerException(f"invalid byte size {s!r}")
    if isinstance(s, (int, float)):
        return int(s)
    if not isinstance(s, str):
        raise errors.DockerException(f"invalid byte size {s!r}")
    s = s.strip()
    if not s:
        return 0
    if len(s) >= 2 and s[-2].isalpha() and s[-1] in "bB":
        s = s[:-1]
    suffix = s[-1].lower()
    if suffix.isdigit():
        digits, suffix = s, "b"
    else:
        digits = s[:-1]
    if suffix not in _BYTE_UNITS:
        raise errors.DockerException(
            f"The specified value for memory ({s}) should specify the units. "
            "The postfix should be one of the `b` `k` `m` `g` characters")
    try:
        return int(float(digits) * _BYTE_UNITS[suffix])
    except ValueError as e:
        raise errors.DockerException(
            f"Failed converting the string value for memory ({digits}) to an integer.") from e


def _port_binding(binding: Any) -> Dict[str, str]:
    result: Dict[str, Any] = {"HostIp": "", "HostPort": ""}
    if isinstance(binding, tuple):
        if len(binding) == 2:
            result["HostIp"], result["HostPort"] = binding
        elif isinstance(binding[0], str):
            result["HostIp"] = binding[0]
        else:
            result["HostPort"] = binding[0]
    elif isinstance(binding, dict):
        if "HostPort" not in binding:
            raise ValueError(binding)
        result["HostPort"] = binding["HostPort"]
        result["HostIp"] = binding.get("HostIp", "")
    else:
        result["HostPort"] = binding
    result["HostPort"] = "" if result["HostPort"] is None else str(result["HostPort"])
    return result


def convert_port_bindings(port_bindings: Mapping[Any, Any]) -> Dict[str, List[Dict[str, str]]]:
    """``{8080: 80, "53/udp": ("127.0.0.1", 53), 22: [1111, 2222]}`` -> the
    API's PortBindings."""
    result = {}
    for k, v in port_bindings.items():
        key = str(k)
        if "/" not in key:
            key += "/tcp"
        vals = v if isinstance(v, list) else [v]
        result[key] = [_port_binding(b) for b in vals]
    return result


def convert_volume_binds(binds: Union[List[str], Mapping[Any, Any]]) -> List[str]:
    """``{"/host": {"bind": "/ctr", "mode": "ro"}}`` or a list -> Binds."""
    if isinstance(binds, list):
        return binds
    result = []
    for k, v in binds.items():
        if isinstance(k, bytes):
            k = k.decode("utf-8")
        if isinstance(v, dict):
            if "ro" in v and "mode" in v:
                raise ValueError(f'Binding cannot contain both "ro" and "mode": {v!r}')
            bind = v["bind"]
            if isinstance(bind, bytes):
                bind = bind.decode("utf-8")
            if "ro" in v:
                mode = "ro" if v["ro"] else "rw"
            else:
                mode = v.get("mode", "rw")
            if v.get("propagation") in ("rshared", "shared", "rslave", "slave",
                                        "rprivate", "private"):
                mode = f"{mode},{v['propagation']}" if mode else v["propagation"]
            result.append(f"{k}:{bind}:{mode}")
        else:
            if isinstance(v, bytes):
                v = v.decode("utf-8")
            result.append(f"{k}:{v}:rw")
    return result


def convert_tmpfs_mounts(tmpfs: Union[Dict[str, str], List[str]]) -> Dict[str, str]:
    """``["/run:size=64m", "/tmp"]`` or a dict -> Tmpfs."""
    if isinstance(tmpfs, dict):
        return tmpfs
    if not isinstance(tmpfs, list):
        raise ValueError("Expected tmpfs value to be either a list or a dict, "
                         f"found: {type(tmpfs).__name__}")
    result = {}
    for mount in tmpfs:
        if not isinstance(mount, str):
            raise ValueError("Expected item in tmpfs list to be a string, "
                             f"found: {type(mount).__name__}")
        name, _, options = mount.partition(":")
        result[name] = options
    return result


def parse_devices(devices: Iterable[Any]) -> List[Dict[str, str]]:
    """``"/dev/x:/dev/y:rwm"`` strings (or dicts) -> DeviceMapping objects."""
    out: List[Dict[str, str]] = []
    for device in devices:
        if isinstance(device, dict):
            out.append(device)
            continue
        if not isinstance(device, str):
            raise errors.DockerException(f"Invalid device type {type(device)}")
        parts = device.split(":")
        out.append({
            "PathOnHost": parts[0],
            "PathInContainer": parts[1] if len(parts) > 1 else parts[0],
            "CgroupPermissions": parts[2] if len(parts) > 2 else "rwm",
        })
    return out


def format_environment(environment: Mapping[str, Any]) -> List[str]:
    """``{"A": "1", "B": None}`` -> ``["A=1", "B"]``."""
    def one(key: str, value: Any) -> str:
        if value is None:
            return key
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        return f"{key}={value}"
    return [one(k, v) for k, v in environment.items()]


def format_extra_hosts(extra_hosts: Mapping[str, str], task: bool = False) -> List[str]:
    """``{"host": "1.2.3.4"}`` -> ``["host:1.2.3.4"]`` (``"1.2.3.4 host"`` for tasks)."""
    if task:
        return [f"{v} {k}" for k, v in sorted(extra_hosts.items())]
    return [f"{k}:{v}" for k, v in sorted(extra_hosts.items())]


def normalize_links(links: Union[Mapping[str, Optional[str]], Iterable[Any]]) -> List[str]:
    """``{"container": "alias"}``, ``[("container", "alias")]`` or
    ``["container:alias"]`` -> the API's sorted ``["container:alias", ...]``.
    A lone string is refused (ValueError, docker-py's class there) rather
    than taken apart letter by letter."""
    if isinstance(links, (str, bytes)):
        raise ValueError(f"links must be a dict or a list of (name, alias) pairs or 'name:alias' "
                         f"strings, not a string: {links!r}")
    items: Iterable[Any] = links.items() if isinstance(links, Mapping) else links
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        k, v = item
        out.append(f"{k}:{v}" if v else str(k))
    return sorted(out)


def split_command(command: str) -> List[str]:
    """Split a command string as a POSIX shell would."""
    import shlex  # lazily: rarely needed, costs start-up
    return shlex.split(command)
