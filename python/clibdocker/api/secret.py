"""Secret API methods (docker-py's ``SecretApiMixin``)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from .._binding import json_loads
from .. import errors
from ..utils import convert_filters
from ._base import BaseMixin
from .swarm import body_json, resource_id


def encode_data(data: Union[bytes, str]) -> str:
    """Secret/config content -> the API's base64 ``Data``."""
    if isinstance(data, bytes):
        raw = data
    elif isinstance(data, str):
        raw = data.encode("utf-8")
    else:
        raise errors.InvalidData(f"data must be bytes or str, not {type(data).__name__}")
    import base64  # lazily: start-up
    return base64.b64encode(raw).decode("ascii")


class SecretApiMixin(BaseMixin):

    def create_secret(self, name: str, data: Union[bytes, str],
                      labels: Optional[Dict[str, str]] = None,
                      driver: Optional[Dict[str, Any]] = None, *,
                      templating: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """POST /secrets/create: store a secret in the swarm.

        :param name: the secret's name.
        :param data: its content (bytes, or str encoded as UTF-8); never
            traced.
        :param labels: a dict of labels.
        :param driver: a :class:`~clibdocker.types.DriverConfig` for an
            external secret store (default: the swarm's own).
        :param templating: beyond docker-py: a templating driver
            (``{"Name": "golang"}``).
        :returns: ``{"ID": ...}``.
        :raises: :class:`~clibdocker.errors.Conflict` for a name in use.
        :op: SecretCreate
        """
        body = {"Data": encode_data(data), "Name": name, "Labels": labels,
                "Driver": driver, "Templating": templating}
        return json_loads(self._native.secret_create(body_json(body)))  # type: ignore[no-any-return]

    def inspect_secret(self, id: Any = None) -> Dict[str, Any]:
        """GET /secrets/{id}: a secret's metadata (never its data).

        Raises :class:`~clibdocker.errors.NotFound` for an unknown secret.
        :op: SecretInspect
        """
        return json_loads(self._native.secret_inspect(resource_id(id, "id")))  # type: ignore[no-any-return]

    def remove_secret(self, id: Any = None) -> bool:
        """DELETE /secrets/{id}: remove a secret.

        :returns: True.
        :raises: NotFound; APIError when a service uses it.
        :op: SecretDelete
        """
        self._native.secret_delete(resource_id(id, "id"))
        return True

    def secrets(self, filters: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """GET /secrets: the secrets.

        :param filters: ``id``, ``name``, ``names``, ``label``.
        :op: SecretList
        """
        f = convert_filters(filters) if filters else None
        return json_loads(self._native.secret_list(f))  # type: ignore[no-any-return]

    def update_secret(self, id: Any, version: int, secret_spec: Dict[str, Any]) -> bool:
        """POST /secrets/{id}/update: beyond docker-py: replace a secret's
        spec. The engine lets only ``Labels`` change: pass the current
        ``Spec`` (from ``inspect_secret``) with new labels.

        :param version: the secret's ``Version.Index``.
        :returns: True.
        :op: SecretUpdate
        """
        if not isinstance(secret_spec, dict):
            raise TypeError("secret_spec must be a dictionary")
        self._native.secret_update(resource_id(id, "id"), int(version), body_json(secret_spec))
        return True
