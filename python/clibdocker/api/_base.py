"""What every API mixin can rely on."""
from __future__ import annotations

import os
from _weakref import ref as _weakref  # weakref.ref, without importing weakref

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping, Optional

    from .._binding import Client

    _Auths = Dict[str, Dict[str, Any]]
else:
    _Auths = dict   # subclassing typing.Dict[...] would import typing at run time


class LoginStore(_Auths):
    """``APIClient._auth_configs``: the credentials :meth:`login` kept,
    ``{registry: {username, password, email, serveraddress[, identitytoken]}}``.
    It reads like docker-py's ``AuthConfig`` where programs touch it:
    ``auths`` (these entries), ``add_auth(registry, data)`` (used by later
    pushes, pulls and builds), ``is_empty``, ``creds_store`` and
    ``cred_helpers`` (None / ``{}``: credential helpers come from the docker
    config, which clibdocker reads when a call needs credentials), and
    ``get_all_credentials()`` (the docker config's credentials, with these
    over them)."""

    def __init__(self, owner: Optional["BaseMixin"] = None) -> None:
        super().__init__()
        self._owner = _weakref(owner) if owner is not None else None

    @property
    def auths(self) -> Dict[str, Dict[str, Any]]:
        return self

    @property
    def creds_store(self) -> Optional[str]:
        return None

    @property
    def cred_helpers(self) -> Dict[str, str]:
        return {}

    @property
    def is_empty(self) -> bool:
        return not self

    def add_auth(self, reg: str, data: Dict[str, Any]) -> None:
        self[reg] = data

    def get_all_credentials(self) -> Dict[str, Any]:
        """As docker-py's ``AuthConfig.get_all_credentials()``: every
        credential of the client's docker config (the file
        ``reload_config``/``login(dockercfg_path=)`` chose, else
        ``$DOCKER_CONFIG``; credential helpers run), then the entries
        ``login()`` kept, by registry."""
        from .. import auth
        owner = self._owner() if self._owner is not None else None
        config_dir = getattr(owner, "_config_dir", None)
        path = os.path.join(config_dir, "config.json") if config_dir else None
        conf = auth.load_config(path, credstore_env=getattr(owner, "credstore_env", None))
        out = conf.get_all_credentials()
        for key, value in self.items():
            entry: Dict[str, Any] = dict.fromkeys(("username", "password", "email", "serveraddress"))
            entry.update(value)
            out[key] = entry
        return out

    def resolve_authconfig(self, registry: Optional[str] = None) -> Optional[Dict[str, Any]]:
        """The kept entry for ``registry`` (None: Docker Hub), or None."""
        from .. import auth
        want = auth.resolve_registry(registry or "docker.io")
        for key, conf in self.items():
            if key == registry or auth.resolve_registry(key) == want:
                return conf
        return None


class BaseMixin:
    _native: Client
    _auth_configs: Dict[str, Dict[str, Any]]
    _config_dir: Optional[str]           # set by reload_config(path); None: $DOCKER_CONFIG
    credstore_env: Optional[Dict[str, str]]

    def _auth_json(self, reference: str,
                   auth_config: Optional[Mapping[str, Any]] = None) -> Optional[str]:
        """The AuthConfig JSON for ``reference``: ``auth_config``, else a
        login's, else the docker config (credential helpers run with
        ``credstore_env``)."""
        from .. import auth  # not at module level: start-up time
        return auth.auth_json_for(self._auth_configs, reference, auth_config,
                                  self._config_dir, self.credstore_env)

    def _all_auth_json(self) -> Optional[str]:
        """X-Registry-Config JSON for builds: every credential known."""
        from .. import auth
        return auth.all_auth_json(self._auth_configs, self._config_dir, self.credstore_env)
