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

# names docker-py's module holds (programs import them from here)
from ..api import APIClient  # noqa: F401
from ..errors import ContainerError, DockerException, ImageNotFound, NotFound  # noqa: F401
from .resource import lazy_names

__getattr__ = lazy_names(__name__, {
    "version_gte": ("clibdocker.utils", "version_gte"),
    "create_unexpected_kwargs_error": ("clibdocker.errors", "create_unexpected_kwargs_error"),
})

DEFAULT_DATA_CHUNK_SIZE = 1024 * 2048

#: log drivers whose output the engine can send back (``run`` returns it)
_READABLE_LOG_DRIVERS = ("json-file", "journald", "local")


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
        # by the digest's hex, as docker-py asks (the engine's 404 for an
        # image removed since names it so)
        algo, sep, hexid = image_id.partition(":")
        return self.client.images.get(hexid.split(":")[0] if sep else image_id)

    @property
    def labels(self) -> Dict[str, str]:
        """The container's labels (``{}`` when it has none). Attributes that
        hold neither ``Config`` nor a list entry's ``Labels`` (a model made
        by hand from an id) raise DockerException asking for
        :meth:`reload`, as docker-py's do."""
        cfg = self.attrs.get("Config")
        if isinstance(cfg, dict):
            return cfg.get("Labels") or {}
        if "Labels" in self.attrs:
            return self.attrs.get("Labels") or {}  # a sparse list entry
        raise errors.DockerException(
            "Label data is not available for sparse objects. Call reload() to retrieve all "
            "information")

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


    # --- streams (logs, attach, exec, archives, stats) ---------------------------

    def attach(self, **kwargs: Any) -> Any:
        """The container's output from now on (``stdout``, ``stderr``,
        ``stream``, ``logs`` to include what it wrote before, ``demux``):
        bytes, or with ``stream=True`` an iterator of chunks.
        :meth:`logs` is a wrapper around the same data."""
        return self.client.api.attach(self._require_id(), **kwargs)

    def attach_socket(self, **kwargs: Any) -> Any:
        """A socket-like object to write the container's stdin and read its
        output (``params``: ``stdin``, ``stdout``, ``stderr``, ``stream``,
        ``logs``)."""
        return self.client.api.attach_socket(self._require_id(), **kwargs)

    def exec_run(self, cmd: Union[str, List[str]], stdout: bool = True, stderr: bool = True,
                 stdin: bool = False, tty: bool = False, privileged: bool = False,
                 user: str = "", detach: bool = False, stream: bool = False,
                 socket: bool = False, environment: Any = None,
                 workdir: Optional[str] = None, demux: bool = False) -> ExecResult:
        """Run a command in the (running) container, like ``docker exec``.

        :returns: an :class:`ExecResult` ``(exit_code, output)``: output is
            bytes, ``(stdout, stderr)`` with ``demux`` (each None when
            empty), a stream of chunks with ``stream`` (its ``exit_code``
            attribute holds the code once it is exhausted; ``exit_code`` of
            the result is None), or a socket with ``socket``.
        """
        resp = self.client.api.exec_create(
            self._require_id(), cmd, stdout=stdout, stderr=stderr, stdin=stdin, tty=tty,
            privileged=privileged, user=user, environment=environment, workdir=workdir)
        output = self.client.api.exec_start(resp["Id"], detach=detach, tty=tty, stream=stream,
                                            socket=socket, demux=demux)
        if socket or stream:
            return ExecResult(None, output)
        code = self.client.api.exec_inspect(resp["Id"]).get("ExitCode")
        return ExecResult(code if isinstance(code, int) else None, output)

    def export(self, chunk_size: Optional[int] = DEFAULT_DATA_CHUNK_SIZE) -> Any:
        """Its filesystem as a tar stream (``docker export``); iterate it
        or ``write_to(file)``."""
        return self.client.api.export(self._require_id(), chunk_size)

    def get_archive(self, path: str, chunk_size: Optional[int] = DEFAULT_DATA_CHUNK_SIZE,
                    encode_stream: bool = False) -> Any:
        """A file or directory of the container as a tar: ``(stream, stat)``."""
        return self.client.api.get_archive(self._require_id(), path, chunk_size, encode_stream)

    def put_archive(self, path: str, data: Any) -> bool:
        """Extract a tar (bytes, file object or iterable of chunks) into
        the existing directory ``path``; True on success."""
        return self.client.api.put_archive(self._require_id(), path, data)

    def logs(self, **kwargs: Any) -> Any:
        """Its output (``docker logs``): ``stdout``, ``stderr``, ``stream``,
        ``timestamps``, ``tail``, ``since``, ``follow``, ``until``
        (beyond docker-py: ``demux``). Bytes, or with ``stream=True`` an
        iterator of chunks."""
        return self.client.api.logs(self._require_id(), **kwargs)

    def stats(self, **kwargs: Any) -> Any:
        """Resource usage samples (``decode``, ``stream``, ``one_shot``)."""
        return self.client.api.stats(self._require_id(), **kwargs)


class ContainerCollection(Collection[Container]):
    """The engine's containers (``client.containers``)."""

    model = Container

    def run(self, image: Union[str, Image], command: Any = None, stdout: bool = True,
            stderr: bool = False, remove: bool = False, **kwargs: Any) -> Any:
        """Run a container, like ``docker run``: by default wait for it to
        finish and return its output (stdout; ``stderr=True`` adds stderr).

        Keyword arguments: those of :meth:`create` (``name``, ``environment``,
        ``ports``, ``volumes``, ``network``, ``mem_limit``, ``labels``,
        ``restart_policy``… — split between the container's config and its
        host config as docker-py splits them), plus ``detach`` (return the
        :class:`Container` at once), ``stream`` (return an iterator of output
        chunks instead of bytes) and ``remove`` (remove it when it is done;
        with ``detach``, the engine's ``auto_remove``). A missing image is
        pulled first.

        :returns: bytes, an iterator with ``stream``, a :class:`Container`
            with ``detach``, or None when its log driver cannot be read back.
        :raises ContainerError: it exited with a non-zero status (not with
            ``detach``); ``stderr`` holds its standard error.
        :raises ImageNotFound: the image is not on the engine and cannot be pulled.
        """
        if isinstance(image, Image):
            image = image._require_id()
        stream = kwargs.pop("stream", False)
        detach = kwargs.pop("detach", False)
        platform = kwargs.get("platform")
        if detach and remove:
            kwargs["auto_remove"] = True
        if kwargs.get("network") and kwargs.get("network_mode"):
            raise RuntimeError('The options "network" and "network_mode" can not be used '
                               'together.')
        if kwargs.get("networking_config") and not kwargs.get("network"):
            raise RuntimeError('The option "networking_config" can not be used without '
                               '"network".')
        try:
            container = self.create(image=image, command=command, detach=detach, **kwargs)
        except errors.ImageNotFound:
            self.client.images.pull(image, platform=platform)
            container = self.create(image=image, command=command, detach=detach, **kwargs)
        container.start()
        if detach:
            return container

        driver = dig(container.attrs, "HostConfig", "LogConfig", "Type")
        out: Any = None
        if driver in _READABLE_LOG_DRIVERS:
            # the TTY is known from create: the logs request goes out at once,
            # as docker-py's does, before a short-lived auto_remove container
            # is gone (no look-up first)
            out = container.logs(stdout=stdout, stderr=stderr, stream=True, follow=True,
                                 tty=bool(dig(container.attrs, "Config", "Tty")))
        try:
            exit_status = container.wait()["StatusCode"]
            data: Any = None
            if exit_status == 0 and out is not None and not stream:
                data = b"".join(out)  # all of it, before a removal
            if exit_status != 0:
                if out is not None and hasattr(out, "close"):   # a mocked api may give a list
                    out.close()
                out = None
                if not kwargs.get("auto_remove"):
                    out = container.logs(stdout=False, stderr=True)
        except BaseException:
            if out is not None and hasattr(out, "close"):
                out.close()
            raise
        if remove:
            container.remove()
        if exit_status != 0:
            raise errors.ContainerError(container, exit_status, command, image, out)
        if stream or out is None:
            return out
        return data

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
]

#: beyond docker-py: more ``create_container`` arguments ``run``/``create`` pass on
_MORE_CREATE_KWARGS = ["stop_timeout"]

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
        if key in RUN_CREATE_KWARGS or key in _MORE_CREATE_KWARGS:
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
