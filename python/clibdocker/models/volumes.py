"""Volumes: docker-py's ``Volume`` and ``VolumeCollection`` (``client.volumes``)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .resource import Collection, Model

from ..api import APIClient  # noqa: F401  (docker-py's module holds it)


class Volume(Model):
    """A volume; its id is its name."""

    id_attribute = "Name"

    @property
    def name(self) -> Optional[str]:
        """The volume's name."""
        return self.id

    def remove(self, force: bool = False) -> None:
        """Remove this volume."""
        return self.client.api.remove_volume(self._require_id(), force=force)


class VolumeCollection(Collection[Volume]):
    """The engine's volumes (``client.volumes``)."""

    model = Volume

    def create(self, name: Optional[str] = None, **kwargs: Any) -> Volume:
        """Create a volume (``driver``, ``driver_opts``, ``labels``); the
        engine names it when ``name`` is None."""
        return self.prepare_model(self.client.api.create_volume(name, **kwargs))

    def get(self, volume_id: str) -> Volume:
        """The volume with this name.

        :raises NotFound: no such volume.
        """
        return self.prepare_model(self.client.api.inspect_volume(volume_id))

    def list(self, **kwargs: Any) -> List[Volume]:
        """The volumes (``filters``)."""
        resp = self.client.api.volumes(**kwargs)
        return [self.prepare_model(v) for v in (resp.get("Volumes") or [])]

    def prune(self, filters: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Remove unused volumes: :meth:`clibdocker.APIClient.prune_volumes`."""
        return self.client.api.prune_volumes(filters=filters)
