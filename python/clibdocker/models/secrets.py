"""Swarm secrets: docker-py's ``Secret`` and ``SecretCollection`` (``client.secrets``)."""
from __future__ import annotations

from typing import Any, List, Optional

from .resource import Collection, Model, dig

from ..api import APIClient  # noqa: F401  (docker-py's module holds it)


class Secret(Model):
    """A swarm secret (its metadata; the engine never returns the data)."""

    id_attribute = "ID"

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: '{self.name}'>"

    @property
    def name(self) -> Optional[str]:
        """The secret's name."""
        n = dig(self.attrs, "Spec", "Name")
        return n if isinstance(n, str) else None

    def remove(self) -> bool:
        """Remove this secret."""
        return self.client.api.remove_secret(self._require_id())


class SecretCollection(Collection[Secret]):
    """The swarm's secrets (``client.secrets``)."""

    model = Secret

    def create(self, **kwargs: Any) -> Secret:
        """Create a secret: ``name``, ``data``, ``labels``, ``driver`` as for
        :meth:`clibdocker.APIClient.create_secret`. The model holds the id
        and name (:meth:`~Model.reload` for the rest)."""
        obj = self.client.api.create_secret(**kwargs)
        obj.setdefault("Spec", {})["Name"] = kwargs.get("name")
        return self.prepare_model(obj)

    def get(self, secret_id: str) -> Secret:
        """The secret with this id or name."""
        return self.prepare_model(self.client.api.inspect_secret(secret_id))

    def list(self, **kwargs: Any) -> List[Secret]:
        """The secrets (``filters``: ``id``, ``label``, ``name``, ``names``)."""
        return [self.prepare_model(s) for s in self.client.api.secrets(**kwargs)]
