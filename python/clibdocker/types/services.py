"""Mount, RestartPolicy and DriverConfig (docker-py's
``docker.types.services`` types that containers also use)."""
from __future__ import annotations

from typing import Any, Dict, Optional

from .. import errors
from ._util import parse_bytes

_MOUNT_TYPES = ("bind", "volume", "tmpfs", "npipe", "cluster", "image")


class DriverConfig(dict):  # type: ignore[type-arg]
    """A volume (or log/secret) driver and its options: ``{"Name", "Options"}``."""

    def __init__(self, name: str, options: Optional[Dict[str, str]] = None) -> None:
        super().__init__()
        self["Name"] = name
        if options:
            self["Options"] = options


class Mount(dict):  # type: ignore[type-arg]
    """A mount for ``HostConfig(mounts=[...])`` (and services).

    :param target: the path in the container.
    :param source: a host path (bind), a volume name (volume; None for an
        anonymous volume), None for tmpfs.
    :param type: ``"volume"`` (default), ``"bind"``, ``"tmpfs"``,
        ``"npipe"``, ``"cluster"`` or ``"image"``.
    :param read_only, consistency: as in the API.
    :param propagation: bind only: ``"rprivate"``, ``"shared"``…
    :param no_copy, labels, driver_config: volume only.
    :param tmpfs_size (bytes or ``"64m"``), tmpfs_mode (int): tmpfs only.

    Beyond docker-py (the API's other options): ``non_recursive``,
    ``create_mountpoint``, ``read_only_non_recursive``,
    ``read_only_force_recursive`` (bind); ``subpath`` (volume, API >= 1.45).
    """

    def __init__(self, target: str, source: Optional[str], type: str = "volume",
                 read_only: bool = False, consistency: Optional[str] = None,
                 propagation: Optional[str] = None, no_copy: bool = False,
                 labels: Optional[Dict[str, str]] = None,
                 driver_config: Optional[Dict[str, Any]] = None,
                 tmpfs_size: Any = None, tmpfs_mode: Optional[int] = None, *,
                 non_recursive: Optional[bool] = None,
                 create_mountpoint: Optional[bool] = None,
                 read_only_non_recursive: Optional[bool] = None,
                 read_only_force_recursive: Optional[bool] = None,
                 subpath: Optional[str] = None) -> None:
        super().__init__()
        if not target:
            raise errors.InvalidArgument("Mount: target is required")
        if type not in _MOUNT_TYPES:
            raise errors.InvalidArgument(f'Unsupported mount type: "{type}"')
        self["Target"] = target
        self["Source"] = source
        self["Type"] = type
        self["ReadOnly"] = read_only
        if consistency:
            self["Consistency"] = consistency
        bind_extra = any(x is not None for x in (non_recursive, create_mountpoint,
                                                  read_only_non_recursive,
                                                  read_only_force_recursive))
        if type == "bind":
            if any([labels, driver_config, no_copy, tmpfs_size, tmpfs_mode, subpath]):
                raise errors.InvalidArgument(
                    "Incompatible options have been provided for the bind type mount.")
            opts: Dict[str, Any] = {}
            if propagation is not None:
                opts["Propagation"] = propagation
            for key, val in (("NonRecursive", non_recursive),
                             ("CreateMountpoint", create_mountpoint),
                             ("ReadOnlyNonRecursive", read_only_non_recursive),
                             ("ReadOnlyForceRecursive", read_only_force_recursive)):
                if val is not None:
                    opts[key] = val
            if opts:
                self["BindOptions"] = opts
        elif type == "volume":
            if any([propagation, tmpfs_size, tmpfs_mode]) or bind_extra:
                raise errors.InvalidArgument(
                    "Incompatible options have been provided for the volume type mount.")
            vopts: Dict[str, Any] = {}
            if no_copy:
                vopts["NoCopy"] = True
            if labels:
                vopts["Labels"] = labels
            if driver_config:
                vopts["DriverConfig"] = driver_config
            if subpath:
                vopts["Subpath"] = subpath
            if vopts:
                self["VolumeOptions"] = vopts
        elif type == "tmpfs":
            if any([propagation, labels, driver_config, no_copy, subpath]) or bind_extra:
                raise errors.InvalidArgument(
                    "Incompatible options have been provided for the tmpfs type mount.")
            topts: Dict[str, Any] = {}
            if tmpfs_mode:
                if not isinstance(tmpfs_mode, int):
                    raise errors.InvalidArgument("tmpfs_mode must be an integer")
                topts["Mode"] = tmpfs_mode
            if tmpfs_size:
                topts["SizeBytes"] = parse_bytes(tmpfs_size)
            if topts:
                self["TmpfsOptions"] = topts

    @classmethod
    def parse_mount_string(cls, string: str) -> "Mount":
        """``"src:dst[:ro|rw]"`` or ``"dst"``: a bind when src is absolute,
        else a volume."""
        parts = string.split(":")
        if len(parts) > 3:
            raise errors.InvalidArgument(f'Invalid mount format "{string}"')
        if len(parts) == 1:
            return cls(target=parts[0], source=None)
        source, target = parts[0], parts[1]
        mount_type = "bind" if source.startswith("/") else "volume"
        read_only = not (len(parts) == 2 or parts[2] == "rw")
        return cls(target, source, read_only=read_only, type=mount_type)


class RestartConditionTypesEnum:
    _values = ("none", "on-failure", "any")
    NONE, ON_FAILURE, ANY = _values


class RestartPolicy(dict):  # type: ignore[type-arg]
    """A swarm service task's restart policy (docker-py's
    ``docker.types.RestartPolicy``): ``Condition``, ``Delay``,
    ``MaxAttempts``, ``Window``. A container's restart policy is a plain dict
    ``{"Name": "on-failure", "MaximumRetryCount": 3}`` given to
    ``HostConfig(restart_policy=...)``."""

    condition_types = RestartConditionTypesEnum

    def __init__(self, condition: str = RestartConditionTypesEnum.NONE, delay: int = 0,
                 max_attempts: int = 0, window: int = 0) -> None:
        super().__init__()
        if condition not in self.condition_types._values:
            raise TypeError(f"Invalid RestartPolicy condition {condition}")
        self["Condition"] = condition
        self["Delay"] = delay
        self["MaxAttempts"] = max_attempts
        self["Window"] = window
