"""Service and Task API methods (docker-py's ``ServiceApiMixin``)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union

from .._binding import json_loads
from .. import errors
from ..types.services import ServiceMode, convert_service_networks
from ..utils import convert_filters
from ._base import BaseMixin
from .swarm import body_json, object_version, resource_id

if TYPE_CHECKING:
    from ..stream import FrameStream


def _merge_task_template(current: Dict[str, Any],
                         override: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """The current TaskTemplate with ``override``'s set members on top
    (ContainerSpec member by member)."""
    merged = dict(current)
    if override is None:
        return merged
    for key, value in override.items():
        if key == "ContainerSpec":
            spec = dict(merged.get("ContainerSpec") or {})
            spec.update({k: v for k, v in value.items() if v is not None})
            merged["ContainerSpec"] = spec
        elif value is not None:
            merged[key] = value
    return merged


# (section, member, minimum API version, what the error names): the spec
# members docker-py refuses on an older API before sending
_GATES = (
    ("UpdateConfig", "MaxFailureRatio", "1.25", "UpdateConfig.max_failure_ratio"),
    ("UpdateConfig", "Monitor", "1.25", "UpdateConfig.monitor"),
    ("UpdateConfig", "Order", "1.29", "UpdateConfig.order"),
    ("RollbackConfig", "Order", "1.29", "RollbackConfig.order"),
    ("TaskTemplate", "ForceUpdate", "1.25", "force_update"),
    ("ContainerSpec", "TTY", "1.25", "ContainerSpec.tty"),
    ("ContainerSpec", "Hostname", "1.25", "ContainerSpec.hostname"),
    ("ContainerSpec", "Hosts", "1.25", "ContainerSpec.hosts"),
    ("ContainerSpec", "Groups", "1.25", "ContainerSpec.groups"),
    ("ContainerSpec", "DNSConfig", "1.25", "ContainerSpec.dns_config"),
    ("ContainerSpec", "Healthcheck", "1.25", "ContainerSpec.healthcheck"),
    ("ContainerSpec", "ReadOnly", "1.28", "ContainerSpec.read_only"),
    ("ContainerSpec", "StopSignal", "1.28", "ContainerSpec.stop_signal"),
    ("ContainerSpec", "Configs", "1.30", "ContainerSpec.configs"),
    ("ContainerSpec", "Privileges", "1.30", "ContainerSpec.privileges"),
    ("ContainerSpec", "Isolation", "1.35", "ContainerSpec.isolation"),
    ("ContainerSpec", "Init", "1.38", "ContainerSpec.init"),
    ("Placement", "Platforms", "1.30", "Placement.platforms"),
    ("Placement", "Preferences", "1.27", "Placement.preferences"),
    ("Resources", "GenericResources", "1.32", "Resources.generic_resources"),
)


def check_api_features(version: str, task_template: Optional[Dict[str, Any]],
                       update_config: Optional[Dict[str, Any]],
                       endpoint_spec: Optional[Dict[str, Any]],
                       rollback_config: Optional[Dict[str, Any]]) -> None:
    """Refuse, with :class:`~clibdocker.errors.InvalidVersion` and before any
    request, the parts of a service spec the API ``version`` lacks (the
    checks docker-py makes)."""
    from ..types._util import version_lt
    if not version_lt(version, "1.38"):
        return   # everything below is older

    def refuse(what: str, minimum: str) -> None:
        raise errors.InvalidVersion(f"{what} is not supported in API version < {minimum}")

    template = task_template or {}
    sections: Dict[str, Any] = {
        "UpdateConfig": update_config, "RollbackConfig": rollback_config,
        "TaskTemplate": template, "ContainerSpec": template.get("ContainerSpec"),
        "Placement": template.get("Placement"), "Resources": template.get("Resources"),
    }
    if rollback_config is not None and version_lt(version, "1.28"):
        refuse("rollback_config", "1.28")
    if update_config and update_config.get("FailureAction") == "rollback" \
            and version_lt(version, "1.28"):
        refuse("UpdateConfig.failure_action rollback", "1.28")
    for section, member, minimum, what in _GATES:
        part = sections.get(section)
        if part and part.get(member) not in (None, False, [], {}) \
                and version_lt(version, minimum):
            refuse(what, minimum)
    ports = (endpoint_spec or {}).get("Ports") or []
    if version_lt(version, "1.32") and any(p.get("PublishMode") for p in ports):
        refuse("EndpointSpec.Ports[].mode", "1.32")


# update_service's version has no default; its service does (docker-py's
# check_resource: NullResource when it is missing), so a sentinel marks it
_REQUIRED: Any = object()


class ServiceApiMixin(BaseMixin):

    def _service_auth(self, spec: Dict[str, Any]) -> Optional[str]:
        image = ((spec.get("TaskTemplate") or {}).get("ContainerSpec") or {}).get("Image")
        if not image:
            return None
        return self._auth_json(image)

    def create_service(self, task_template: Dict[str, Any], name: Optional[str] = None,
                       labels: Optional[Dict[str, str]] = None, mode: Any = None,
                       update_config: Optional[Dict[str, Any]] = None,
                       networks: Optional[List[Any]] = None, endpoint_config: Any = None,
                       endpoint_spec: Optional[Dict[str, Any]] = None,
                       rollback_config: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """POST /services/create: create a swarm service.

        :param task_template: a :class:`~clibdocker.types.TaskTemplate` (its
            ContainerSpec needs an ``Image``).
        :param name, labels: the service's name and labels.
        :param mode: a :class:`~clibdocker.types.ServiceMode` or a mode name
            (``"replicated"``, ``"global"``...); default: 1 replica.
        :param update_config, rollback_config: :class:`UpdateConfig` /
            :class:`RollbackConfig`.
        :param networks: network names/IDs or NetworkAttachmentConfig dicts.
        :param endpoint_spec: an :class:`~clibdocker.types.EndpointSpec`.
        :param endpoint_config: ignored (as in docker-py).
        :raises InvalidVersion: a part of the spec the API version lacks
            (before any request, as docker-py).

        The registry credentials for the image (``login()`` or the Docker
        config) go in X-Registry-Auth. The engine does not pull here: each
        node pulls (or uses its local image) when it starts a task.
        :returns: ``{"ID": ..., "Warnings": [...]}``.
        :op: ServiceCreate
        """
        check_api_features(self._native.api_version(), task_template, update_config,
                           endpoint_spec, rollback_config)
        image = (task_template.get("ContainerSpec") or {}).get("Image")
        if image is None:
            raise errors.DockerException("Missing mandatory Image key in ContainerSpec")
        if mode and not isinstance(mode, dict):
            mode = ServiceMode(mode)
        if networks is not None:
            # the API's place for them since 1.25 (top-level Networks is deprecated)
            task_template = dict(task_template)
            task_template["Networks"] = convert_service_networks(networks)
        data = {"Name": name, "Labels": labels, "TaskTemplate": task_template, "Mode": mode,
                "EndpointSpec": endpoint_spec, "UpdateConfig": update_config,
                "RollbackConfig": rollback_config}
        raw = self._native.service_create(body_json(data), self._service_auth(data))
        return json_loads(raw)  # type: ignore[no-any-return]

    def inspect_service(self, service: Any = None,
                        insert_defaults: Optional[bool] = None) -> Dict[str, Any]:
        """GET /services/{id}: a service's details.

        :param service: its name or ID.
        :param insert_defaults: fill in the engine's defaults in ``Spec``.
        Raises :class:`~clibdocker.errors.NotFound` for an unknown service.
        :op: ServiceInspect
        """
        sid = resource_id(service, "service")
        d = -1 if insert_defaults is None else (1 if insert_defaults else 0)
        return json_loads(self._native.service_inspect(sid, d))  # type: ignore[no-any-return]

    def remove_service(self, service: Any = None) -> bool:
        """DELETE /services/{id}: stop and remove a service.

        :returns: True.
        :op: ServiceDelete
        """
        self._native.service_delete(resource_id(service, "service"))
        return True

    def services(self, filters: Optional[Dict[str, Any]] = None,
                 status: Optional[bool] = None) -> List[Dict[str, Any]]:
        """GET /services: the services.

        :param filters: ``id``, ``name``, ``label``, ``mode``.
        :param status: add ``ServiceStatus`` (running/desired tasks).
        :op: ServiceList
        """
        f = convert_filters(filters) if filters else None
        st = -1 if status is None else (1 if status else 0)
        return json_loads(self._native.service_list(f, st))  # type: ignore[no-any-return]

    def tasks(self, filters: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """GET /tasks: the tasks.

        :param filters: ``id``, ``name``, ``service``, ``node``, ``label``,
            ``desired-state`` (running/shutdown/accepted).
        :op: TaskList
        """
        f = convert_filters(filters) if filters else None
        return json_loads(self._native.task_list(f))  # type: ignore[no-any-return]

    def inspect_task(self, task: Any = None) -> Dict[str, Any]:
        """GET /tasks/{id}: a task's details.

        Raises :class:`~clibdocker.errors.NotFound` for an unknown task.
        :op: TaskInspect
        """
        tid = resource_id(task, "task")
        return json_loads(self._native.task_inspect(tid))  # type: ignore[no-any-return]

    def update_service(self, service: Any = None, version: Any = _REQUIRED,
                       task_template: Optional[Dict[str, Any]] = None,
                       name: Optional[str] = None, labels: Optional[Dict[str, str]] = None,
                       mode: Any = None, update_config: Optional[Dict[str, Any]] = None,
                       networks: Optional[List[Any]] = None, endpoint_config: Any = None,
                       endpoint_spec: Optional[Dict[str, Any]] = None,
                       fetch_current_spec: bool = False,
                       rollback_config: Optional[Dict[str, Any]] = None, *,
                       rollback: Optional[str] = None,
                       registry_auth_from: Optional[str] = None) -> Dict[str, Any]:
        """POST /services/{id}/update: replace a service's spec.

        :param version: the service's ``Version.Index``; a stale one raises
            APIError ("update out of sequence").
        :param task_template, name, labels, mode, update_config,
            rollback_config, networks, endpoint_spec: the new spec's parts;
            the rest is reset unless ``fetch_current_spec`` takes it from the
            current spec (the TaskTemplate is then merged member by member).
        :param rollback: beyond docker-py: ``"previous"`` rolls back to the
            previous spec.
        :param registry_auth_from: beyond docker-py: ``"spec"`` or
            ``"previous-spec"``, where the engine takes registry credentials
            from when none are sent.
        :returns: ``{"Warnings": [...]}`` (may be None).
        :op: ServiceUpdate
        """
        sid = resource_id(service, "service")  # NullResource first, as docker-py
        if version is _REQUIRED:
            raise TypeError("ServiceApiMixin.update_service() missing 1 required positional "
                            "argument: 'version'")
        check_api_features(self._native.api_version(), task_template, update_config,
                           endpoint_spec, rollback_config)
        version = object_version(version, "service")
        current: Dict[str, Any] = {}
        if fetch_current_spec:
            current = self.inspect_service(sid, insert_defaults=True)["Spec"]
        data: Dict[str, Any] = {
            "Name": current.get("Name") if name is None else name,
            "Labels": current.get("Labels") if labels is None else labels,
        }
        if mode is not None:
            data["Mode"] = mode if isinstance(mode, dict) else ServiceMode(mode)
        else:
            data["Mode"] = current.get("Mode")
        template = _merge_task_template(current.get("TaskTemplate") or {}, task_template)
        if networks is not None:
            template["Networks"] = convert_service_networks(networks)
        elif template.get("Networks") is None and current.get("Networks") is not None:
            template["Networks"] = current.get("Networks")
        data["TaskTemplate"] = template
        data["UpdateConfig"] = (current.get("UpdateConfig") if update_config is None
                                else update_config)
        data["RollbackConfig"] = (current.get("RollbackConfig") if rollback_config is None
                                  else rollback_config)
        data["EndpointSpec"] = (current.get("EndpointSpec") if endpoint_spec is None
                                else endpoint_spec)
        raw = self._native.service_update(sid, version, body_json(data),
                                          registry_auth_from, rollback,
                                          self._service_auth(data))
        res: Dict[str, Any] = json_loads(raw) if raw.strip() else {}
        return res

    # --- logs --------------------------------------------------------------------

    def service_logs(self, service: Any = None, details: bool = False, follow: bool = False,
                     stdout: bool = False, stderr: bool = False, since: Any = 0,
                     timestamps: bool = False, tail: Union[str, int] = "all",
                     is_tty: Optional[bool] = None, *, demux: bool = False) -> FrameStream:
        """GET /services/{id}/logs: the logs of a swarm service's tasks.

        As docker-py, always a stream: a :class:`~clibdocker.stream.FrameStream`
        of bytes per frame (``(stdout, stderr)`` tuples with ``demux``, beyond
        docker-py). Ask for ``stdout`` and/or ``stderr`` (both off by default,
        as in docker-py; the engine refuses a request for neither).

        :param details: prefix each line with its labels and task details.
        :param since: a datetime or Unix time (int/float): only later lines.
        :param tail: ``"all"`` or a number of lines.
        :param is_tty: None inspects the service's spec for a TTY.
        :op: ServiceLogs
        """
        from .container_io import swarm_logs
        return swarm_logs(self._native, "service", service, details, follow, stdout, stderr,
                          since, timestamps, tail, is_tty, demux)

    def task_logs(self, task: Any, details: bool = False, follow: bool = False,
                  stdout: bool = False, stderr: bool = False, since: Any = 0,
                  timestamps: bool = False, tail: Union[str, int] = "all",
                  is_tty: Optional[bool] = None, *, demux: bool = False) -> FrameStream:
        """GET /tasks/{id}/logs: the logs of one swarm task (beyond docker-py,
        with :meth:`service_logs`'s arguments).

        :op: TaskLogs
        """
        from .container_io import swarm_logs
        return swarm_logs(self._native, "task", task, details, follow, stdout, stderr,
                          since, timestamps, tail, is_tty, demux)
