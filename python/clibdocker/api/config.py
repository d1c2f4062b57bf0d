"""Config API methods (docker-py's ``ConfigApiMixin``)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from .._binding import json_loads
from ..utils import convert_filters
from ._base import BaseMixin
from .secret import encode_data
from .swarm import body_json, resource_id


class ConfigApiMixin(BaseMixin):

    def create_config(self, name: str, data: Union[bytes, str],
                      labels: Optional[Dict[str, str]] = None,
                      templating: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """POST /configs/create: store a config in the swarm.

        :param name: the config's name.
        :param data: its content (bytes, or str encoded as UTF-8).
        :param labels: a dict of labels.
        :param templating: a templating driver (``{"name": "golang"}``).
        :returns: ``{"ID": ...}``.
        :raises: :class:`~clibdocker.errors.Conflict` for a name in use.
        :op: ConfigCreate
        """
        body = {"Data": encode_data(data), "Name": name, "Labels": labels,
                "Templating": templating}
        return json_loads(self._native.config_create(body_json(body)))  # type: ignore[no-any-return]

    def inspect_config(self, id: Any = None) -> Dict[str, Any]:
        """GET /configs/{id}: a config, with its base64 ``Spec.Data``.

        Raises :class:`~clibdocker.errors.NotFound` for an unknown config.
        :op: ConfigInspect
        """
        return json_loads(self._native.config_inspect(resource_id(id, "id")))  # type: ignore[no-any-return]

    def remove_config(self, id: Any = None) -> bool:
        """DELETE /configs/{id}: remove a config.

        :returns: True.
        :raises: NotFound; APIError when a service uses it.
        :op: ConfigDelete
        """
        self._native.config_delete(resource_id(id, "id"))
        return True

    def configs(self, filters: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """GET /configs: the configs.

        :param filters: ``id``, ``name``, ``names``, ``label``.
        :op: ConfigList
        """
        f = convert_filters(filters) if filters else None
        return json_loads(self._native.config_list(f))  # type: ignore[no-any-return]

    def update_config(self, id: Any, version: int, config_spec: Dict[str, Any]) -> bool:
        """POST /configs/{id}/update: beyond docker-py: replace a config's
        spec; the engine lets only ``Labels`` change (pass the current
        ``Spec`` with new labels).

        :param version: the config's ``Version.Index``.
        :returns: True.
        :op: ConfigUpdate
        """
        if not isinstance(config_spec, dict):
            raise TypeError("config_spec must be a dictionary")
        self._native.config_update(resource_id(id, "id"), int(version), body_json(config_spec))
        return True
