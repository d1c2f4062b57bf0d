"""Network request types, as docker-py's ``docker.types.networks``: plain
dict subclasses holding the Engine API's JSON field names."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from .. import errors
from ._util import normalize_links, version_lt
from .base import DictType
from .containers import EndpointConfig, NetworkingConfig

__all__ = ["EndpointConfig", "IPAMConfig", "IPAMPool", "NetworkingConfig", "normalize_links",
           "version_lt"]


class IPAMConfig(DictType):
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


class IPAMPool(DictType):
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
