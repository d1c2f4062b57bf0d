"""docker-py's ``ContextAPI``: create, list, get, inspect, remove docker CLI
contexts and choose the current one, in the store the docker CLI reads
(``$DOCKER_CONFIG/contexts``, ``currentContext`` in config.json)."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, Optional

from .. import errors
from .config import (METAFILE, get_current_context_name, get_meta_dir,
                     write_context_name_to_docker_config)
from .context import Context


def _check_name(name: Any) -> None:
    if not name:
        raise errors.MissingContextParameter("name")
    if not isinstance(name, str):
        raise errors.InvalidArgument("context name must be a string")
    if "\0" in name:
        raise errors.InvalidArgument("context name must not contain NUL")


class ContextAPI:
    """Context management as classmethods, like the ``docker context``
    commands. ``DEFAULT_CONTEXT`` is the built-in ``default`` context (the
    local socket; never stored)."""

    DEFAULT_CONTEXT: Context = Context("default", "swarm")

    @classmethod
    def create_context(cls, name: str, orchestrator: Optional[str] = None,
                       host: Optional[str] = None, tls_cfg: Any = None,
                       default_namespace: Optional[str] = None,
                       skip_tls_verify: bool = False) -> Context:
        """Create and save context ``name`` (``docker context create``) for
        ``host`` (default: the local socket). Without ``skip_tls_verify`` a
        ``tcp://h:p`` host is stored as ``https://h:p``, as docker-py does
        (pass ``skip_tls_verify=True`` for a plain-TCP engine, or give an
        ``http://`` address). ``tls_cfg`` (a :class:`~clibdocker.tls.TLSConfig`)
        files are copied into the store.

        Raises :class:`~clibdocker.errors.MissingContextParameter` without a
        name, :class:`~clibdocker.errors.ContextException` for ``"default"``,
        :class:`~clibdocker.errors.ContextAlreadyExists` when it exists."""
        _check_name(name)
        if name == "default":
            raise errors.ContextException('"default" is a reserved context name')
        if Context.load_context(name):
            raise errors.ContextAlreadyExists(name)
        endpoint = orchestrator if orchestrator and orchestrator != "swarm" else "docker"
        ctx = Context(name, orchestrator)
        ctx.set_endpoint(endpoint, host, tls_cfg, skip_tls_verify=skip_tls_verify,
                         def_namespace=default_namespace)
        ctx.save()
        return ctx

    @classmethod
    def get_context(cls, name: Optional[str] = None) -> Optional[Context]:
        """Context ``name`` (None: config.json's ``currentContext``), the
        built-in :attr:`DEFAULT_CONTEXT` for ``"default"``, or None when no
        such context is stored."""
        if name is not None and not isinstance(name, str):
            raise errors.InvalidArgument("context name must be a string")
        if not name:
            name = get_current_context_name()
        if name == "default":
            return cls.DEFAULT_CONTEXT
        return Context.load_context(name)

    @classmethod
    def contexts(cls) -> List[Context]:
        """Every context: :attr:`DEFAULT_CONTEXT` first, then the stored ones
        (by name). An unreadable meta.json raises
        :class:`~clibdocker.errors.ContextException`."""
        import json
        names: List[str] = []
        meta_dir = get_meta_dir()
        try:
            entries = sorted(os.listdir(meta_dir))
        except FileNotFoundError:
            entries = []
        for entry in entries:
            path = os.path.join(meta_dir, entry, METAFILE)
            if not os.path.isfile(path):
                continue
            try:
                with open(path, encoding="utf-8") as f:
                    names.append(json.load(f)["Name"])
            except Exception as e:
                raise errors.ContextException(f"Failed to load metafile {METAFILE}: {e}") from e
        result: List[Context] = [cls.DEFAULT_CONTEXT]
        for name in sorted(names):
            ctx = Context.load_context(name)
            if ctx is not None:
                result.append(ctx)
        return result

    @classmethod
    def get_current_context(cls) -> Optional[Context]:
        """The context config.json's ``currentContext`` names (``default``
        when none)."""
        return cls.get_context()

    @classmethod
    def kwargs_from_context(cls, name: Optional[str] = None,
                            environment: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
        """``{"base_url": host, "tls": TLSConfig}`` for
        :class:`~clibdocker.APIClient` from context ``name`` (None:
        ``DOCKER_CONTEXT`` in ``environment`` (default ``os.environ``), then
        config.json's ``currentContext``, then ``default``); ``{}`` when the
        context does not exist or has no host; ``tls`` only when it has TLS
        material."""
        if environment is None:
            environment = os.environ
        if name is None:
            name = environment.get("DOCKER_CONTEXT")
        ctx = cls.get_context(name)
        if ctx is None or not ctx.Host:
            return {}
        params: Dict[str, Any] = {"base_url": ctx.Host}
        if ctx.TLSConfig is not None:
            params["tls"] = ctx.TLSConfig
        return params

    @classmethod
    def set_current_context(cls, name: str = "default") -> None:
        """Make ``name`` the current context (config.json's
        ``currentContext``, as ``docker context use``; ``"default"`` removes
        the key). Raises :class:`~clibdocker.errors.ContextNotFound` for an
        unknown context, :class:`~clibdocker.errors.ContextException` when
        config.json cannot be written."""
        ctx = cls.get_context(name)
        if not ctx:
            raise errors.ContextNotFound(name)
        err = write_context_name_to_docker_config(name)
        if err:
            raise errors.ContextException(f"Failed to set current context: {err}")

    @classmethod
    def remove_context(cls, name: str) -> None:
        """Remove context ``name`` (``docker context rm``); when it is the
        current one, config.json's ``currentContext`` goes too. Raises
        :class:`~clibdocker.errors.MissingContextParameter`,
        :class:`~clibdocker.errors.ContextException` for ``"default"``,
        :class:`~clibdocker.errors.ContextNotFound`."""
        _check_name(name)
        if name == "default":
            raise errors.ContextException('context "default" cannot be removed')
        ctx = Context.load_context(name)
        if not ctx:
            raise errors.ContextNotFound(name)
        if name == get_current_context_name():
            write_context_name_to_docker_config(None)
        ctx.remove()

    @classmethod
    def inspect_context(cls, name: str = "default") -> Dict[str, Any]:
        """What ``docker context inspect name`` shows (a dict). Raises
        :class:`~clibdocker.errors.MissingContextParameter`,
        :class:`~clibdocker.errors.ContextNotFound`."""
        _check_name(name)
        if name == "default":
            return cls.DEFAULT_CONTEXT()
        ctx = Context.load_context(name)
        if not ctx:
            raise errors.ContextNotFound(name)
        return ctx()
