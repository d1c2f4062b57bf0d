"""Network request types, as docker-py's ``docker.types.networks``: plain
dict subclasses holding the Engine API's JSON field names."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from .. import errors


def _version_tuple(v: str) -> Tuple[int, ...]:
    return tuple(int(p) for p in str(v).split("."))


def version_lt(v1: str, v2: str) -> bool:
    """Is API version ``v1`` older than ``v2``? (``"1.41" < "1.9"`` is False.)"""
    return _version_tuple(v1) < _version_tuple(v2)


def normalize_links(links: Union[Mapping[str, Optional[str]], Iterable[Any]]) -> List[str]:
    """``{"container": "alias"}`` or ``[("container", "alias")]`` or
    ``["container:alias"]`` -> the API's ``["container:alias", ...]``."""
    items: Iterable[Any] = links.items() if isinstance(links, Mapping) else links
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        k, v = item
        out.append(f"{k}:{v}" if v else str(k))
    return sorted(out)


class EndpointConfig(dict):  # type: ignore[type-arg]
    """A container's settings on one network (the API's ``EndpointSettings``).

    :param version: the API version in use (``client.api_version``).
    :param aliases: names by which other containers on the network reach it.
    :param links: ``{"container": "alias"}`` (or a list of pairs or
        ``"container:alias"`` strings).
    :param ipv4_address, ipv6_address: static addresses on the network (it
        needs a user-defined subnet that holds them).
    :param link_local_ips: extra link-local addresses.
    :param driver_opt: driver options, a dict of strings.
    :param mac_address: the endpoint's MAC address.
    """

    def __init__(self, version: str, aliases: Optional[List[str]] = None,
                 links: Any = None, ipv4_address: Optional[str] = None,
                 ipv6_address: Optional[str] = None,
                 link_local_ips: Optional[List[str]] = None,
                 driver_opt: Optional[Dict[str, str]] = None,
                 mac_address: Optional[str] = None) -> None:
        super().__init__()
        if version_lt(version, "1.22"):
            raise errors.InvalidVersion("Endpoint config is not supported for API version < 1.22")
        if aliases:
            self["Aliases"] = list(aliases)
        if links:
            self["Links"] = normalize_links(links)
        ipam: Dict[str, Any] = {}
        if ipv4_address:
            ipam["IPv4Address"] = ipv4_address
        if ipv6_address:
            ipam["IPv6Address"] = ipv6_address
        if mac_address:
            if version_lt(version, "1.25"):
                raise errors.InvalidVersion("mac_address is not supported for API version < 1.25")
            self["MacAddress"] = mac_address
        if link_local_ips is not None:
            if version_lt(version, "1.24"):
                raise errors.InvalidVersion(
                    "link_local_ips is not supported for API version < 1.24")
            ipam["LinkLocalIPs"] = list(link_local_ips)
        if ipam:
            self["IPAMConfig"] = ipam
        if driver_opt:
            if version_lt(version, "1.32"):
                raise errors.InvalidVersion("DriverOpts is not supported for API version < 1.32")
            if not isinstance(driver_opt, dict):
                raise TypeError("driver_opt must be a dictionary")
            self["DriverOpts"] = driver_opt


class IPAMConfig(dict):  # type: ignore[type-arg]
    """A network's IP address management (the API's ``IPAM``).

    :param driver: the IPAM driver (``"default"``).
    :param pool_configs: a list of :class:`IPAMPool`.
    :param options: IPAM driver options, a dict.
    """

    def __init__(self, driver: str = "default", pool_configs: Optional[List["IPAMPool"]] = None,
                 options: Optional[Dict[str, str]] = None) -> None:
        super().__init__()
        self.update({"Driver": driver, "Config": pool_configs or []})
        if options:
            if not isinstance(options, dict):
                raise TypeError("IPAMConfig options must be a dictionary")
            self["Options"] = options


class IPAMPool(dict):  # type: ignore[type-arg]
    """One address pool of an :class:`IPAMConfig`.

    :param subnet: CIDR, e.g. ``"10.42.0.0/16"`` or ``"fd00:42::/64"``.
    :param iprange: CIDR within the subnet from which containers get addresses.
    :param gateway: the gateway address.
    :param aux_addresses: ``{"name": "address"}`` the IPAM driver must not
        hand out.
    """

    def __init__(self, subnet: Optional[str] = None, iprange: Optional[str] = None,
                 gateway: Optional[str] = None,
                 aux_addresses: Optional[Dict[str, str]] = None) -> None:
        super().__init__()
        self.update({"Subnet": subnet, "IPRange": iprange, "Gateway": gateway,
                     "AuxiliaryAddresses": aux_addresses})
