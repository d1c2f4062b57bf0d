"""Port specifications (docker-py's ``docker.utils.ports``):
``[[host_ip:]host_port[-host_port_end]:]port[-port_end][/proto]``."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

__all__ = ["PORT_SPEC", "add_port", "add_port_mapping", "build_port_bindings", "port_range",
           "split_port"]

PORT_SPEC = re.compile(
    r"^(?:"
    r"(?:\[?(?P<host>[a-fA-F\d.:]+)\]?:)?"          # host ip, IPv6 in brackets or not
    r"(?P<ext>\d*)(?:-(?P<ext_end>\d+))?:"          # host port or range (may be empty)
    r")?"
    r"(?P<int>\d+)(?:-(?P<int_end>\d+))?"           # container port or range
    r"(?P<proto>/(?:udp|tcp|sctp))?$"
)

External = Union[None, str, Tuple[str, Optional[str]]]


def add_port_mapping(port_bindings: Dict[str, List[Any]], internal_port: str,
                     external: Any) -> None:
    """Append ``external`` to the bindings of ``internal_port``."""
    port_bindings.setdefault(internal_port, []).append(external)


def add_port(port_bindings: Dict[str, List[Any]], internal_port_range: Sequence[str],
             external_range: Optional[Sequence[Any]]) -> None:
    """Bind each internal port to its external counterpart (None: any port)."""
    if external_range is None:
        for internal in internal_port_range:
            add_port_mapping(port_bindings, internal, None)
        return
    for internal, external in zip(internal_port_range, external_range):
        add_port_mapping(port_bindings, internal, external)


def build_port_bindings(ports: Sequence[Any]) -> Dict[str, List[Any]]:
    """Port specifications -> ``{internal_port: [external, ...]}``."""
    bindings: Dict[str, List[Any]] = {}
    for spec in ports:
        internal, external = split_port(spec)
        add_port(bindings, internal, external)
    return bindings


def port_range(start: Optional[str], end: Optional[str], proto: str,
               randomly_available_port: bool = False) -> Any:
    """The ports ``start``..``end`` (inclusive) each suffixed with ``proto``;
    ``[start+proto]`` without an end; ``["start-end"+proto]`` when any port
    of the range will do. An empty/None ``start`` is returned as it is."""
    if not start:
        return start
    if not end:
        return [start + proto]
    if randomly_available_port:
        return [f"{start}-{end}{proto}"]
    return [f"{p}{proto}" for p in range(int(start), int(end) + 1)]


def split_port(port: Any) -> Tuple[List[str], Optional[List[External]]]:
    """One port specification -> ``(internal ports, external bindings or None)``.
    Raises ValueError for a malformed specification or ranges of different lengths."""
    text = str(port)
    m = PORT_SPEC.match(text)
    if m is None:
        raise ValueError(f'Invalid port "{text}", should be '
                         "[[remote_ip:]remote_port[-remote_port]:]port[/protocol]")
    host = m.group("host")
    proto = m.group("proto") or ""
    internal: List[str] = port_range(m.group("int"), m.group("int_end"), proto)
    external = port_range(m.group("ext"), m.group("ext_end"), "", len(internal) == 1)
    if host is None:
        if external is not None and len(internal) != len(external):
            raise ValueError("Port ranges don't match in length")
        return internal, external
    if not external:
        return internal, [(host, None)] * len(internal)
    if len(internal) != len(external):
        raise ValueError("Port ranges don't match in length")
    return internal, [(host, e) for e in external]
