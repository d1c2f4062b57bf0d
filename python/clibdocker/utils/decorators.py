"""Method decorators for API clients (docker-py's ``docker.utils.decorators``)."""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from .. import errors

__all__ = ["check_resource", "minimum_version", "update_headers"]

F = TypeVar("F", bound=Callable[..., Any])


def check_resource(resource_name: str) -> Callable[[F], F]:
    """The method's first argument (or keyword ``resource_name``) is a
    resource id, or a dict with ``Id``/``ID`` whose id is passed instead;
    a missing or empty id raises NullResource before the call."""
    def decorator(f: F) -> F:
        @functools.wraps(f)
        def wrapped(self: Any, resource_id: Any = None, *args: Any, **kwargs: Any) -> Any:
            if resource_id is None and kwargs.get(resource_name):
                resource_id = kwargs.pop(resource_name)
            if isinstance(resource_id, dict):
                resource_id = resource_id.get("Id", resource_id.get("ID"))
            if not resource_id:
                raise errors.NullResource("Resource ID was not provided")
            return f(self, resource_id, *args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return decorator


def _client_version(client: Any) -> Any:
    version = getattr(client, "_version", None)
    if version is None:
        version = getattr(client, "api_version", None)
    return version


def minimum_version(version: str) -> Callable[[F], F]:
    """The method needs API ``version`` or newer: on an older client
    (``self._version``, else ``self.api_version``) it raises InvalidVersion."""
    def decorator(f: F) -> F:
        @functools.wraps(f)
        def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
            from .utils import version_lt
            current = _client_version(self)
            if current is not None and version_lt(current, version):
                raise errors.InvalidVersion(
                    f"{f.__name__} is not available for version < {version}")
            return f(self, *args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return decorator


def update_headers(f: F) -> F:
    """Adds the config file's ``HttpHeaders`` (``self._general_configs``) to
    the call's ``headers`` keyword (they win over the caller's). A client
    without ``_general_configs`` passes the call through unchanged."""
    @functools.wraps(f)
    def inner(self: Any, *args: Any, **kwargs: Any) -> Any:
        configs = getattr(self, "_general_configs", None) or {}
        extra = configs.get("HttpHeaders")
        if "HttpHeaders" in configs:
            if not kwargs.get("headers"):
                kwargs["headers"] = extra
            else:
                kwargs["headers"].update(extra)
        return f(self, *args, **kwargs)
    return inner  # type: ignore[return-value]
