"""One docker CLI context (docker-py's ``docker.context.Context``): a name,
its endpoints (``{"docker": {"Host": ..., "SkipTLSVerify": ...}}``) and the
TLS material kept for them, as stored under ``$DOCKER_CONFIG/contexts``."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional

from .. import errors
from ..errors import ContextException
from ..tls import TLSConfig as _TLSConfig
from .config import get_context_host, get_meta_dir, get_meta_file, get_tls_dir

# docker-py's module has these names (its imports); the Context class has a
# TLSConfig property, so the class is kept as _TLSConfig inside
TLSConfig = _TLSConfig

# the names the docker CLI gives a context's TLS files (contexts/tls/<id>/<endpoint>/)
_TLS_FILES = (("ca", "ca.pem"), ("cert", "cert.pem"), ("key", "key.pem"))


def _default_endpoint(orchestrator: Optional[str]) -> str:
    return "docker" if not orchestrator or orchestrator == "swarm" else orchestrator


class Context:
    """A docker CLI context.

    :param name: the context's name (required).
    :param orchestrator: docker-py's ``StackOrchestrator`` (``"swarm"`` or
        None: the endpoint is ``"docker"``; anything else names the endpoint).
    :param host: the engine address for the default endpoint when
        ``endpoints`` is not given (normalised by :func:`get_context_host`).
    :param endpoints: ``{"docker": {"Host": ..., "SkipTLSVerify": ...}, ...}``
        as in meta.json; a docker endpoint without ``Host`` gets ``host``.
    :param tls: whether the engine speaks TLS (``SkipTLSVerify`` is its
        negation when not given, as in docker-py).

    A Context lives in memory until :meth:`save`; :meth:`load_context` reads
    one from the store. Calling it (or :meth:`inspect`) gives what
    ``docker context inspect`` shows.
    """

    def __init__(self, name: str, orchestrator: Optional[str] = None,
                 host: Optional[str] = None, endpoints: Optional[Dict[str, Any]] = None,
                 tls: bool = False) -> None:
        if not name:
            raise errors.MissingContextParameter("name")
        if not isinstance(name, str):
            raise errors.InvalidArgument("context name must be a string")
        if orchestrator is not None and not isinstance(orchestrator, str):
            raise errors.InvalidArgument("orchestrator must be a string")
        if endpoints is not None and not isinstance(endpoints, dict):
            raise ContextException(f"Unknown endpoint format for context {name}: "
                                          f"{endpoints!r}")
        self.name = name
        self.context_type: Optional[str] = None
        self.orchestrator = orchestrator
        self.endpoints: Dict[str, Dict[str, Any]] = {}
        self.tls_cfg: Dict[str, Any] = {}
        self.meta_path = "IN MEMORY"
        self.tls_path = "IN MEMORY"
        if not endpoints:
            self.endpoints[_default_endpoint(orchestrator)] = {
                "Host": get_context_host(host, tls), "SkipTLSVerify": not tls}
            return
        for key, value in endpoints.items():
            if not isinstance(value, dict):
                raise ContextException(
                    f"Unknown endpoint format for context {name}: {value}")
            self.endpoints[key] = value
            if key == "docker":
                if "Host" not in value:
                    value["Host"] = get_context_host(host, tls)
                value["SkipTLSVerify"] = bool(value.get("SkipTLSVerify", not tls))

    def set_endpoint(self, name: str = "docker", host: Optional[str] = None,
                     tls_cfg: Any = None, skip_tls_verify: bool = False,
                     def_namespace: Optional[str] = None) -> None:
        """Set endpoint ``name``: ``host`` (normalised for TLS unless
        ``skip_tls_verify``: ``tcp://h:p`` becomes ``https://h:p``, as in
        docker-py), ``tls_cfg`` (a :class:`~clibdocker.tls.TLSConfig` whose
        files :meth:`save` copies into the store) and ``def_namespace``."""
        if not name or not isinstance(name, str):
            raise errors.InvalidArgument("endpoint name must be a non-empty string")
        if tls_cfg is not None and not (hasattr(tls_cfg, "ca_cert") and hasattr(tls_cfg, "cert")):
            raise errors.InvalidArgument("tls_cfg must be a TLSConfig")
        endpoint: Dict[str, Any] = {"Host": get_context_host(host, not skip_tls_verify),
                                    "SkipTLSVerify": bool(skip_tls_verify)}
        if def_namespace:
            endpoint["DefaultNamespace"] = def_namespace
        self.endpoints[name] = endpoint
        if tls_cfg:
            self.tls_cfg[name] = tls_cfg

    def inspect(self) -> Dict[str, Any]:
        """What ``docker context inspect`` shows for it (see :meth:`__call__`)."""
        return self.__call__()

    @classmethod
    def load_context(cls, name: str) -> Optional["Context"]:
        """The stored context ``name``, or None when there is none. A
        meta.json that cannot be read raises
        :class:`~clibdocker.errors.ContextException`."""
        meta = cls._load_meta(name)
        if meta is None:
            return None
        metadata = meta.get("Metadata")
        if not isinstance(metadata, dict):
            metadata = {}
        instance = cls(meta.get("Name") or name,
                       orchestrator=metadata.get("StackOrchestrator"),
                       endpoints=meta.get("Endpoints") or None)
        instance.context_type = metadata.get("Type")
        instance._load_certs()
        instance.meta_path = get_meta_dir(name)
        return instance

    @classmethod
    def _load_meta(cls, name: str) -> Optional[Dict[str, Any]]:
        if not name or not isinstance(name, str):
            raise errors.InvalidArgument("context name must be a non-empty string")
        path = get_meta_file(name)
        if not os.path.isfile(path):
            return None
        import json
        try:
            with open(path, encoding="utf-8") as f:
                meta = json.load(f)
        except (OSError, ValueError) as e:
            raise ContextException(
                f"Detected corrupted meta file for context {name} : {e}") from e
        if not isinstance(meta, dict) or not isinstance(meta.get("Endpoints", {}), dict):
            raise ContextException(
                f"Detected corrupted meta file for context {name} : not a context")
        for key, value in (meta.get("Endpoints") or {}).items():
            if key == "docker" and isinstance(value, dict):
                value.setdefault("Host", get_context_host(None, False))
                value["SkipTLSVerify"] = bool(value.get("SkipTLSVerify", True))
        return meta

    def _load_certs(self) -> None:
        certs: Dict[str, Any] = {}
        tls_dir = get_tls_dir(self.name)
        for endpoint in self.endpoints:
            d = os.path.join(tls_dir, endpoint)
            if not os.path.isdir(d):
                continue
            found: Dict[str, str] = {}
            for filename in sorted(os.listdir(d)):
                for kind, _ in _TLS_FILES:
                    if filename.startswith(kind) and kind not in found:
                        found[kind] = os.path.join(d, filename)
            ca, cert, key = found.get("ca"), found.get("cert"), found.get("key")
            if not (ca or (cert and key)):
                continue
            skip = bool(self.endpoints[endpoint].get("SkipTLSVerify", False))
            # docker-py leaves verify None for a non-docker endpoint
            verify: Optional[bool] = (not skip) if endpoint == "docker" else None
            certs[endpoint] = _TLSConfig(client_cert=(cert, key) if cert and key else None,
                                        ca_cert=ca, verify=verify)
        self.tls_cfg = certs
        self.tls_path = tls_dir

    def save(self) -> None:
        """Write the context into the store: meta.json and each endpoint's TLS
        files (as ``ca.pem``, ``cert.pem``, ``key.pem``, the names the docker
        CLI uses; the key readable by its owner only)."""
        import json
        import shutil
        meta_dir = get_meta_dir(self.name)
        os.makedirs(meta_dir, exist_ok=True)
        tmp = get_meta_file(self.name) + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(self.Metadata))
        os.replace(tmp, get_meta_file(self.name))
        tls_dir = get_tls_dir(self.name)
        for endpoint, tls in self.tls_cfg.items():
            d = os.path.join(tls_dir, endpoint)
            os.makedirs(d, mode=0o700, exist_ok=True)
            cert = getattr(tls, "cert", None)
            sources = {"ca": getattr(tls, "ca_cert", None),
                       "cert": cert[0] if cert else None, "key": cert[1] if cert else None}
            for kind, filename in _TLS_FILES:
                src, dst = sources[kind], os.path.join(d, filename)
                if not src:
                    continue
                if os.path.abspath(src) != os.path.abspath(dst):
                    shutil.copyfile(src, dst)
                os.chmod(dst, 0o600 if kind == "key" else 0o644)
        self.meta_path = get_meta_dir(self.name)
        self.tls_path = get_tls_dir(self.name)

    def remove(self) -> None:
        """Delete the context's metadata and TLS directories from the store."""
        import shutil
        for path in (self.meta_path, self.tls_path):
            if os.path.isdir(path):
                shutil.rmtree(path)

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: '{self.name}'>"

    def __str__(self) -> str:
        import json
        return json.dumps(self.__call__(), indent=2)

    def __call__(self) -> Dict[str, Any]:
        """``{"Name", "Metadata", "Endpoints", "TLSMaterial", "Storage"}``."""
        result = self.Metadata
        result.update(self.TLSMaterial)
        result.update(self.Storage)
        return result

    def is_docker_host(self) -> bool:
        """True unless meta.json gives the context a ``Type``."""
        return self.context_type is None

    @property
    def Name(self) -> str:
        return self.name

    @property
    def Host(self) -> Optional[str]:
        """The engine address of the context's endpoint, or None."""
        endpoint = self.endpoints.get(_default_endpoint(self.orchestrator))
        host = endpoint.get("Host") if endpoint else None
        return host if isinstance(host, str) or host is None else str(host)

    @property
    def Orchestrator(self) -> Optional[str]:
        return self.orchestrator

    @property
    def Metadata(self) -> Dict[str, Any]:
        """meta.json's contents: ``{"Name", "Metadata", "Endpoints"}``."""
        meta = {"StackOrchestrator": self.orchestrator} if self.orchestrator else {}
        return {"Name": self.name, "Metadata": meta, "Endpoints": self.endpoints}

    @property
    def TLSConfig(self) -> Any:
        """The :class:`~clibdocker.tls.TLSConfig` of the context's endpoint,
        or None."""
        return self.tls_cfg.get(_default_endpoint(self.orchestrator))

    @property
    def TLSMaterial(self) -> Dict[str, Any]:
        """``{"TLSMaterial": {endpoint: [file names]}}``."""
        certs: Dict[str, List[str]] = {}
        for endpoint, tls in self.tls_cfg.items():
            cert = getattr(tls, "cert", None) or (None, None)
            certs[endpoint] = [os.path.basename(p) for p in
                               (getattr(tls, "ca_cert", None), cert[0], cert[1]) if p]
        return {"TLSMaterial": certs}

    @property
    def Storage(self) -> Dict[str, Any]:
        """``{"Storage": {"MetadataPath", "TLSPath"}}`` (``"IN MEMORY"`` until
        saved or loaded)."""
        return {"Storage": {"MetadataPath": self.meta_path, "TLSPath": self.tls_path}}
