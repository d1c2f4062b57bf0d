"""The swarm: docker-py's ``Swarm`` model (``client.swarm``)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from .. import errors
from .resource import Model, dig

from ..api import APIClient  # noqa: F401  (docker-py's module holds these)
from ..errors import APIError  # noqa: F401


class Swarm(Model):
    """The swarm the engine belongs to; ``attrs`` is ``inspect_swarm()``
    (empty when the engine is in no swarm or is not a manager)."""

    id_attribute = "ID"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """``attrs``, ``client``, ``collection`` as for :class:`Model`; with
        a client, the swarm is inspected at once."""
        super().__init__(*args, **kwargs)
        if self.client is not None:
            try:
                self.reload()
            except errors.APIError as e:
                # not in a swarm (503) / not a manager (406): attrs stays empty
                if e.status_code not in (406, 503):
                    raise

    @property
    def version(self) -> Optional[int]:
        """The swarm object's version (``Version.Index``)."""
        v = dig(self.attrs, "Version", "Index")
        return v if isinstance(v, int) else None

    def get_unlock_key(self) -> Dict[str, Any]:
        """The key that unlocks a locked manager: ``{"UnlockKey": ...}``."""
        return self.client.api.get_unlock_key()

    def init(self, advertise_addr: Optional[str] = None, listen_addr: str = "0.0.0.0:2377",
             force_new_cluster: bool = False, default_addr_pool: Optional[List[str]] = None,
             subnet_size: Optional[int] = None, data_path_addr: Optional[str] = None,
             data_path_port: Optional[int] = None, **kwargs: Any) -> str:
        """Make the engine the first manager of a new swarm; keyword
        arguments beyond these build the :class:`~clibdocker.types.SwarmSpec`
        (``name``, ``labels``, ``task_history_retention_limit``,
        ``autolock_managers``…). Returns the node id and reloads."""
        node_id = self.client.api.init_swarm(
            advertise_addr=advertise_addr, listen_addr=listen_addr,
            force_new_cluster=force_new_cluster, default_addr_pool=default_addr_pool,
            subnet_size=subnet_size, data_path_addr=data_path_addr,
            data_path_port=data_path_port,
            swarm_spec=self.client.api.create_swarm_spec(**kwargs))
        self.reload()
        return node_id

    def join(self, *args: Any, **kwargs: Any) -> bool:
        """Join a swarm: :meth:`clibdocker.APIClient.join_swarm`."""
        return self.client.api.join_swarm(*args, **kwargs)

    def leave(self, *args: Any, **kwargs: Any) -> bool:
        """Leave the swarm: :meth:`clibdocker.APIClient.leave_swarm`."""
        return self.client.api.leave_swarm(*args, **kwargs)

    def reload(self) -> None:
        """Inspect the swarm again."""
        self.attrs = self.client.api.inspect_swarm()

    def unlock(self, key: Union[str, Dict[str, Any]]) -> bool:
        """Unlock a locked manager: :meth:`clibdocker.APIClient.unlock_swarm`."""
        return self.client.api.unlock_swarm(key)

    def update(self, rotate_worker_token: bool = False, rotate_manager_token: bool = False,
               rotate_manager_unlock_key: bool = False, **kwargs: Any) -> bool:
        """Replace the swarm's spec, built from ``kwargs`` as for
        :meth:`init` (what is not given is reset to the defaults, as in
        docker-py; ``node_cert_expiry`` defaults to 90 days), and optionally
        rotate join tokens or the unlock key."""
        if kwargs.get("node_cert_expiry") is None:
            kwargs["node_cert_expiry"] = 7776000000000000
        version = self.version
        if version is None:
            raise errors.MissingVersion("the swarm has no Version.Index: the engine is in no swarm, "
                                        "or reload() it")
        return self.client.api.update_swarm(
            version=version, swarm_spec=self.client.api.create_swarm_spec(**kwargs),
            rotate_worker_token=rotate_worker_token,
            rotate_manager_token=rotate_manager_token,
            rotate_manager_unlock_key=rotate_manager_unlock_key)
