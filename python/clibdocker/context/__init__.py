"""Docker CLI contexts (``docker context``), as docker-py's ``docker.context``:
:class:`ContextAPI` and :class:`Context` read and write the docker CLI's
context store (``$DOCKER_CONFIG/contexts``); ``clibdocker.context.config``
has the paths.

Beyond docker-py, :func:`get_context` / :func:`context_from_env` resolve a
context the way the C library does for ``dk_client_new_from_env()``
(``DOCKER_CONTEXT``, ``DOCKER_HOST``, config.json's ``currentContext``);
:meth:`clibdocker.DockerClient.from_env` uses them."""
from __future__ import annotations

from .. import _lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional

    from .api import ContextAPI
    from .context import Context

__all__ = ["Context", "ContextAPI", "ResolvedContext", "get_context", "context_from_env"]

# imported on first use (PEP 562): DockerClient.from_env() needs only
# context_from_env, not the context store's classes
__getattr__, __dir__ = _lazy.names(__name__, {
    "ContextAPI": (".api", "ContextAPI"), "Context": (".context", "Context"),
    "api": (".api", None), "context": (".context", None), "config": (".config", None)})


class ResolvedContext:
    """A context resolved by the C library: ``name``, ``host`` (None for
    "default": use ``DOCKER_HOST`` or the local socket), ``skip_tls_verify``
    and ``tls`` (``{"CA", "Cert", "Key"}`` file paths that exist, or None)."""

    __slots__ = ("name", "host", "skip_tls_verify", "tls")

    def __init__(self, data: Dict[str, Any]) -> None:
        self.name: str = data.get("Name") or "default"
        self.host: Optional[str] = data.get("Host")
        self.skip_tls_verify: bool = bool(data.get("SkipTLSVerify"))
        self.tls: Optional[Dict[str, str]] = data.get("TLS")

    def tls_config(self) -> Any:
        """A :class:`~clibdocker.tls.TLSConfig` for this context, or None."""
        if not self.tls or (self.host or "").startswith("unix://"):
            return None
        from ..tls import TLSConfig
        cert, key = self.tls.get("Cert"), self.tls.get("Key")
        return TLSConfig(client_cert=(cert, key) if cert and key else None,
                         ca_cert=self.tls.get("CA"), verify=not self.skip_tls_verify)

    def __repr__(self) -> str:
        return f"<ResolvedContext {self.name} host={self.host!r}>"


def get_context(name: Optional[str] = None, config_dir: Optional[str] = None) -> ResolvedContext:
    """Resolve ``name`` (None: as the docker CLI chooses from the process
    environment: ``DOCKER_CONTEXT``, ``DOCKER_HOST``, config.json's
    ``currentContext``) in ``config_dir`` (None: ``$DOCKER_CONFIG`` or
    ``~/.docker``). Unknown names raise :class:`~clibdocker.errors.NotFound`.
    (docker-py's equivalent is :meth:`ContextAPI.get_context`.)"""
    from .._binding import context_resolve_fields
    return ResolvedContext(context_resolve_fields(name, config_dir))


def context_from_env(env: Mapping[str, str]) -> Optional[ResolvedContext]:
    """The context the docker CLI would use under ``env``, or None when it
    is the default one (DOCKER_HOST / the local socket)."""
    name = env.get("DOCKER_CONTEXT") or None
    if not name and env.get("DOCKER_HOST"):
        return None
    ctx = get_context(name if name else "", env.get("DOCKER_CONFIG") or None)
    return ctx if ctx.host else None
