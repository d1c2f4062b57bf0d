"""Containers: docker-py's ``Container`` and ``ContainerCollection``
(``client.containers``), with ``run`` and its split of keyword arguments
between the container's config and its host config."""
from __future__ import annotations

import ntpath
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Union

from .. import errors
from ..types import HostConfig, NetworkingConfig
from .images import Image
from .resource import Collection, Model, dig

DEFAULT_DATA_CHUNK_SIZE = 1024 * 2048


class ExecResult(NamedTuple):
    """The result of :meth:`Container.exec_run`: ``exit_code`` (None when
    streaming or with a socket) and ``output`` (bytes, a ``(stdout,
    stderr)`` tuple with ``demux``, a stream, or a socket)."""

    exit_code: Optional[int]
    output: Any


class Container(Model):
    """A container; ``attrs`` is its ``inspect_container`` JSON (or, from
    ``containers.list(sparse=True)``, its entry of the list: call
    :meth:`reload` for the rest)."""

    @property
    def name(self) -> Optional[str]:
        """The container's name, without the leading ``/``."""
        n = self.attrs.get("Name")
        if isinstance(n, str):
            return n.lstrip("/")
        names = self.attrs.get("Names")  # a sparse list entry
        if isinstance(names, list) and names and isinstance(names[0], str):
            return names[0].lstrip("/")
        return None

    @property
    def image(self) -> Optional[Image]:
        """The container's :class:`Image` (fetched from the engine)."""
        image_id = self.attrs.get("ImageID") or self.attrs.get("Image")
        if not isinstance(image_id, str) or not image_id:
            return None
        return self.client.images.get(image_id)

    @property
    def labels(self) -> Dict[str, str]:
        """The container's labels (``{}`` when it has none)."""
        cfg = self.attrs.get("Config")
        if isinstance(cfg, dict):
            return cfg.get("Labels") or {}
        return self.attrs.get("Labels") or {}  # a sparse list entry

    @property
    def status(self) -> Optional[str]:
        """``created``, ``running``, ``paused``, ``restarting``, ``exited``…"""
        state = self.attrs.get("State")
        if isinstance(state, dict):
            s = state.get("Status")
            return s if isinstance(s, str) else None
        return state if isinstance(state, str) else None

    @property
    def health(self) -> str:
        """The healthcheck status (``healthy``, ``unhealthy``, ``starting``),
        ``unknown`` without a healthcheck."""
        s = dig(self.attrs, "State", "Health", "Status")
        return s if isinstance(s, str) else "unknown"

    @property
    def ports(self) -> Dict[str, Any]:
        """The published ports: ``{"80/tcp": [{"HostIp": ..., "HostPort": ...}]}``."""
        return dig(self.attrs, "NetworkSettings", "Ports") or {}

    # --- operations ----------------------------------------------------------

    def commit(self, repository: Optional[str] = None, tag: Optional[str] = None,
               **kwargs: Any) -> Image:
        """A new image from this container (``docker commit``): ``message``,
        ``author``, ``pause``, ``changes``, ``conf`` as for
        :meth:`clibdocker.APIClient.commit`."""
        resp = self.client.api.commit(self._require_id(), repository=repository, tag=tag,
                                      **kwargs)
        return self.client.images.get(resp["Id"])

    def diff(self) -> Optional[List[Dict[str, Any]]]:
        """The changes to its filesystem: ``[{"Path": ..., "Kind": 0|1|2}]``."""
        return self.client.api.diff(self._require_id())

    def kill(self, signal: Union[None, str, int] = None) -> None:
        """Send a signal (default ``SIGKILL``)."""
        return self.client.api.kill(self._require_id(), signal=signal)

    def pause(self) -> None:
        """Pause all its processes."""
        return self.client.api.pause(self._require_id())

    def unpause(self) -> None:
        """Resume its processes."""
        return self.client.api.unpause(self._require_id())

    def remove(self, **kwargs: Any) -> None:
        """Remove it: ``v`` (its anonymous volumes too), ``link``, ``force``."""
        return self.client.api.remove_container(self._require_id(), **kwargs)

    def rename(self, name: str) -> None:
        """Give it a new name."""
        return self.client.api.rename(self._require_id(), name)

    def resize(self, height: int, width: int) -> None:
        """Resize its TTY."""
        return self.client.api.resize(self._require_id(), height, width)

    def restart(self, **kwargs: Any) -> None:
        """Restart it (``timeout``: seconds before it is killed)."""
        return self.client.api.restart(self._require_id(), **kwargs)

    def start(self, **kwargs: Any) -> None:
        """Start it."""
        return self.client.api.start(self._require_id(), **kwargs)

    def stop(self, **kwargs: Any) -> None:
        """Stop it (``timeout``: seconds before it is killed)."""
        return self.client.api.stop(self._require_id(), **kwargs)

    def top(self, **kwargs: Any) -> Dict[str, Any]:
        """Its processes (``ps_args``): ``{"Titles": [...], "Processes": [...]}``."""
        return self.client.api.top(self._require_id(), **kwargs)

    def update(self, **kwargs: Any) -> Dict[str, Any]:
        """Change its resource limits or restart policy:
        :meth:`clibdocker.APIClient.update_container`'s arguments."""
        return self.client.api.update_container(self._require_id(), **kwargs)

    def wait(self, **kwargs: Any) -> Dict[str, Any]:
        """Block until it stops (``timeout``, ``condition``):
        ``{"StatusCode": int, "Error": ...}``."""
        return self.client.api.wait(self._require_id(), **kwargs)


class ContainerCollection(Collection[Container]):
    """The engine's containers (``client.containers``)."""

    model = Container

    def create(self, image: Union[str, Image], command: Any = None,
               **kwargs: Any) -> Container:
        """Create a container without starting it (``docker create``); the
        arguments of :meth:`run` except ``stdout``, ``stderr`` and ``remove``.

        :raises ImageNotFound: the image is not on the engine.
        """
        if isinstance(image, Image):
            image = image._require_id()
        kwargs["image"] = image
        kwargs["command"] = command
        kwargs["version"] = self.client.api.api_version
        create_kwargs = _create_container_args(kwargs)
        resp = self.client.api.create_container(**create_kwargs)
        return self.get(resp["Id"])

    def get(self, container_id: str) -> Container:
        """The container with this name or id.

        :raises NotFound: no such container.
        """
        return self.prepare_model(self.client.api.inspect_container(container_id))

    def list(self, all: bool = False, before: Optional[str] = None,
             filters: Optional[Dict[str, Any]] = None, limit: int = -1,
             since: Optional[str] = None, sparse: bool = False,
             ignore_removed: bool = False) -> List[Container]:
        """The containers (``docker ps``): running ones, or ``all``.

        :param filters: ``status``, ``label``, ``name``, ``ancestor``…
        :param sparse: do not inspect each one (``attrs`` is the list entry).
        :param ignore_removed: skip containers removed while listing
            (else :class:`~clibdocker.errors.NotFound`).
        """
        resp = self.client.api.containers(all=all, before=before, filters=filters,
                                          limit=limit, since=since)
        if sparse:
            return [self.prepare_model(r) for r in resp]
        out: List[Container] = []
        for r in resp:
            try:
                out.append(self.get(r["Id"]))
            except errors.NotFound:
                if not ignore_removed:
                    raise
        return out

    def prune(self, filters: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Remove stopped containers: :meth:`clibdocker.APIClient.prune_containers`."""
        return self.client.api.prune_containers(filters=filters)


#: keyword arguments of ``run``/``create`` passed to ``create_container`` as they are
RUN_CREATE_KWARGS = [
    "command", "detach", "domainname", "entrypoint", "environment", "healthcheck",
    "hostname", "image", "labels", "mac_address", "name", "network_disabled", "platform",
    "stdin_open", "stop_signal", "tty", "use_config_proxy", "user", "working_dir",
    # beyond docker-py: create_container takes it too
    "stop_timeout",
]

#: keyword arguments of ``run``/``create`` passed to the host config as they are
RUN_HOST_CONFIG_KWARGS = [
    "auto_remove", "blkio_weight_device", "blkio_weight", "cap_add", "cap_drop",
    "cgroup_parent", "cgroupns", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota",
    "cpu_shares", "cpuset_cpus", "cpuset_mems", "cpu_rt_period", "cpu_rt_runtime",
    "device_cgroup_rules", "device_read_bps", "device_read_iops", "device_write_bps",
    "device_write_iops", "devices", "device_requests", "dns_opt", "dns_search", "dns",
    "extra_hosts", "group_add", "init", "init_path", "ipc_mode", "isolation",
    "kernel_memory", "links", "log_config", "lxc_conf", "mem_limit", "mem_reservation",
    "mem_swappiness", "memswap_limit", "mounts", "nano_cpus", "network_mode",
    "oom_kill_disable", "oom_score_adj", "pid_mode", "pids_limit", "privileged",
    "publish_all_ports", "read_only", "restart_policy", "security_opt", "shm_size",
    "storage_opt", "sysctls", "tmpfs", "ulimits", "userns_mode", "uts_mode", "version",
    "volume_driver", "volumes_from", "runtime",
]


def _unexpected_kwargs(name: str, kwargs: Dict[str, Any]) -> TypeError:
    quoted = ", ".join(f"'{k}'" for k in sorted(kwargs))
    if len(kwargs) == 1:
        return TypeError(f"{name}() got an unexpected keyword argument {quoted}")
    return TypeError(f"{name}() got unexpected keyword arguments {quoted}")


def _create_container_args(kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """Split the keyword arguments of ``run``/``create`` into those of
    ``create_container`` and a ``host_config`` (consumes ``kwargs``)."""
    create_kwargs: Dict[str, Any] = {}
    for key in list(kwargs):
        if key in RUN_CREATE_KWARGS:
            create_kwargs[key] = kwargs.pop(key)
    host_config_kwargs: Dict[str, Any] = {}
    for key in list(kwargs):
        if key in RUN_HOST_CONFIG_KWARGS:
            host_config_kwargs[key] = kwargs.pop(key)

    ports = kwargs.pop("ports", {})
    if ports:
        host_config_kwargs["port_bindings"] = ports
    volumes = kwargs.pop("volumes", {})
    if volumes:
        host_config_kwargs["binds"] = volumes
    network = kwargs.pop("network", None)
    networking_config = kwargs.pop("networking_config", None)
    if network:
        if networking_config and network not in networking_config:
            networking_config = None  # it does not describe this network
        create_kwargs["networking_config"] = (
            NetworkingConfig(networking_config) if networking_config else
            NetworkingConfig({network: {}}))
        host_config_kwargs["network_mode"] = network

    if kwargs:
        raise _unexpected_kwargs("run", kwargs)

    hc = HostConfig(**host_config_kwargs)
    create_kwargs["host_config"] = hc
    port_bindings = hc.get("PortBindings")
    if port_bindings:
        create_kwargs["ports"] = [tuple(p.split("/", 1)) for p in sorted(port_bindings)]
    if volumes:
        if isinstance(volumes, dict):
            create_kwargs["volumes"] = [v.get("bind") for v in volumes.values()]
        else:
            create_kwargs["volumes"] = [_host_volume_from_bind(v) for v in volumes]
    return create_kwargs


def _host_volume_from_bind(bind: str) -> str:
    """The container path of a ``"src:dst[:mode]"`` bind."""
    drive, rest = ntpath.splitdrive(bind)
    bits = rest.split(":", 1)
    if len(bits) == 1 or bits[1] in ("ro", "rw"):
        return drive + bits[0]
    if bits[1].endswith(":ro") or bits[1].endswith(":rw"):
        return bits[1][:-3]
    return bits[1]


__all__ = ["Container", "ContainerCollection", "ExecResult", "RUN_CREATE_KWARGS",
           "RUN_HOST_CONFIG_KWARGS"]
