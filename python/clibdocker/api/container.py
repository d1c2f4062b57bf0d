"""Container API methods, non-streaming part (docker-py's
``ContainerApiMixin``): list, create, inspect, top, diff, resize, start,
stop, restart, kill, update, rename, pause, unpause, wait, remove, archive
stat and prune."""
from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Union

from .._binding import json_loads
from .. import _lazy, errors
if TYPE_CHECKING:  # imported on first use: clibdocker.types costs start-up
    from ..types import ContainerConfig, EndpointConfig, HostConfig, NetworkingConfig
from ..utils import convert_filters, filters_dict
from .container_io import DEFAULT_DATA_CHUNK_SIZE, ContainerIOMixin

ContainerRef = Union[str, Mapping[str, Any]]


def _check_name(op: str, name: Any) -> None:
    """The engine's container name rule (``/?[a-zA-Z0-9][a-zA-Z0-9_.-]+``),
    checked before the request; the refusal is also the ``APIError`` 400
    docker-py gets from the engine."""
    import re
    if not isinstance(name, str) or not re.fullmatch(r"/?[a-zA-Z0-9][a-zA-Z0-9_.-]+", name):
        raise errors.refused_as_engine(errors.InvalidArgument(
            f"{op}: invalid container name {name!r}: only [a-zA-Z0-9][a-zA-Z0-9_.-]+ is allowed"), 400)


def _cid(container: ContainerRef) -> str:
    """A container id/name from a string or an object with ``Id``/``ID``
    (as docker-py's ``check_resource`` takes it)."""
    if isinstance(container, Mapping):
        container = container.get("Id") or container.get("ID") or ""
    if not container:
        raise errors.NullResource("Resource ID was not provided")
    if not isinstance(container, str):
        # docker-py's words where it builds the URL (a ValueError)
        raise ValueError(f"Expected a string but found {container} ({type(container)}) instead")
    return container


def _timeout_s(name: str, value: Optional[int]) -> int:
    """Seconds for stop/restart: None -> -1 (the engine's default)."""
    if value is None:
        return -1
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise errors.InvalidArgument(f"{name} must be a number of seconds >= 0, not {value!r}")
    return int(value)


def _kill_signal(value: Any) -> Optional[str]:
    """kill()'s signal as docker-py sends it: a string as it is (an empty one
    is no signal, so the engine's default SIGKILL, as the engine reads
    docker-py's ``signal=``), anything else through ``int()`` (an enum
    member, ``12.0``, ``True``; ``int()``'s own error otherwise, before any
    request, as docker-py)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    return str(int(value))


def _signal(value: Union[None, str, int]) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bool):
        raise errors.InvalidArgument("a signal must be a name or a number")
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str) or not value:
        raise errors.InvalidArgument(f"a signal must be a name or a number, not {value!r}")
    return value


class ContainerApiMixin(ContainerIOMixin):
    """docker-py's ``ContainerApiMixin``: the container operations; the
    streaming ones (logs, attach, export, stats, archives) are inherited
    from :class:`~clibdocker.api.container_io.ContainerIOMixin`."""

    # --- list, create, inspect -------------------------------------------------

    def containers(self, quiet: bool = False, all: bool = False, trunc: bool = False,
                   latest: bool = False, since: Optional[str] = None,
                   before: Optional[str] = None, limit: Optional[int] = -1, size: bool = False,
                   filters: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """GET /containers/json: list containers.

        :param quiet: only the ``Id`` of each.
        :param all: also stopped ones (default: running only).
        :param trunc: truncate ids to 12 characters.
        :param latest: only the most recently created one.
        :param since, before: accepted as in docker-py, whose legacy query
            parameters the engine ignores, so they change nothing; use
            ``filters={"since": id}`` / ``{"before": id}`` to filter.
        :param limit: at most this many (-1: all).
        :param size: add ``SizeRw`` / ``SizeRootFs``.
        :param filters: ``exited``, ``status``, ``label``, ``id``, ``name``,
            ``ancestor``, ``before``, ``since``, ``volume``, ``network``,
            ``health``, ``isolation``, ``publish``, ``expose``, ``is-task``.
        :op: ContainerList
        """
        # since/before: docker-py sends them as the legacy query parameters
        # of the same names, which engines ignore (20.10 and 26.1 list every
        # container); the same results here: they are not sent
        del since, before
        f: Dict[str, Any] = filters_dict(filters)
        if limit is None:
            limit = -1
        if isinstance(limit, str) and limit.isascii() and limit.lstrip("-").isdigit():
            limit = int(limit)  # docker-py sends "1" as it is; the engine reads a number
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise errors.InvalidArgument(f"limit must be an int, not {limit!r}")
        n = 1 if latest else limit
        res: List[Dict[str, Any]] = json_loads(self._native.container_list(
            all, n if n >= 0 else -1, size,
            convert_filters(f) if f else None))
        if quiet:
            return [{"Id": x["Id"]} for x in res]
        if trunc:
            for x in res:
                x["Id"] = x["Id"][:12]
        return res

    def create_container(self, image: str, command: Any = None, hostname: Optional[str] = None,
                         user: Any = None, detach: bool = False, stdin_open: bool = False,
                         tty: bool = False, ports: Any = None, environment: Any = None,
                         volumes: Any = None, network_disabled: bool = False,
                         name: Optional[str] = None, entrypoint: Any = None,
                         working_dir: Optional[str] = None, domainname: Optional[str] = None,
                         host_config: Optional[Dict[str, Any]] = None,
                         mac_address: Optional[str] = None, labels: Any = None,
                         stop_signal: Optional[str] = None,
                         networking_config: Optional[Dict[str, Any]] = None,
                         healthcheck: Optional[Dict[str, Any]] = None,
                         stop_timeout: Optional[int] = None, runtime: Optional[str] = None,
                         use_config_proxy: bool = True, platform: Optional[str] = None,
                         *, shell: Optional[List[str]] = None,
                         on_build: Optional[List[str]] = None,
                         args_escaped: Optional[bool] = None) -> Dict[str, Any]:
        """POST /containers/create: create a container (not started).

        Arguments as docker-py's: ``host_config`` from
        :meth:`create_host_config`, ``networking_config`` from
        :meth:`create_networking_config`, ``healthcheck`` a
        :class:`~clibdocker.types.Healthcheck` or dict, ``environment`` a dict
        or ``["K=V"]``, ``ports`` the exposed ports, ``volumes`` anonymous
        volume paths. ``platform`` (``"linux/amd64"``) needs API 1.41.
        ``use_config_proxy`` (default True, as docker-py) puts the proxy
        variables of the docker CLI config (``proxies`` for this host, else
        ``default``) before ``environment``; the caller's own values win.
        Beyond docker-py: ``shell``, ``on_build``, ``args_escaped``; any other
        field can be sent with :meth:`create_container_from_config`.

        :returns: ``{"Id": ..., "Warnings": [...]}``.
        :raises ImageNotFound: the image is not on the engine (nothing is pulled).
        :raises Conflict: the name is in use.
        :op: ContainerCreate
        """
        if isinstance(volumes, str):
            volumes = [volumes]
        if isinstance(environment, dict):
            from ..types._util import format_environment
            environment = format_environment(environment)
        if use_config_proxy:
            # as docker-py: the docker CLI config's proxies go first, so the
            # caller's own variables win
            if environment and not isinstance(environment, list):
                # docker-py prepends the (maybe empty) proxy list with +
                raise TypeError(f'can only concatenate list (not "{type(environment).__name__}") to list')
            proxies = getattr(self, "_proxy_configs", None)
            if proxies:
                environment = proxies.inject_proxy_environment(environment) or None
        config = self.create_container_config(
            image, command, hostname, user, detach, stdin_open, tty, ports, environment,
            volumes, network_disabled, entrypoint, working_dir, domainname, host_config,
            mac_address, labels, stop_signal, networking_config, healthcheck, stop_timeout,
            runtime, shell=shell, on_build=on_build, args_escaped=args_escaped)
        return self.create_container_from_config(config, name, platform)

    def create_container_config(self, *args: Any, **kwargs: Any) -> ContainerConfig:
        """A :class:`~clibdocker.types.ContainerConfig` for this client's API version."""
        from ..types import ContainerConfig
        return ContainerConfig(self._native.api_version(), *args, **kwargs)

    def create_container_from_config(self, config: Mapping[str, Any], name: Optional[str] = None,
                                     platform: Optional[str] = None) -> Dict[str, Any]:
        """POST /containers/create with a complete body (ContainerConfig
        fields plus ``HostConfig`` and ``NetworkingConfig``), sent as given.

        :op: ContainerCreate
        """
        if not isinstance(config, Mapping):
            raise errors.InvalidArgument("the container configuration must be a dict")
        image = config.get("Image")
        if not isinstance(image, str) or not image:
            # docker-py sends it; the engine answers 400
            raise errors.refused_as_engine(
                errors.InvalidArgument("create_container: an image is required"), 400)
        if name is not None:
            _check_name("ContainerCreate", name)
        from ..types._util import version_lt
        if platform and version_lt(self._native.api_version(), "1.41"):
            # docker-py's words (the gate would say it in clibdocker's)
            raise errors.InvalidVersion("platform is not supported for API version < 1.41")
        body = json.dumps(config)
        return json_loads(self._native.container_create(name, platform, body))  # type: ignore[no-any-return]

    def create_host_config(self, *args: Any, **kwargs: Any) -> HostConfig:
        """A :class:`~clibdocker.types.HostConfig` for this client's API
        version (docker-py's arguments: ``binds``, ``port_bindings``,
        ``restart_policy``, ``mem_limit``, ``mounts``…)."""
        if "version" in kwargs:
            raise TypeError("create_host_config() got an unexpected keyword argument 'version'")
        kwargs["version"] = self._native.api_version()
        from ..types import HostConfig
        return HostConfig(*args, **kwargs)

    def create_networking_config(self, *args: Any, **kwargs: Any) -> NetworkingConfig:
        """A :class:`~clibdocker.types.NetworkingConfig`:
        ``create_networking_config({"net": create_endpoint_config(aliases=[...])})``."""
        from ..types import NetworkingConfig
        return NetworkingConfig(*args, **kwargs)

    def create_endpoint_config(self, *args: Any, **kwargs: Any) -> EndpointConfig:
        """An :class:`~clibdocker.types.EndpointConfig` for this client's API version."""
        from ..types import EndpointConfig
        return EndpointConfig(self._native.api_version(), *args, **kwargs)

    def commit(self, container: Any, repository: Optional[str] = None,
               tag: Optional[str] = None, message: Optional[str] = None,
               author: Optional[str] = None, pause: bool = True,
               changes: Union[None, str, Sequence[str]] = None,
               conf: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """POST /commit: a new image from a container's changes (docker-py
        has it here, in ``ContainerApiMixin``; the implementation is
        :meth:`clibdocker.api.image.ImageApiMixin.commit`).

        :param changes: Dockerfile instructions, a string or a list.
        :param conf: a container config for the image.
        :returns: ``{"Id": ...}``.
        :op: ImageCommit
        """
        from .image import ImageApiMixin
        return ImageApiMixin.commit(self, _cid(container), repository,  # type: ignore[arg-type]
                                    tag, message, author, pause, changes, conf)

    def inspect_container(self, container: ContainerRef, size: bool = False) -> Dict[str, Any]:
        """GET /containers/{id}/json: the container's full description.

        :param size: beyond docker-py: add ``SizeRw`` and ``SizeRootFs``.
        :raises NotFound: no such container.
        :op: ContainerInspect
        """
        return json_loads(self._native.container_inspect(_cid(container), size))  # type: ignore[no-any-return]

    def port(self, container: ContainerRef, private_port: Union[int, str]
             ) -> Optional[List[Dict[str, str]]]:
        """The host bindings of a container port (``80``, ``"53/udp"``), from
        inspect: ``[{"HostIp": ..., "HostPort": ...}]`` or None."""
        info = self.inspect_container(container)
        ports = (info.get("NetworkSettings") or {}).get("Ports")
        if ports is None:
            return None
        key = str(private_port)
        if "/" in key:
            return ports.get(key)  # type: ignore[no-any-return]
        for proto in ("tcp", "udp", "sctp"):
            found = ports.get(f"{key}/{proto}")
            if found:
                return found  # type: ignore[no-any-return]
        return None

    def top(self, container: ContainerRef, ps_args: Optional[str] = None) -> Dict[str, Any]:
        """GET /containers/{id}/top: the processes running in it.

        :param ps_args: arguments for ``ps`` (default ``-ef``).
        :returns: ``{"Titles": [...], "Processes": [[...], ...]}``.
        :op: ContainerTop
        """
        return json_loads(self._native.container_top(_cid(container), ps_args))  # type: ignore[no-any-return]

    def diff(self, container: ContainerRef) -> Optional[List[Dict[str, Any]]]:
        """GET /containers/{id}/changes: filesystem changes,
        ``[{"Path": ..., "Kind": 0|1|2}]`` (modified, added, deleted) or None.

        :op: ContainerChanges
        """
        return json_loads(self._native.container_changes(_cid(container)))  # type: ignore[no-any-return]

    # --- lifecycle ---------------------------------------------------------------

    def resize(self, container: ContainerRef, height: int, width: int) -> None:
        """POST /containers/{id}/resize: resize its TTY.

        :op: ContainerResize
        """
        size = []
        for n, v in (("height", height), ("width", width)):
            if isinstance(v, str) and v.isascii() and v.isdigit():
                v = int(v)  # docker-py sends "30" as it is; the engine reads a number
            size.append(v)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                # docker-py sends it; the engine answers 400
                raise errors.refused_as_engine(
                    errors.InvalidArgument(f"{n} must be an int >= 0, not {v!r}"), 400)
        self._native.container_resize(_cid(container), size[0], size[1])

    def start(self, container: ContainerRef, *args: Any, **kwargs: Any) -> None:
        """POST /containers/{id}/start.

        Configuration belongs in :meth:`create_container` (any other argument
        raises :class:`~clibdocker.errors.DeprecatedMethod`, as in
        docker-py); beyond docker-py, ``detach_keys="ctrl-p,ctrl-q"`` is
        accepted.
        :op: ContainerStart
        """
        detach_keys = kwargs.pop("detach_keys", None)
        if args or kwargs:
            raise errors.DeprecatedMethod(
                "Providing configuration in the start() method is no longer supported. "
                "Use the host_config param in create_container instead.")
        self._native.container_start(_cid(container), detach_keys)

    def stop(self, container: ContainerRef, timeout: Optional[int] = None,
             signal: Union[None, str, int] = None) -> None:
        """POST /containers/{id}/stop.

        :param timeout: seconds to wait before killing it (default: the
            container's StopTimeout, 10 s). The call's own timeout grows by it.
        :param signal: beyond docker-py: the signal to send first (API 1.42,
            else :class:`~clibdocker.errors.InvalidVersion`).
        :op: ContainerStop
        """
        self._native.container_stop(_cid(container), _timeout_s("timeout", timeout),
                                    _signal(signal))

    def restart(self, container: ContainerRef, timeout: Optional[int] = 10,
                signal: Union[None, str, int] = None) -> None:
        """POST /containers/{id}/restart.

        :param timeout: seconds to wait for it to stop before killing it.
        :param signal: beyond docker-py: the stop signal (API 1.42).
        :op: ContainerRestart
        """
        self._native.container_restart(_cid(container), _timeout_s("timeout", timeout),
                                       _signal(signal))

    def kill(self, container: ContainerRef, signal: Union[None, str, int] = None) -> None:
        """POST /containers/{id}/kill: send a signal (default SIGKILL).

        :raises Conflict: it is not running.
        :op: ContainerKill
        """
        self._native.container_kill(_cid(container), _kill_signal(signal))

    def update_container(self, container: ContainerRef, blkio_weight: Optional[int] = None,
                         cpu_period: Optional[int] = None, cpu_quota: Optional[int] = None,
                         cpu_shares: Optional[int] = None, cpuset_cpus: Optional[str] = None,
                         cpuset_mems: Optional[str] = None, mem_limit: Any = None,
                         mem_reservation: Any = None, memswap_limit: Any = None,
                         kernel_memory: Any = None,
                         restart_policy: Optional[Dict[str, Any]] = None, *,
                         pids_limit: Optional[int] = None, nano_cpus: Optional[int] = None,
                         resources: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """POST /containers/{id}/update: change resources and restart policy.

        Beyond docker-py: ``pids_limit``, ``nano_cpus`` and ``resources``, a
        dict of any other Resources fields in the API's names
        (``{"CpuRealtimeRuntime": 0}``).
        :returns: ``{"Warnings": [...]}``.
        :op: ContainerUpdate
        """
        data: Dict[str, Any] = dict(resources or {})
        for key, val in (("BlkioWeight", blkio_weight), ("CpuPeriod", cpu_period),
                         ("CpuShares", cpu_shares), ("CpuQuota", cpu_quota),
                         ("CpusetCpus", cpuset_cpus), ("CpusetMems", cpuset_mems),
                         ("PidsLimit", pids_limit), ("NanoCpus", nano_cpus)):
            if val:
                data[key] = val
        for key, val in (("Memory", mem_limit), ("MemoryReservation", mem_reservation),
                         ("MemorySwap", memswap_limit), ("KernelMemory", kernel_memory)):
            if val:
                from ..types._util import parse_bytes
                data[key] = parse_bytes(val)
        if restart_policy:
            if not isinstance(restart_policy, dict):
                # docker-py sends it; the engine answers 500 (a JSON type error)
                raise errors.refused_as_engine(
                    errors.InvalidArgument("restart_policy must be a dict"), 500)
            data["RestartPolicy"] = restart_policy
        return json_loads(self._native.container_update(_cid(container), json.dumps(data)))  # type: ignore[no-any-return]

    def rename(self, container: ContainerRef, name: str) -> None:
        """POST /containers/{id}/rename.

        :raises Conflict: the name is in use.
        :op: ContainerRename
        """
        if not isinstance(name, str) or not name:
            # docker-py sends it; the engine answers 400 with these words
            raise errors.refused_as_engine(
                errors.InvalidArgument("Neither old nor new names may be empty"), 400)
        _check_name("ContainerRename", name)
        self._native.container_rename(_cid(container), name)

    def pause(self, container: ContainerRef) -> None:
        """POST /containers/{id}/pause: freeze all its processes.

        :op: ContainerPause
        """
        self._native.container_pause(_cid(container))

    def unpause(self, container: ContainerRef) -> None:
        """POST /containers/{id}/unpause.

        :op: ContainerUnpause
        """
        self._native.container_unpause(_cid(container))

    def wait(self, container: ContainerRef, timeout: Optional[float] = None,
             condition: Optional[str] = None) -> Dict[str, Any]:
        """POST /containers/{id}/wait: block until the container stops.

        :param timeout: seconds; when they pass
            :class:`~clibdocker.errors.DockerTimeout` (a ``TimeoutError``) is
            raised and the client stays usable. None: wait as long as it takes.
        :param condition: ``"not-running"`` (default), ``"next-exit"`` or
            ``"removed"``; another is refused before the request as the
            ``APIError`` 400 newer engines answer.
        :returns: the engine's answer, as docker-py returns it:
            ``{"StatusCode": int, "Error": None | {"Message": str}}`` (engines
            of API >= 1.4x leave ``Error`` out when there is none).
        :op: ContainerWait
        """
        if timeout is None:
            ms = 0
        elif isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise errors.InvalidArgument(f"timeout must be seconds > 0 or None, not {timeout!r}")
        else:
            ms = max(1, int(math.ceil(timeout * 1000)))
        if condition is not None and condition not in ("not-running", "next-exit", "removed"):
            # docker-py sends it; engines >= 25 answer 400 with these words
            # (20.10 waits as for "not-running")
            raise errors.refused_as_engine(errors.InvalidArgument(
                f"invalid condition: {json.dumps(str(condition))}"), 400)
        res: Dict[str, Any] = json_loads(
            self._native.container_wait(_cid(container), condition, ms))
        return res

    def remove_container(self, container: ContainerRef, v: bool = False, link: bool = False,
                         force: bool = False) -> None:
        """DELETE /containers/{id}.

        :param v: also remove its anonymous volumes.
        :param link: remove the legacy link ``"/container/alias"`` instead.
        :param force: kill it first if it is running.
        :raises Conflict: it is running and ``force`` is False.
        :op: ContainerDelete
        """
        self._native.container_delete(_cid(container), v, force, link)

    def stat_archive(self, container: ContainerRef, path: str) -> Dict[str, Any]:
        """HEAD /containers/{id}/archive: stat a path in the container
        (beyond docker-py, whose ``get_archive`` returns the same dict as its
        second value).

        :returns: ``{"name", "size", "mode", "mtime", "linkTarget"}``, the
            decoded ``X-Docker-Container-Path-Stat`` header.
        :raises NotFound: no such container, or no such path in it.
        :op: ContainerArchiveInfo
        """
        if not isinstance(path, str) or not path:
            raise errors.InvalidArgument("stat_archive: a path is required")
        return json_loads(self._native.container_archive_info(_cid(container), path))  # type: ignore[no-any-return]

    def prune_containers(self, filters: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """POST /containers/prune: remove stopped containers.

        :param filters: ``until`` (``"10m"``, a timestamp) and ``label``
            (``"k"``, ``"k=v"``, ``"label!=..."``).
        :returns: ``{"ContainersDeleted": [...] | None, "SpaceReclaimed": int}``.
        :op: ContainerPrune
        """
        return json_loads(self._native.container_prune(  # type: ignore[no-any-return]
            convert_filters(filters) if filters else None))


_TYPES = ("CancellableStream", "ContainerConfig", "EndpointConfig", "HostConfig",
          "NetworkingConfig")


# the clibdocker.types names docker-py's module binds here, imported on
# first use (start-up time)
__getattr__, __dir__ = _lazy.names(__name__, {name: ("..types", name) for name in _TYPES})
