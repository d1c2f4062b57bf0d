"""docker-py's ``docker.api.daemon``: ``DaemonApiMixin`` (ping, version,
info, df, events, login) is clibdocker's System mixin,
:class:`~clibdocker.api.system.SystemApiMixin`, which
:class:`~clibdocker.APIClient` inherits from."""
from .system import SystemApiMixin as DaemonApiMixin

__all__ = ["DaemonApiMixin"]
