"""Plugin API methods (docker-py's ``PluginApiMixin``)."""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from .._binding import json_loads
from .. import errors
from ..utils import convert_filters
from ._base import BaseMixin
from ._progress import as_auth_error, iterate, stream_error


def _need(value: Any, what: str = "name") -> str:
    if not value or not isinstance(value, str):
        raise errors.NullResource(f"Resource ID was not provided ({what})")
    return value


def _privileges(privileges: Optional[Sequence[Mapping[str, Any]]]) -> str:
    if privileges is None:
        return "[]"
    if isinstance(privileges, (str, bytes)) or not isinstance(privileges, Sequence):
        raise TypeError("privileges must be a list of dicts (from plugin_privileges())")
    return json.dumps(list(privileges))


class PluginApiMixin(BaseMixin):

    def _plugin_stream(self, op: str, st: Any) -> Iterator[Dict[str, Any]]:
        return iterate(st, True, lambda text, log: stream_error(op, text))

    def plugins(self, filters: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """GET /plugins: the installed plugins, like ``docker plugin ls``.

        :param filters: beyond docker-py: ``enabled`` (bool) and
            ``capability`` (``"volumedriver"``, ``"authz"``, ...).
        :returns: a list of dicts, one per plugin.
        :op: PluginList
        """
        f = convert_filters(filters) if filters else None
        return json_loads(self._native.plugin_list(f))  # type: ignore[no-any-return]

    def plugin_privileges(self, name: str,
                          auth_config: Optional[Dict[str, Any]] = None
                          ) -> List[Dict[str, Any]]:
        """GET /plugins/privileges: the privileges a plugin in a registry asks
        for (``[{"Name": "network", "Value": ["host"], ...}]``); pass them
        to :meth:`pull_plugin` / :meth:`upgrade_plugin` to grant them.

        :param name: the plugin's remote reference.
        :param auth_config: beyond docker-py: credentials for its registry
            (else those kept by ``login`` or found in the docker config).
        :op: GetPluginPrivileges
        """
        _need(name)
        try:
            raw = self._native.plugin_privileges(name, self._auth_json(name, auth_config))
        except errors.APIError as e:
            raise as_auth_error(e) from None
        return json_loads(raw)  # type: ignore[no-any-return]

    def pull_plugin(self, remote: str, privileges: Optional[Sequence[Mapping[str, Any]]],
                    name: Optional[str] = None,
                    auth_config: Optional[Dict[str, Any]] = None) -> Iterator[Dict[str, Any]]:
        """POST /plugins/pull: install a plugin from a registry (disabled;
        enable it with :meth:`enable_plugin`).

        :param remote: the plugin's remote reference (``:latest`` implied).
        :param privileges: the privileges granted, as :meth:`plugin_privileges`
            returns them; they must match what the plugin asks for.
        :param name: the local name (default: ``remote``).
        :param auth_config: beyond docker-py: registry credentials.
        :returns: an iterator of the decoded progress messages. An error the
            engine reports inside the stream (e.g. ``incorrect privileges``)
            raises :class:`~clibdocker.errors.StreamError` at the end of the
            iteration (:class:`~clibdocker.errors.Unauthorized` for rejected
            credentials).
        :op: PluginPull
        """
        _need(remote, "remote")
        body = _privileges(privileges)
        try:
            st = self._native.plugin_pull(remote, name, body,
                                          self._auth_json(remote, auth_config))
        except errors.APIError as e:
            raise as_auth_error(e) from None
        return self._plugin_stream("plugin pull", st)

    def inspect_plugin(self, name: str) -> Dict[str, Any]:
        """GET /plugins/{name}/json: a plugin's details (``Enabled``,
        ``Settings``, ``Config``, ``PluginReference``, ...).

        Raises :class:`~clibdocker.errors.NotFound` for an unknown plugin.
        :op: PluginInspect
        """
        return json_loads(self._native.plugin_inspect(_need(name)))  # type: ignore[no-any-return]

    def remove_plugin(self, name: str, force: bool = False) -> bool:
        """DELETE /plugins/{name}: remove a plugin; ``force`` disables an
        enabled one first. Returns True.

        :op: PluginDelete
        """
        self._native.plugin_delete(_need(name), 1 if force else 0)
        return True

    def enable_plugin(self, name: str, timeout: int = 0) -> bool:
        """POST /plugins/{name}/enable: start a plugin and wait (up to
        ``timeout`` seconds; 0 = the engine's default) for it to answer.
        Returns True.

        :op: PluginEnable
        """
        if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 0:
            raise errors.InvalidArgument("timeout must be an int >= 0")
        self._native.plugin_enable(_need(name), timeout)
        return True

    def disable_plugin(self, name: str, force: bool = False) -> bool:
        """POST /plugins/{name}/disable: stop a plugin; ``force`` even when in
        use. Returns True.

        :op: PluginDisable
        """
        self._native.plugin_disable(_need(name), 1 if force else -1)
        return True

    def upgrade_plugin(self, name: str, remote: str,
                       privileges: Optional[Sequence[Mapping[str, Any]]],
                       auth_config: Optional[Dict[str, Any]] = None
                       ) -> Iterator[Dict[str, Any]]:
        """POST /plugins/{name}/upgrade: replace a disabled plugin with the
        version at ``remote``, keeping its name and settings.

        :param privileges: as for :meth:`pull_plugin`, from
            ``plugin_privileges(remote)``.
        :returns: an iterator of the decoded progress messages; errors as for
            :meth:`pull_plugin`.
        :op: PluginUpgrade
        """
        _need(name)
        _need(remote, "remote")
        body = _privileges(privileges)
        try:
            st = self._native.plugin_upgrade(name, remote, body,
                                             self._auth_json(remote, auth_config))
        except errors.APIError as e:
            raise as_auth_error(e) from None
        return self._plugin_stream("plugin upgrade", st)

    def create_plugin(self, name: str, plugin_data_dir: str, gzip: bool = False) -> bool:
        """POST /plugins/create: create a plugin from a directory holding
        ``config.json`` and ``rootfs/``, sent as a tar while the request runs
        (never whole in memory). Returns True.

        ``gzip=True`` is refused (:class:`~clibdocker.errors.InvalidArgument`):
        the engine reads the plugin context as a plain tar and fails on a
        compressed one ("invalid tar header"), so docker-py's option cannot
        work.
        :op: PluginCreate
        """
        _need(name)
        if gzip:
            raise errors.InvalidArgument(
                "create_plugin: gzip is not supported: the engine reads the plugin "
                "context only as an uncompressed tar")
        if not plugin_data_dir or not os.path.isdir(plugin_data_dir):
            raise errors.InvalidArgument(
                f"create_plugin: {plugin_data_dir!r} is not a directory")
        self._native.plugin_create_dir(name, os.fspath(plugin_data_dir))
        return True

    def create_plugin_from_tar(self, name: str, data: Any) -> bool:
        """Beyond docker-py: POST /plugins/create from a ready tar (bytes, a
        binary file object or an iterable of bytes chunks, streamed as read)
        holding ``config.json`` and ``rootfs/``. Returns True.

        :op: PluginCreate
        """
        _need(name)
        self._native.plugin_create(name, data)
        return True

    def push_plugin(self, name: str,
                    auth_config: Optional[Dict[str, Any]] = None) -> Iterator[Dict[str, Any]]:
        """POST /plugins/{name}/push: push a plugin to the registry its name
        names. (docker-py posts to ``/pull`` here by mistake; this is the
        real push.)

        :param auth_config: beyond docker-py: registry credentials.
        :returns: an iterator of the decoded progress messages (the digest in
            ``{"aux": {"Digest": ...}}``); errors as for :meth:`pull_plugin`.
        :op: PluginPush
        """
        _need(name)
        try:
            st = self._native.plugin_push(name, self._auth_json(name, auth_config))
        except errors.APIError as e:
            raise as_auth_error(e) from None
        return self._plugin_stream("plugin push", st)

    def configure_plugin(self, name: str,
                         options: Union[Mapping[str, Any], Sequence[str]]) -> bool:
        """POST /plugins/{name}/set: change a disabled plugin's settings.

        :param options: ``{"KEY": value}`` (sent as ``"KEY=value"``) or a
            list of ``"KEY=value"`` strings: a settable env variable,
            ``"mount.source"``, ``"device.path"`` or ``"args"``.
        Returns True.
        :op: PluginSet
        """
        _need(name)
        if isinstance(options, Mapping):
            data = [f"{k}={v}" for k, v in options.items()]
        elif isinstance(options, (str, bytes)) or not isinstance(options, Sequence):
            raise TypeError("options must be a dict or a list of 'KEY=value' strings")
        else:
            data = [str(o) for o in options]
        self._native.plugin_set(name, json.dumps(data))
        return True
