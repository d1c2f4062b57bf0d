"""Swarm nodes: docker-py's ``Node`` and ``NodeCollection`` (``client.nodes``)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .resource import Collection, Model, dig


class Node(Model):
    """A swarm node; ``attrs`` is its ``inspect_node`` JSON."""

    id_attribute = "ID"

    @property
    def version(self) -> Optional[int]:
        """The node object's version (``Version.Index``), which ``update``
        must send back."""
        v = dig(self.attrs, "Version", "Index")
        return v if isinstance(v, int) else None

    def update(self, node_spec: Dict[str, Any]) -> bool:
        """Replace the node's spec (``Availability``, ``Role``, ``Labels``,
        ``Name``); True on success. Call :meth:`reload` before a second update."""
        version = self.version
        if version is None:
            from .. import errors
            raise errors.MissingVersion("this Node has no Version.Index: reload() it")
        return self.client.api.update_node(self._require_id(), version, node_spec)

    def remove(self, force: bool = False) -> bool:
        """Remove this node from the swarm."""
        return self.client.api.remove_node(self._require_id(), force=force)


class NodeCollection(Collection[Node]):
    """The swarm's nodes (``client.nodes``)."""

    model = Node

    def get(self, node_id: str) -> Node:
        """The node with this id or name."""
        return self.prepare_model(self.client.api.inspect_node(node_id))

    def list(self, *args: Any, **kwargs: Any) -> List[Node]:
        """The nodes (``filters``: ``id``, ``label``, ``membership``,
        ``name``, ``role``)."""
        return [self.prepare_model(n) for n in self.client.api.nodes(*args, **kwargs)]
