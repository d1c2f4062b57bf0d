"""``DockerClient``: docker-py's high-level client. It grows collections and
models as the API areas land; for now it carries the System calls."""
from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional

from . import errors
from .api.client import DEFAULT_MAX_POOL_SIZE, DEFAULT_TIMEOUT_SECONDS, APIClient
from .stream import CancellableStream


class DockerClient:
    """docker-py's ``DockerClient``: ``api`` is the low-level
    :class:`~clibdocker.APIClient`; arguments are the same."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.api = APIClient(*args, **kwargs)

    @classmethod
    def from_env(cls, version: Optional[str] = None,
                 timeout: Optional[float] = DEFAULT_TIMEOUT_SECONDS,
                 max_pool_size: int = DEFAULT_MAX_POOL_SIZE,
                 environment: Optional[Mapping[str, str]] = None,
                 use_ssh_client: bool = False,
                 credstore_env: Optional[Dict[str, str]] = None) -> "DockerClient":
        """A client configured like the docker CLI from the environment:
        ``DOCKER_HOST`` (default ``unix:///var/run/docker.sock``) and
        ``DOCKER_API_VERSION`` (else negotiated), ``DOCKER_TLS_VERIFY`` and
        ``DOCKER_CERT_PATH`` (TLS material, as docker-py reads them); and,
        beyond docker-py, the CLI's contexts: ``DOCKER_CONTEXT`` or
        config.json's ``currentContext`` (with the context's TLS files)."""
        from .context import context_from_env
        from .tls import tls_from_env
        env = os.environ if environment is None else environment
        ctx = context_from_env(env)
        if ctx is not None:      # DOCKER_CONTEXT, or config.json's currentContext
            host: Optional[str] = ctx.host
            tls = ctx.tls_config()
        else:
            tls = tls_from_env(env)  # type: ignore[arg-type]
            host = env.get("DOCKER_HOST") or None
        if version is None:
            version = env.get("DOCKER_API_VERSION") or None
        return cls(base_url=host, version=version, timeout=timeout, tls=tls or False,
                   max_pool_size=max_pool_size, use_ssh_client=use_ssh_client,
                   credstore_env=credstore_env)

    def ping(self) -> bool:
        return self.api.ping()

    def version(self, api_version: bool = True) -> Dict[str, Any]:
        return self.api.version(api_version)

    def info(self) -> Dict[str, Any]:
        return self.api.info()

    def df(self) -> Dict[str, Any]:
        return self.api.df()

    def events(self, *args: Any, **kwargs: Any) -> CancellableStream[Any]:
        return self.api.events(*args, **kwargs)

    def login(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        return self.api.login(*args, **kwargs)

    def close(self) -> None:
        self.api.close()

    def __enter__(self) -> "DockerClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


from_env = DockerClient.from_env
