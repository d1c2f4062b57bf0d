"""Volume API methods (docker-py's ``VolumeApiMixin``)."""
from __future__ import annotations

import json
from typing import Any, Dict, Optional

from .._binding import json_loads
from .. import errors
from ..utils import convert_filters
from ._base import BaseMixin, url_id


class VolumeApiMixin(BaseMixin):

    def volumes(self, filters: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """GET /volumes: the volumes, like ``docker volume ls``.

        :param filters: ``dangling`` (bool), ``name``, ``label``
            (``"k"``/``"k=v"``), ``driver``.
        :returns: ``{"Volumes": [...], "Warnings": [...]}``.
        :op: VolumeList
        """
        f = convert_filters(filters) if filters else None
        return json_loads(self._native.volume_list(f))  # type: ignore[no-any-return]

    def create_volume(self, name: Optional[str] = None, driver: Optional[str] = None,
                      driver_opts: Optional[Dict[str, str]] = None,
                      labels: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        """POST /volumes/create: create a named volume (or an anonymous one
        without ``name``).

        :param driver: the volume driver (``"local"``).
        :param driver_opts: driver options, e.g. for ``local``:
            ``{"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}``.
        :param labels: a dict of labels.
        :returns: the created volume's object.
        :op: VolumeCreate
        """
        if driver_opts is not None and not isinstance(driver_opts, dict):
            raise TypeError("driver_opts must be a dictionary")
        if labels is not None and not isinstance(labels, dict):
            raise TypeError("labels must be a dictionary")
        data: Dict[str, Any] = {}
        if name is not None:
            data["Name"] = name
        if driver is not None:
            data["Driver"] = driver
        if driver_opts is not None:
            data["DriverOpts"] = driver_opts
        if labels is not None:
            data["Labels"] = labels
        raw = self._native.volume_create(json.dumps(data))
        return json_loads(raw)  # type: ignore[no-any-return]

    def inspect_volume(self, name: str) -> Dict[str, Any]:
        """GET /volumes/{name}: a volume's details.

        Raises :class:`~clibdocker.errors.NotFound` for an unknown volume
        (and an empty name: NullResource, also that NotFound, before any
        request); a name that is not a str is a ValueError, as in docker-py.
        :op: VolumeInspect
        """
        return json_loads(self._native.volume_inspect(url_id(name, "name")))  # type: ignore[no-any-return]

    def update_volume(self, name: str, spec: Dict[str, Any], version: int) -> None:
        """PUT /volumes/{name}: beyond docker-py: update a swarm cluster
        volume (only its availability can change).

        :param spec: the ClusterVolumeSpec (``{"Availability": "drain", ...}``).
        :param version: the volume's ``ClusterVolume.Version.Index``.
        Needs API 1.42 (else :class:`~clibdocker.errors.InvalidVersion`
        before any request) and a swarm manager; other volumes get the
        daemon's error.
        :op: VolumeUpdate
        """
        if not name:
            raise errors.NullResource("Resource ID was not provided (name)")
        if not isinstance(spec, dict):
            raise TypeError("spec must be a dictionary")
        self._native.volume_update(name, json.dumps(spec), int(version))

    def prune_volumes(self, filters: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """POST /volumes/prune: remove unused volumes.

        :param filters: ``label`` (``"k"``, ``"k=v"``, ``"label!"`` forms);
            ``all`` (API 1.42: also named volumes, which newer engines keep
            otherwise; refused before 1.42 with InvalidVersion that is also
            the APIError 400 an older engine answers, docker-py's error there).
        :returns: ``{"VolumesDeleted": [names...], "SpaceReclaimed": n}``.
        :op: VolumePrune
        """
        f = convert_filters(filters) if filters else None
        try:
            return json_loads(self._native.volume_prune(f))  # type: ignore[no-any-return]
        except errors.InvalidVersion as e:
            if "'all' filter" not in str(e):
                raise      # the operation itself (< 1.25): docker-py's InvalidVersion
            # docker-py sends it and the engine answers 400 "invalid filter 'all'"
            raise errors.refused_as_engine(e, 400) from None

    def remove_volume(self, name: str, force: bool = False) -> None:
        """DELETE /volumes/{name}: remove a volume.

        :param force: remove it even if its driver no longer knows it.
        Raises :class:`~clibdocker.errors.NotFound` for an unknown volume and
        :class:`~clibdocker.errors.Conflict` (naming the container) for a
        volume in use; an empty or non-str name as :meth:`inspect_volume`.
        :op: VolumeDelete
        """
        self._native.volume_delete(url_id(name, "name"), bool(force))
