"""Swarm and Node API methods (docker-py's ``SwarmApiMixin``)."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Union

from .._binding import json_loads
from .. import _lazy, errors
from ..types.swarm import SwarmSpec
from ..types._util import version_lt
from ..utils import convert_filters
from ._base import BaseMixin

DEFAULT_SWARM_ADDR_POOL = ["10.0.0.0/8"]
DEFAULT_SWARM_SUBNET_SIZE = 24


def resource_id(value: Any, what: str) -> str:
    """An object's ID from a string or an inspect/list dict (``ID``/``Id``);
    a missing one raises :class:`~clibdocker.errors.NullResource`."""
    if isinstance(value, dict):
        value = value.get("ID", value.get("Id"))
    if not value:
        raise errors.NullResource("Resource ID was not provided")  # docker-py's words
    return str(value)


def object_version(version: Any, kind: str, in_path: bool = False) -> int:
    """The ``?version=`` of an update as an int. docker-py sends whatever it
    is given (requests drops a None query parameter; ``update_node`` writes
    ``str(version)`` into the URL, ``in_path``) and the engine refuses
    anything but an unsigned integer with a 400; that refusal is made here,
    before the request, as the same APIError (``errors.refused_as_engine``)."""
    if isinstance(version, int) and not isinstance(version, bool) and version >= 0:
        return version
    if isinstance(version, str) and version.isascii() and version.isdigit():
        return int(version)
    raw = "" if version is None and not in_path else str(version)
    raise errors.refused_as_engine(errors.InvalidArgument(
        f"invalid {kind} version '{raw}': strconv.ParseUint: parsing {json.dumps(raw)}: "
        "invalid syntax"), 400)


def body_json(data: Optional[Dict[str, Any]]) -> str:
    """A request body as docker-py's ``_post_json`` sends it: the dict's
    top-level members without the None ones (``{}`` for None)."""
    if data is None:
        return "{}"
    if not isinstance(data, dict):
        raise TypeError(f"expected a dict, not {type(data).__name__}")
    return json.dumps({k: v for k, v in data.items() if v is not None})


class SwarmApiMixin(BaseMixin):

    def create_swarm_spec(self, *args: Any, **kwargs: Any) -> SwarmSpec:
        """A :class:`~clibdocker.types.SwarmSpec` for ``init_swarm`` /
        ``update_swarm`` (its arguments; ``external_ca`` is a shorthand for
        ``external_cas=[external_ca]``)."""
        ext_ca = kwargs.pop("external_ca", None)
        if ext_ca:
            kwargs["external_cas"] = [ext_ca]
        return SwarmSpec(self._native.api_version(), *args, **kwargs)

    def init_swarm(self, advertise_addr: Optional[str] = None,
                   listen_addr: str = "0.0.0.0:2377", force_new_cluster: bool = False,
                   swarm_spec: Optional[Dict[str, Any]] = None,
                   default_addr_pool: Optional[List[str]] = None,
                   subnet_size: Optional[int] = None, data_path_addr: Optional[str] = None,
                   data_path_port: Optional[int] = None) -> str:
        """POST /swarm/init: make this engine the first manager of a new swarm.

        :param advertise_addr: the address other nodes reach this one at
            (``"192.168.1.1:2377"``, ``"eth0"``); None: detected.
        :param listen_addr: where the manager listens (``"0.0.0.0:2377"``).
        :param force_new_cluster: start a new cluster from this node's state.
        :param swarm_spec: a :class:`~clibdocker.types.SwarmSpec` (see
            ``create_swarm_spec``).
        :param default_addr_pool, subnet_size: the subnets overlay networks
            get (``["10.0.0.0/8"]`` and 24 when only one is given).
        :param data_path_addr, data_path_port: the data path (VXLAN) address
            and port (default 4789).
        :returns: the new node's ID.
        :raises: :class:`~clibdocker.errors.APIError` (503 when already in a
            swarm).
        :op: SwarmInit
        """
        if swarm_spec is not None and not isinstance(swarm_spec, dict):
            raise TypeError("swarm_spec must be a dictionary")
        if default_addr_pool is not None and subnet_size is None:
            subnet_size = DEFAULT_SWARM_SUBNET_SIZE
        if subnet_size is not None and default_addr_pool is None:
            default_addr_pool = DEFAULT_SWARM_ADDR_POOL
        data = {"AdvertiseAddr": advertise_addr, "ListenAddr": listen_addr,
                "DefaultAddrPool": default_addr_pool, "SubnetSize": subnet_size,
                "ForceNewCluster": force_new_cluster, "Spec": swarm_spec,
                "DataPathAddr": data_path_addr, "DataPathPort": data_path_port}
        return json_loads(self._native.swarm_init(body_json(data)))  # type: ignore[no-any-return]

    def join_swarm(self, remote_addrs: List[str], join_token: str,
                   listen_addr: str = "0.0.0.0:2377", advertise_addr: Optional[str] = None,
                   data_path_addr: Optional[str] = None) -> bool:
        """POST /swarm/join: join an existing swarm.

        :param remote_addrs: addresses of managers of the swarm.
        :param join_token: the worker or manager join token (never traced).
        :param listen_addr, advertise_addr, data_path_addr: as for
            ``init_swarm``.
        :returns: True.
        :raises: :class:`~clibdocker.errors.APIError` with the daemon's
            message (already in a swarm, unreachable manager, bad token).
        :op: SwarmJoin
        """
        if isinstance(remote_addrs, str):
            # docker-py sends the string and the engine answers 400
            raise errors.refused_as_engine(errors.InvalidArgument(
                "remote_addrs must be a list of addresses, not a str"), 400)
        data = {"RemoteAddrs": list(remote_addrs), "ListenAddr": listen_addr,
                "JoinToken": join_token, "AdvertiseAddr": advertise_addr,
                "DataPathAddr": data_path_addr}
        self._native.swarm_join(body_json(data))
        return True

    def leave_swarm(self, force: bool = False) -> bool:
        """POST /swarm/leave: leave the swarm.

        :param force: leave even as the last manager (the swarm is lost); a
            node that is in no swarm is then not an error (as in docker-py).
        :returns: True.
        :op: SwarmLeave
        """
        try:
            self._native.swarm_leave(bool(force))
        except errors.APIError as e:
            if force and e.status_code in (406, 503):
                return True
            raise
        return True

    def update_swarm(self, version: int, swarm_spec: Optional[Dict[str, Any]] = None,
                     rotate_worker_token: bool = False, rotate_manager_token: bool = False,
                     rotate_manager_unlock_key: bool = False) -> bool:
        """POST /swarm/update: replace the swarm's spec.

        :param version: the swarm's ``Version.Index`` (from
            ``inspect_swarm()``); a stale one raises APIError ("update out of
            sequence").
        :param swarm_spec: the whole new spec (members left out take their
            defaults), e.g. ``create_swarm_spec(autolock_managers=True)``.
        :param rotate_worker_token, rotate_manager_token,
            rotate_manager_unlock_key: rotate that secret.
        :returns: True.
        :op: SwarmUpdate
        """
        self._native.swarm_update(body_json(swarm_spec), object_version(version, "swarm"),
                                  rotate_worker_token, rotate_manager_token,
                                  rotate_manager_unlock_key)
        return True

    def inspect_swarm(self) -> Dict[str, Any]:
        """GET /swarm: the swarm (ID, Version, Spec, JoinTokens, ...).

        Raises :class:`~clibdocker.errors.APIError` (503) when the engine is
        not a swarm manager.
        :op: SwarmInspect
        """
        return json_loads(self._native.swarm_inspect())  # type: ignore[no-any-return]

    def get_unlock_key(self) -> Dict[str, Any]:
        """GET /swarm/unlockkey: ``{"UnlockKey": "SWMKEY-1-..."}`` (empty
        when autolock is off).

        :op: SwarmUnlockkey
        """
        return json_loads(self._native.swarm_unlockkey())  # type: ignore[no-any-return]

    def unlock_swarm(self, key: Union[str, Dict[str, Any]]) -> bool:
        """POST /swarm/unlock: unlock a locked manager.

        :param key: the key, or ``get_unlock_key()``'s dict.
        :returns: True.
        :raises: :class:`~clibdocker.errors.InvalidArgument` for a dict
            without ``UnlockKey``; APIError from the daemon (e.g. "swarm is
            not locked").
        :op: SwarmUnlock
        """
        if isinstance(key, dict):
            if "UnlockKey" not in key:
                raise errors.InvalidArgument("Invalid unlock key format")
            key = key["UnlockKey"]
        if not isinstance(key, str):
            raise errors.InvalidArgument("Invalid unlock key format")
        self._native.swarm_unlock(key)
        return True

    # --- nodes -------------------------------------------------------------------

    def nodes(self, filters: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """GET /nodes: the swarm's nodes.

        :param filters: ``id``, ``name``, ``label``, ``node.label``,
            ``membership`` (accepted/pending), ``role`` (manager/worker).
        :op: NodeList
        """
        f = convert_filters(filters) if filters else None
        return json_loads(self._native.node_list(f))  # type: ignore[no-any-return]

    def inspect_node(self, node_id: Any = None) -> Dict[str, Any]:
        """GET /nodes/{id}: a node's details.

        Raises :class:`~clibdocker.errors.NotFound` for an unknown node.
        :op: NodeInspect
        """
        nid = resource_id(node_id, "node_id")
        return json_loads(self._native.node_inspect(nid))  # type: ignore[no-any-return]

    def remove_node(self, node_id: Any = None, force: bool = False) -> bool:
        """DELETE /nodes/{id}: remove a node from the swarm.

        :param force: remove it even if it is up (or a manager).
        :returns: True.
        :op: NodeDelete
        """
        self._native.node_delete(resource_id(node_id, "node_id"), bool(force))
        return True

    def update_node(self, node_id: Any, version: int,
                    node_spec: Optional[Dict[str, Any]] = None) -> bool:
        """POST /nodes/{id}/update: replace a node's spec.

        :param version: the node's ``Version.Index``.
        :param node_spec: the whole spec: ``{"Availability": "active" |
            "pause" | "drain", "Role": "manager" | "worker", "Name", "Labels"}``
            (members left out are reset).
        :returns: True.
        :op: NodeUpdate
        """
        self._native.node_update(resource_id(node_id, "node_id"), object_version(version, "node", in_path=True),
                                 body_json(node_spec))
        return True


# ``log``, this module's logger, made on first use (start-up time)
__getattr__, __dir__ = _lazy.names(__name__, {"log": _lazy.LOGGER})
