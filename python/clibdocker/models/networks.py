"""Networks: docker-py's ``Network`` and ``NetworkCollection``
(``client.networks``)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .containers import Container
from .resource import Collection, Model

# names docker-py's module holds (programs import them from here)
from ..api import APIClient  # noqa: F401
from .resource import lazy_names

__getattr__ = lazy_names(__name__, {"version_gte": ("clibdocker.utils", "version_gte")})


class Network(Model):
    """A network; ``attrs`` is its ``inspect_network`` JSON (or its list entry)."""

    @property
    def name(self) -> Optional[str]:
        """The network's name."""
        n = self.attrs.get("Name")
        return n if isinstance(n, str) else None

    @property
    def containers(self) -> List[Container]:
        """The containers connected to it (as of ``attrs``; :meth:`reload`
        first for the current ones)."""
        return [self.client.containers.get(cid)
                for cid in (self.attrs.get("Containers") or {})]

    def connect(self, container: Any, *args: Any, **kwargs: Any) -> None:
        """Connect a container (id, name or :class:`Container`):
        ``aliases``, ``links``, ``ipv4_address``, ``ipv6_address``,
        ``link_local_ips``, ``driver_opt``."""
        if isinstance(container, Container):
            container = container._require_id()
        return self.client.api.connect_container_to_network(
            container, self._require_id(), *args, **kwargs)

    def disconnect(self, container: Any, *args: Any, **kwargs: Any) -> None:
        """Disconnect a container (id, name or :class:`Container`); ``force``."""
        if isinstance(container, Container):
            container = container._require_id()
        return self.client.api.disconnect_container_from_network(
            container, self._require_id(), *args, **kwargs)

    def remove(self) -> None:
        """Remove this network."""
        return self.client.api.remove_network(self._require_id())


class NetworkCollection(Collection[Network]):
    """The engine's networks (``client.networks``)."""

    model = Network

    def create(self, name: str, *args: Any, **kwargs: Any) -> Network:
        """Create a network (``docker network create``): ``driver``,
        ``options``, ``ipam``, ``check_duplicate``, ``internal``, ``labels``,
        ``enable_ipv6``, ``attachable``, ``scope``, ``ingress``."""
        resp = self.client.api.create_network(name, *args, **kwargs)
        return self.get(resp["Id"])

    def get(self, network_id: str, *args: Any, **kwargs: Any) -> Network:
        """The network with this id or name (``verbose``, ``scope``).

        :raises NotFound: no such network.
        """
        return self.prepare_model(self.client.api.inspect_network(network_id, *args, **kwargs))

    def list(self, *args: Any, **kwargs: Any) -> List[Network]:
        """The networks (``names``, ``ids``, ``filters``); ``greedy=True``
        inspects each one (to see its containers)."""
        greedy = kwargs.pop("greedy", False)
        nets = [self.prepare_model(n) for n in self.client.api.networks(*args, **kwargs)]
        if greedy:
            for n in nets:
                n.reload()
        return nets

    def prune(self, filters: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Remove unused networks: :meth:`clibdocker.APIClient.prune_networks`."""
        return self.client.api.prune_networks(filters=filters)
