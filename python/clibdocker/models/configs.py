"""Swarm configs: docker-py's ``Config`` and ``ConfigCollection`` (``client.configs``)."""
from __future__ import annotations

from typing import Any, List, Optional

from .resource import Collection, Model, dig

from ..api import APIClient  # noqa: F401  (docker-py's module holds it)


class Config(Model):
    """A swarm config."""

    id_attribute = "ID"

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: '{self.name}'>"

    @property
    def name(self) -> Optional[str]:
        """The config's name."""
        n = dig(self.attrs, "Spec", "Name")
        return n if isinstance(n, str) else None

    def remove(self) -> bool:
        """Remove this config."""
        return self.client.api.remove_config(self._require_id())


class ConfigCollection(Collection[Config]):
    """The swarm's configs (``client.configs``)."""

    model = Config

    def create(self, **kwargs: Any) -> Config:
        """Create a config: ``name``, ``data``, ``labels``, ``templating`` as for
        :meth:`clibdocker.APIClient.create_config`. The model holds the id
        and name (:meth:`~Model.reload` for the rest)."""
        obj = self.client.api.create_config(**kwargs)
        obj.setdefault("Spec", {})["Name"] = kwargs.get("name")
        return self.prepare_model(obj)

    def get(self, config_id: str) -> Config:
        """The config with this id or name."""
        return self.prepare_model(self.client.api.inspect_config(config_id))

    def list(self, **kwargs: Any) -> List[Config]:
        """The configs (``filters``: ``id``, ``label``, ``name``, ``names``)."""
        return [self.prepare_model(s) for s in self.client.api.configs(**kwargs)]
