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


def url_id(value: "Any", what: str) -> str:
    """An id or name docker-py puts straight into the URL (no
    ``check_resource``): not a str is docker-py's ValueError from building
    the URL; an empty one, which docker-py sends and the engine answers 404
    for, is refused at once as NullResource that is also that NotFound."""
    from .. import errors
    if not isinstance(value, str):
        raise ValueError(f"Expected a string but found {value} ({type(value)}) instead")
    if not value:
        raise errors.refused_as_engine(
            errors.NullResource(f"Resource ID was not provided ({what})"), 404)
    return value


class _AuthsView(_Auths):
    """``LoginStore.auths``: the config file's entries with the kept ones
    over them; an entry set here is kept too (``auths[reg] = {...}``)."""

    def __init__(self, store: "LoginStore", data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self._store = store

    def __setitem__(self, key: str, value: Dict[str, Any]) -> None:
        super().__setitem__(key, value)
        self._store[key] = value


class LoginStore(_Auths):
    """``APIClient._auth_configs``: the credentials :meth:`login` kept,
    ``{registry: {username, password, email, serveraddress[, identitytoken]}}``.
    It reads like docker-py's ``AuthConfig`` where programs touch it:
    ``auths`` (the docker config's ``auths`` entries, as docker-py parses
    them, with these over them), ``add_auth(registry, data)`` (used by later
    pushes, pulls and builds), ``is_empty``, ``creds_store`` and
    ``cred_helpers`` (the docker config's), ``resolve_authconfig()`` and
    ``get_all_credentials()`` (the docker config's credentials, with these
    over them). The config file is read on the first look and kept until
    ``reload_config()``, as docker-py reads it when the client is made;
    calls themselves read it when they need credentials."""

    def __init__(self, owner: Optional["BaseMixin"] = None) -> None:
        super().__init__()
        self._owner = _weakref(owner) if owner is not None else None
        self._conf: Any = None

    def _config(self) -> Any:
        """The client's docker config as a :class:`clibdocker.auth.AuthConfig`
        (the file ``reload_config``/``login(dockercfg_path=)`` chose, else
        ``$DOCKER_CONFIG``), read once."""
        if self._conf is None:
            from .. import auth
            owner = self._owner() if self._owner is not None else None
            config_dir = getattr(owner, "_config_dir", None)
            path = os.path.join(config_dir, "config.json") if config_dir else None
            try:
                self._conf = auth.load_config(path, credstore_env=getattr(owner, "credstore_env", None))
            except ValueError:   # a malformed entry: calls report it when they need it
                self._conf = auth.AuthConfig({})
        return self._conf

    @property
    def auths(self) -> Dict[str, Dict[str, Any]]:
        return _AuthsView(self, {**self._config().auths, **self})

    @property
    def creds_store(self) -> Optional[str]:
        return self._config().creds_store  # type: ignore[no-any-return]

    @property
    def cred_helpers(self) -> Dict[str, str]:
        return self._config().cred_helpers  # type: ignore[no-any-return]

    @property
    def is_empty(self) -> bool:
        return not self and bool(self._config().is_empty)

    def add_auth(self, reg: str, data: Dict[str, Any]) -> None:
        self[reg] = data

    def get_all_credentials(self) -> Dict[str, Any]:
        """As docker-py's ``AuthConfig.get_all_credentials()``: the
        ``auths`` entries (those ``login()`` kept over the file's), then
        what the credential store and helpers hold (they run), by
        registry."""
        return self._merged().get_all_credentials()  # type: ignore[no-any-return]

    def _merged(self) -> Any:
        """docker-py's AuthConfig for this client: the config file's, with
        the kept entries in its ``auths``."""
        from .. import auth
        conf = self._config()
        return auth.AuthConfig({**conf, "auths": {**conf.auths, **self}},
                               getattr(conf, "_credstore_env", None))

    def resolve_authconfig(self, registry: Optional[str] = None) -> Optional[Dict[str, Any]]:
        """As docker-py's: the credentials for ``registry`` (None: Docker
        Hub) from the docker config's credential helper for it when it has
        one (the helper runs), else from ``auths`` (the kept entries over the
        file's), or None."""
        return self._merged().resolve_authconfig(registry)  # type: ignore[no-any-return]


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
