"""Swarm services: docker-py's ``Service`` and ``ServiceCollection``
(``client.services``), with the split of keyword arguments between the
ContainerSpec, the TaskTemplate, the Placement and the service itself."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from .. import errors
from ..types import ContainerSpec, Placement, ServiceMode, TaskTemplate
from .resource import Collection, Model, dig

# names docker-py's module holds (programs import them from here)
from ..errors import InvalidArgument  # noqa: F401
from .resource import lazy_names

__getattr__ = lazy_names(__name__, {
    "create_unexpected_kwargs_error": ("clibdocker.errors", "create_unexpected_kwargs_error"),
})


class Service(Model):
    """A swarm service; ``attrs`` is its ``inspect_service`` JSON."""

    id_attribute = "ID"

    @property
    def name(self) -> Optional[str]:
        """The service's name."""
        n = dig(self.attrs, "Spec", "Name")
        return n if isinstance(n, str) else None

    @property
    def version(self) -> Optional[int]:
        """The service object's version (``Version.Index``), which updates
        must send back."""
        v = dig(self.attrs, "Version", "Index")
        return v if isinstance(v, int) else None

    def _version(self) -> int:
        v = self.version
        if v is None:
            raise errors.MissingVersion("this Service has no Version.Index: reload() it")
        return v

    def remove(self) -> bool:
        """Remove the service (its tasks stop)."""
        return self.client.api.remove_service(self._require_id())

    def tasks(self, filters: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """The service's tasks (more ``filters``: ``desired-state``, ``node``…)."""
        sid = self._require_id()
        if filters is not None and not isinstance(filters, dict):
            # docker-py writes the key into what it was given: a str or a
            # list fails with the TypeError of that item assignment
            any_filters: Any = filters
            any_filters["service"] = sid
        f = dict(filters or {})
        f["service"] = sid
        if isinstance(filters, dict):
            filters["service"] = sid  # docker-py writes it into the caller's dict
        return self.client.api.tasks(filters=f)

    def _retry_out_of_sequence(self, attempt: Callable[[], Any]) -> Any:
        """Run an update; when the swarm moved the service on meanwhile (its
        version changed: "update out of sequence", e.g. a rolling update
        still recording its progress), reload and try again, up to 3 times.
        docker-py raises at once."""
        for n in range(3):
            try:
                return attempt()
            except errors.APIError as e:
                if n == 2 or "out of sequence" not in str(e.explanation or e):
                    raise
                self.reload()
        raise AssertionError("unreachable")

    def update(self, **kwargs: Any) -> Any:
        """Update the service: the arguments of
        :meth:`ServiceCollection.create` (the current image is kept when
        ``image`` is not given), ``force_update=True`` to restart its tasks,
        ``fetch_current_spec`` (default True) to start from the current spec.
        If the service changed since it was read, it is read again and the
        update retried (beyond docker-py)."""
        def once() -> Any:
            kw = dict(kwargs)
            if "image" not in kw:
                kw["image"] = dig(self.attrs, "Spec", "TaskTemplate", "ContainerSpec", "Image")
            if kw.get("force_update") is True:
                current = dig(self.attrs, "Spec", "TaskTemplate", "ForceUpdate") or 0
                kw["force_update"] = int(current) + 1
            create_kwargs = _get_create_service_kwargs("update", kw)
            return self.client.api.update_service(self._require_id(), self._version(),
                                                  **create_kwargs)
        return self._retry_out_of_sequence(once)

    def logs(self, **kwargs: Any) -> Any:
        """The logs of the service's tasks, always as a stream (as in
        docker-py): ``details``, ``follow``, ``stdout``, ``stderr`` (ask
        for at least one), ``since``, ``timestamps``, ``tail`` (beyond
        docker-py: ``demux``). Whether the output is framed follows the
        spec's ``TTY``."""
        tty = dig(self.attrs, "Spec", "TaskTemplate", "ContainerSpec", "TTY")
        kwargs.setdefault("is_tty", tty if isinstance(tty, bool) else None)
        return self.client.api.service_logs(self._require_id(), **kwargs)

    def scale(self, replicas: int) -> Any:
        """Set the number of replicas of a replicated service."""
        mode = dig(self.attrs, "Spec", "Mode") or {}
        if "Global" in mode:
            raise errors.InvalidArgument("Cannot scale a global container")
        return self._retry_out_of_sequence(lambda: self.client.api.update_service(
            self._require_id(), self._version(), mode=ServiceMode("replicated", replicas),
            fetch_current_spec=True))

    def force_update(self) -> Any:
        """Restart the service's tasks with the same spec."""
        return self.update(force_update=True, fetch_current_spec=True)


class ServiceCollection(Collection[Service]):
    """The swarm's services (``client.services``)."""

    model = Service

    def create(self, image: str, command: Any = None, **kwargs: Any) -> Service:
        """Create a service (``docker service create``).

        Keyword arguments as docker-py's: the ContainerSpec's (``args``,
        ``env``, ``hostname``, ``mounts``, ``secrets``, ``configs``,
        ``user``, ``workdir``, ``tty``, ``healthcheck``, ``container_labels``…),
        the TaskTemplate's (``networks``, ``resources``, ``restart_policy``,
        ``log_driver``, ``log_driver_options``), the Placement's
        (``constraints``, ``preferences``, ``platforms``, ``maxreplicas``)
        and the service's (``name``, ``labels``, ``mode``, ``update_config``,
        ``rollback_config``, ``endpoint_spec``).
        """
        kwargs["image"] = image
        kwargs["command"] = command
        create_kwargs = _get_create_service_kwargs("create", kwargs)
        resp = self.client.api.create_service(**create_kwargs)
        return self.get(resp["ID"])

    def get(self, service_id: str, insert_defaults: Optional[bool] = None) -> Service:
        """The service with this id or name (``insert_defaults``: fill in
        the engine's defaults)."""
        return self.prepare_model(self.client.api.inspect_service(service_id, insert_defaults))

    def list(self, **kwargs: Any) -> List[Service]:
        """The services (``filters``: ``id``, ``name``, ``label``, ``mode``;
        ``status``)."""
        return [self.prepare_model(s) for s in self.client.api.services(**kwargs)]


#: keyword arguments copied to the ContainerSpec
CONTAINER_SPEC_KWARGS = [
    "args", "cap_add", "cap_drop", "command", "configs", "dns_config", "env", "groups",
    "healthcheck", "hostname", "hosts", "image", "init", "isolation", "labels", "mounts",
    "open_stdin", "privileges", "read_only", "secrets", "stop_grace_period", "stop_signal",
    "tty", "user", "workdir", "sysctls",
]
#: keyword arguments copied to the TaskTemplate
TASK_TEMPLATE_KWARGS = ["networks", "resources", "restart_policy"]
#: keyword arguments copied to create_service / update_service
CREATE_SERVICE_KWARGS = ["name", "labels", "mode", "update_config", "rollback_config",
                         "endpoint_spec"]
#: keyword arguments copied to the Placement
PLACEMENT_KWARGS = ["constraints", "preferences", "platforms", "maxreplicas"]


def _get_create_service_kwargs(func_name: str, kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """Split ``create``/``update`` keyword arguments (consumes ``kwargs``)."""
    create_kwargs: Dict[str, Any] = {}
    for key in list(kwargs):
        if key in CREATE_SERVICE_KWARGS:
            create_kwargs[key] = kwargs.pop(key)
    container_spec_kwargs: Dict[str, Any] = {}
    for key in list(kwargs):
        if key in CONTAINER_SPEC_KWARGS:
            container_spec_kwargs[key] = kwargs.pop(key)
    task_template_kwargs: Dict[str, Any] = {}
    for key in list(kwargs):
        if key in TASK_TEMPLATE_KWARGS:
            task_template_kwargs[key] = kwargs.pop(key)
    if "container_labels" in kwargs:
        container_spec_kwargs["labels"] = kwargs.pop("container_labels")
    placement: Dict[str, Any] = {}
    for key in list(kwargs):
        if key in PLACEMENT_KWARGS:
            placement[key] = kwargs.pop(key)
    task_template_kwargs["placement"] = Placement(**placement)
    if "log_driver" in kwargs:
        task_template_kwargs["log_driver"] = {
            "Name": kwargs.pop("log_driver"),
            "Options": kwargs.pop("log_driver_options", {}),
        }
    if func_name == "update":
        if "force_update" in kwargs:
            task_template_kwargs["force_update"] = kwargs.pop("force_update")
        create_kwargs["fetch_current_spec"] = kwargs.pop("fetch_current_spec", True)
    if kwargs:
        from .containers import _unexpected_kwargs
        raise _unexpected_kwargs(func_name, kwargs)
    task_template_kwargs["container_spec"] = ContainerSpec(**container_spec_kwargs)
    create_kwargs["task_template"] = TaskTemplate(**task_template_kwargs)
    return create_kwargs
