"""Plugins: docker-py's ``Plugin`` and ``PluginCollection`` (``client.plugins``)."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

from .. import errors
from .resource import Collection, Model


class Plugin(Model):
    """An installed plugin; ``attrs`` is its ``inspect_plugin`` JSON."""

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: '{self.name}'>"

    @property
    def name(self) -> Optional[str]:
        """The plugin's name (``name:tag``)."""
        n = self.attrs.get("Name")
        return n if isinstance(n, str) else None

    @property
    def enabled(self) -> Optional[bool]:
        """Whether the plugin is enabled."""
        v = self.attrs.get("Enabled")
        return v if isinstance(v, bool) else None

    @property
    def settings(self) -> Optional[Dict[str, Any]]:
        """The plugin's settings (``Env``, ``Args``, ``Mounts``, ``Devices``)."""
        v = self.attrs.get("Settings")
        return v if isinstance(v, dict) else None

    def _name(self) -> str:
        n = self.name
        if not n:
            raise errors.NullResource("this Plugin has no name")
        return n

    def configure(self, options: Dict[str, Any]) -> None:
        """Set settings (``{"KEY": "value"}``), then reload."""
        self.client.api.configure_plugin(self._name(), options)
        self.reload()

    def disable(self, force: bool = False) -> None:
        """Disable the plugin, then reload."""
        self.client.api.disable_plugin(self._name(), force)
        self.reload()

    def enable(self, timeout: int = 0) -> None:
        """Enable the plugin, then reload."""
        self.client.api.enable_plugin(self._name(), timeout)
        self.reload()

    def push(self) -> Iterator[Dict[str, Any]]:
        """Push the plugin to the registry its name names."""
        return self.client.api.push_plugin(self._name())

    def remove(self, force: bool = False) -> bool:
        """Remove the plugin."""
        return self.client.api.remove_plugin(self._name(), force=force)

    def reload(self) -> None:
        """Inspect the plugin again (by name)."""
        self.attrs = self.client.api.inspect_plugin(self._name())

    def upgrade(self, remote: Optional[str] = None) -> Iterator[Dict[str, Any]]:
        """Upgrade the (disabled) plugin to ``remote`` (default: its own
        name), granting the privileges it asks for; a generator of the
        progress messages, after which the model is reloaded."""
        if self.enabled:
            raise errors.DockerException("Plugin must be disabled before upgrading.")
        name = self._name()
        if remote is None:
            remote = name
        privileges = self.client.api.plugin_privileges(remote)
        yield from self.client.api.upgrade_plugin(name, remote, privileges)
        self.reload()


class PluginCollection(Collection[Plugin]):
    """The engine's plugins (``client.plugins``)."""

    model = Plugin

    def create(self, name: str, plugin_data_dir: str, gzip: bool = False) -> Plugin:
        """Create a plugin from a directory holding ``config.json`` and
        ``rootfs``; the (disabled) :class:`Plugin`."""
        self.client.api.create_plugin(name, plugin_data_dir, gzip)
        return self.get(name)

    def get(self, name: str) -> Plugin:
        """The plugin with this name.

        :raises NotFound: no such plugin.
        """
        return self.prepare_model(self.client.api.inspect_plugin(name))

    def install(self, remote_name: str, local_name: Optional[str] = None) -> Plugin:
        """Pull and install a plugin, granting the privileges it asks for;
        the (disabled) :class:`Plugin`."""
        privileges = self.client.api.plugin_privileges(remote_name)
        for _ in self.client.api.pull_plugin(remote_name, privileges, local_name):
            pass
        return self.get(local_name or remote_name)

    def list(self) -> List[Plugin]:
        """The installed plugins."""
        return [self.prepare_model(p) for p in self.client.api.plugins()]
