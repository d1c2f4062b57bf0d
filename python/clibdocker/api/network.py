"""Network API methods (docker-py's ``NetworkApiMixin``)."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from .._binding import json_loads
from .. import _lazy, errors
from ..errors import InvalidVersion
from ..types.networks import EndpointConfig, version_lt
from ..utils import convert_filters, filters_dict
from ._base import BaseMixin, url_id


def _resource_id(value: Any, what: str) -> str:
    """docker-py's ``check_resource``: a dict with ``Id`` gives its id; an
    empty value is refused."""
    if isinstance(value, dict):
        value = value.get("Id", value.get("ID"))
    if not value:
        raise errors.NullResource("Resource ID was not provided")  # docker-py's words
    return str(value)


class NetworkApiMixin(BaseMixin):

    def networks(self, names: Optional[List[str]] = None, ids: Optional[List[str]] = None,
                 filters: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """GET /networks: the networks, like ``docker network ls``.

        :param names: only networks with these names (substring match, as the
            daemon's ``name`` filter).
        :param ids: only networks with these ids (prefixes).
        :param filters: ``driver``, ``label`` (``"k"`` or ``"k=v"``, or a list),
            ``type`` (``"custom"``/``"builtin"``), ``scope``, ``dangling``.
        :returns: a list of network objects.
        :op: NetworkList
        """
        f: Dict[str, Any] = filters_dict(filters)
        if names:
            f["name"] = names
        if ids:
            f["id"] = ids
        if isinstance(filters, dict):
            # docker-py writes name/id into the caller's dict: a program that
            # passes the same dict again lists by those names again
            if names:
                filters["name"] = names
            if ids:
                filters["id"] = ids
        raw = self._native.network_list(convert_filters(f))
        return json_loads(raw)  # type: ignore[no-any-return]

    def create_network(self, name: str, driver: Optional[str] = None,
                       options: Optional[Dict[str, str]] = None,
                       ipam: Optional[Dict[str, Any]] = None,
                       check_duplicate: Optional[bool] = None, internal: bool = False,
                       labels: Optional[Dict[str, str]] = None, enable_ipv6: bool = False,
                       attachable: Optional[bool] = None, scope: Optional[str] = None,
                       ingress: Optional[bool] = None, *,
                       config_only: Optional[bool] = None,
                       config_from: Optional[str] = None,
                       enable_ipv4: Optional[bool] = None) -> Dict[str, Any]:
        """POST /networks/create: create a network, like ``docker network create``.

        :param name: the network's name.
        :param driver: ``"bridge"`` (the default), ``"overlay"``, ``"macvlan"``…
        :param options: driver options, a dict of strings.
        :param ipam: an :class:`~clibdocker.types.IPAMConfig` (subnets,
            gateways, IP ranges, auxiliary addresses).
        :param check_duplicate: ask the daemon to refuse a duplicate name.
            API 1.44 deprecated the field (duplicates are always refused), so
            it is sent only to older APIs.
        :param internal: no external access (no default route).
        :param labels: a dict of labels.
        :param enable_ipv6: enable IPv6 (give an IPv6 subnet in ``ipam``).
        :param attachable: swarm networks: let standalone containers attach.
        :param scope: ``"local"``, ``"global"`` or ``"swarm"``.
        :param ingress: swarm: create the routing-mesh ingress network.
        :param config_only, config_from: beyond docker-py: a config-only
            network, or one taking its configuration from the named one.
        :param enable_ipv4: beyond docker-py: False for an IPv6-only network;
            needs API 1.47, else :class:`~clibdocker.errors.InvalidVersion`.
        :returns: ``{"Id": ..., "Warning": ...}``.
        :op: NetworkCreate
        """
        if options is not None and not isinstance(options, dict):
            raise TypeError("options must be a dictionary")
        if labels is not None and not isinstance(labels, dict):
            raise TypeError("labels must be a dictionary")
        data: Dict[str, Any] = {"Name": name}
        if driver is not None:
            data["Driver"] = driver
        if options is not None:
            data["Options"] = options
        if ipam is not None:
            data["IPAM"] = ipam
        api = self._native.api_version()
        if check_duplicate is not None and version_lt(api, "1.44"):
            data["CheckDuplicate"] = bool(check_duplicate)
        if labels is not None:
            data["Labels"] = labels
        if enable_ipv6:
            data["EnableIPv6"] = True
        if enable_ipv4 is not None:
            if version_lt(api, "1.47"):
                raise errors.InvalidVersion(
                    f"enable_ipv4 requires API version 1.47 or newer; this client uses {api}")
            data["EnableIPv4"] = bool(enable_ipv4)
        if internal:
            data["Internal"] = True
        if attachable is not None:
            data["Attachable"] = bool(attachable)
        if ingress is not None:
            data["Ingress"] = bool(ingress)
        if scope is not None:
            data["Scope"] = scope
        if config_only is not None:
            data["ConfigOnly"] = bool(config_only)
        if config_from is not None:
            data["ConfigFrom"] = {"Network": config_from}
        raw = self._native.network_create(json.dumps(data))
        return json_loads(raw)  # type: ignore[no-any-return]

    def prune_networks(self, filters: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """POST /networks/prune: remove unused networks.

        :param filters: ``label`` (``"k"``, ``"k=v"``, ``"label!"`` forms),
            ``until``.
        :returns: ``{"NetworksDeleted": [names...]}`` (None when none).
        :op: NetworkPrune
        """
        f = convert_filters(filters) if filters else None
        return json_loads(self._native.network_prune(f))  # type: ignore[no-any-return]

    def remove_network(self, net_id: Any) -> None:
        """DELETE /networks/{id}: remove a network.

        Raises :class:`~clibdocker.errors.NotFound` for an unknown network.
        :op: NetworkDelete
        """
        self._native.network_delete(_resource_id(net_id, "net_id"))

    def inspect_network(self, net_id: Any, verbose: Optional[bool] = None,
                        scope: Optional[str] = None) -> Dict[str, Any]:
        """GET /networks/{id}: a network's details (IPAM, containers with
        their addresses, options, labels).

        :param verbose: swarm: add the service details across the cluster.
        :param scope: look only in ``"swarm"``, ``"global"`` or ``"local"``.
        Raises :class:`~clibdocker.errors.NotFound` for an unknown network.
        :op: NetworkInspect
        """
        raw = self._native.network_inspect(_resource_id(net_id, "net_id"), verbose, scope)
        return json_loads(raw)  # type: ignore[no-any-return]

    def connect_container_to_network(self, container: Any, net_id: str,
                                     ipv4_address: Optional[str] = None,
                                     ipv6_address: Optional[str] = None,
                                     aliases: Optional[List[str]] = None,
                                     links: Any = None,
                                     link_local_ips: Optional[List[str]] = None,
                                     driver_opt: Optional[Dict[str, str]] = None,
                                     mac_address: Optional[str] = None) -> None:
        """POST /networks/{id}/connect: attach a container to a network.

        :param container: the container's id or name.
        :param net_id: the network's id or name (a str, as in docker-py:
            ValueError otherwise; empty: NullResource, also NotFound 404).
        :param ipv4_address, ipv6_address: static addresses on the network.
        :param aliases: further names for the container on this network.
        :param links: ``{"container": "alias"}`` links on this network.
        :param link_local_ips: extra link-local addresses.
        :param driver_opt: endpoint driver options.
        :param mac_address: the endpoint's MAC address.
        :op: NetworkConnect
        """
        cid = _resource_id(container, "container")  # docker-py's order of checks
        ep = EndpointConfig(self._native.api_version(), aliases=aliases, links=links,
                            ipv4_address=ipv4_address, ipv6_address=ipv6_address,
                            link_local_ips=link_local_ips, driver_opt=driver_opt,
                            mac_address=mac_address)
        self._native.network_connect(url_id(net_id, "net_id"), cid, json.dumps(ep))

    def disconnect_container_from_network(self, container: Any, net_id: str,
                                          force: bool = False) -> None:
        """POST /networks/{id}/disconnect: detach a container from a network.

        :param force: force the disconnection.
        :op: NetworkDisconnect
        """
        cid = _resource_id(container, "container")
        self._native.network_disconnect(url_id(net_id, "net_id"), cid, bool(force))


# the names docker-py's module binds here come from clibdocker.utils on
# first use
__getattr__, __dir__ = _lazy.names(__name__, {
    name: ("..utils", name) for name in ("check_resource", "minimum_version")})
