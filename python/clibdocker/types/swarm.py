"""Swarm configuration (docker-py's ``docker.types.swarm``)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .. import errors
from ..errors import InvalidVersion
from ._util import version_lt
from .base import DictType


class SwarmExternalCA(DictType):
    """An external certificate authority that signs node certificates.

    :param url: where certificate signing requests are sent.
    :param protocol: ``"cfssl"``.
    :param options: protocol-specific options.
    :param ca_cert: the root CA certificate (PEM) this CA issues from.
    """

    def __init__(self, url: str, protocol: Optional[str] = None,
                 options: Optional[Dict[str, str]] = None,
                 ca_cert: Optional[str] = None) -> None:
        super().__init__()
        self["URL"] = url
        self["Protocol"] = protocol
        self["Options"] = options
        self["CACert"] = ca_cert


def _gate(version: Any, since: str, message: str) -> None:
    if isinstance(version, str) and version_lt(version, since):
        raise errors.InvalidVersion(message)


class SwarmSpec(DictType):
    """A swarm's configuration (``APIClient.create_swarm_spec()`` builds one
    for the client's API version).

    :param task_history_retention_limit: tasks kept per slot.
    :param snapshot_interval, keep_old_snapshots,
        log_entries_for_slow_followers, heartbeat_tick, election_tick: Raft.
    :param dispatcher_heartbeat_period: nanoseconds.
    :param node_cert_expiry: nanoseconds; ``external_cas`` a list of
        :class:`SwarmExternalCA`; ``signing_ca_cert`` / ``signing_ca_key``
        PEM; ``ca_force_rotate`` a counter.
    :param autolock_managers: lock the managers' data with a key
        (``get_unlock_key()``).
    :param log_driver: the tasks' default log driver (a DriverConfig).
    :param name, labels: the swarm's name ("default") and labels.
    """

    def __init__(self, version: str, task_history_retention_limit: Optional[int] = None,
                 snapshot_interval: Optional[int] = None,
                 keep_old_snapshots: Optional[int] = None,
                 log_entries_for_slow_followers: Optional[int] = None,
                 heartbeat_tick: Optional[int] = None, election_tick: Optional[int] = None,
                 dispatcher_heartbeat_period: Optional[int] = None,
                 node_cert_expiry: Optional[int] = None,
                 external_cas: Optional[List[Dict[str, Any]]] = None,
                 name: Optional[str] = None, labels: Optional[Dict[str, str]] = None,
                 signing_ca_cert: Optional[str] = None, signing_ca_key: Optional[str] = None,
                 ca_force_rotate: Optional[int] = None,
                 autolock_managers: Optional[bool] = None,
                 log_driver: Optional[Dict[str, Any]] = None) -> None:
        super().__init__()
        if task_history_retention_limit is not None:
            self["Orchestration"] = {"TaskHistoryRetentionLimit": task_history_retention_limit}
        raft = (snapshot_interval, keep_old_snapshots, log_entries_for_slow_followers,
                heartbeat_tick, election_tick)
        if any(raft):
            self["Raft"] = {"SnapshotInterval": snapshot_interval,
                            "KeepOldSnapshots": keep_old_snapshots,
                            "LogEntriesForSlowFollowers": log_entries_for_slow_followers,
                            "HeartbeatTick": heartbeat_tick, "ElectionTick": election_tick}
        if dispatcher_heartbeat_period:
            self["Dispatcher"] = {"HeartbeatPeriod": dispatcher_heartbeat_period}
        ca: Dict[str, Any] = {}
        if node_cert_expiry is not None:
            ca["NodeCertExpiry"] = node_cert_expiry
        if external_cas:
            if version_lt(version, "1.25") and len(external_cas) > 1:
                raise errors.InvalidVersion(
                    "Support for multiple external CAs is not available for API version < 1.25")
            ca["ExternalCAs"] = external_cas
        # docker-py's gates, in its words
        if signing_ca_key:
            _gate(version, "1.30", "signing_ca_key is not supported in API version < 1.30")
            ca["SigningCAKey"] = signing_ca_key
        if signing_ca_cert:
            _gate(version, "1.30", "signing_ca_cert is not supported in API version < 1.30")
            ca["SigningCACert"] = signing_ca_cert
        if ca_force_rotate is not None:
            _gate(version, "1.30", "force_rotate is not supported in API version < 1.30")
            ca["ForceRotate"] = ca_force_rotate
        if ca:
            self["CAConfig"] = ca
        if autolock_managers is not None:
            _gate(version, "1.25", "autolock_managers is not supported in API version < 1.25")
            self["EncryptionConfig"] = {"AutoLockManagers": autolock_managers}
        if log_driver is not None:
            _gate(version, "1.25", "log_driver is not supported in API version < 1.25")
            self["TaskDefaults"] = {"LogDriver": log_driver}
        if name is not None:
            self["Name"] = name
        if labels is not None:
            self["Labels"] = labels
