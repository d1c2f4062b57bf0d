"""Registry credentials, found as the docker CLI finds them.

Two layers live here:

* docker-py's ``docker.auth`` surface: :class:`AuthConfig` (a dict of the
  docker config's ``auths``, ``credsStore`` and ``credHelpers``),
  :func:`load_config`, :func:`resolve_authconfig`, :func:`get_config_header`,
  :func:`resolve_repository_name` and the small helpers, with docker-py's
  names, parameters and results. Credential helpers run through
  :class:`clibdocker.credentials.Store`.
* what clibdocker's own calls use (the work is done in C:
  ``include/clibdocker/auth.h``): :func:`auth_json_for`, :func:`all_auth_json`,
  :func:`resolve_registry`. Order for one registry: credentials given to the
  call (``auth_config``), then those kept by :meth:`APIClient.login`, then
  ``$DOCKER_CONFIG/config.json`` (default ``~/.docker/config.json``):
  ``credHelpers``, ``credsStore`` (the ``docker-credential-<name>`` helper
  protocol), ``auths``.

Secrets never appear in clibdocker's exceptions, reprs or the trace hook
(an :class:`AuthConfig`'s repr hides them).
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Mapping, Optional, Tuple, Union, overload

from . import _binding, _lazy, errors

INDEX_NAME = "docker.io"
INDEX_URL = f"https://index.{INDEX_NAME}/v1/"
TOKEN_USERNAME = "<token>"

_AUTH_KEYS = {"username", "password", "email", "serveraddress", "identitytoken",
              "registrytoken", "auth"}
_SECRET_KEYS = {"password", "Password", "identitytoken", "IdentityToken",
                "registrytoken", "RegistryToken", "auth", "Auth", "Secret"}


# docker-py's module logger, made on first use
__getattr__, __dir__ = _lazy.names(__name__, {"log": _lazy.LOGGER})


# --- docker-py's names -------------------------------------------------------

def convert_to_hostname(url: str) -> str:
    """``"https://host:5000/v1/"`` -> ``"host:5000"``: the scheme and the path
    go."""
    if not isinstance(url, str):
        raise errors.InvalidArgument("url must be a string")
    return url.replace("http://", "").replace("https://", "").split("/", 1)[0]


def resolve_index_name(index_name: str) -> str:
    """The registry host name of ``index_name`` (``index.docker.io`` is
    ``docker.io``)."""
    index_name = convert_to_hostname(index_name)
    return INDEX_NAME if index_name == f"index.{INDEX_NAME}" else index_name


def split_repo_name(repo_name: str) -> Tuple[str, str]:
    """``(registry, rest)`` of a repository name; names whose first part is
    not a host (no ``.`` or ``:``, not ``localhost``) are Docker Hub's:
    ``("docker.io", repo_name)``."""
    if not isinstance(repo_name, str):
        raise errors.InvalidArgument("repository name must be a string")
    first, sep, rest = repo_name.partition("/")
    if not sep or ("." not in first and ":" not in first and first != "localhost"):
        return INDEX_NAME, repo_name
    return first, rest


def resolve_repository_name(repo_name: str) -> Tuple[str, str]:
    """``(index name, remote name)`` of a repository name, e.g.
    ``("127.0.0.1:5000", "team/app")``, ``("docker.io", "busybox")``.
    :class:`~clibdocker.errors.InvalidRepository` for a name with a scheme or
    an index name that begins or ends with ``-``."""
    if not isinstance(repo_name, str):
        raise errors.InvalidArgument("repository name must be a string")
    if "://" in repo_name:
        raise errors.InvalidRepository(
            f"Repository name cannot contain a scheme ({repo_name})")
    index_name, remote_name = split_repo_name(repo_name)
    if index_name.startswith("-") or index_name.endswith("-"):
        raise errors.InvalidRepository(
            f"Invalid index name ({index_name}). Cannot begin or end with a hyphen.")
    return resolve_index_name(index_name), remote_name


def decode_auth(auth: Union[str, bytes]) -> Tuple[str, str]:
    """``(username, password)`` from a config ``auth`` value
    (base64 of ``user:password``). Malformed values raise
    :class:`~clibdocker.errors.InvalidArgument` (a ValueError)."""
    import base64
    import binascii
    if isinstance(auth, str):
        try:
            auth = auth.encode("ascii")
        except UnicodeEncodeError:
            raise errors.InvalidArgument("auth value is not base64") from None
    if not isinstance(auth, bytes):
        raise errors.InvalidArgument("auth must be a string")
    try:
        raw = base64.b64decode(auth)
    except binascii.Error:
        raise errors.InvalidArgument("auth value is not base64") from None
    login, sep, pwd = raw.partition(b":")
    if not sep:
        raise errors.InvalidArgument("auth value is not base64 of 'user:password'")
    try:
        return login.decode("utf8"), pwd.decode("utf8")
    except UnicodeDecodeError:
        raise errors.InvalidArgument("auth value is not UTF-8 'user:password'") from None


@overload
def encode_header(auth: Mapping[str, Any]) -> bytes: ...
@overload
def encode_header(auth: str) -> str: ...


def encode_header(auth: Union[Mapping[str, Any], str]) -> Union[bytes, str]:
    """The ``X-Registry-Auth`` value for ``auth``: with a dict (docker-py's
    use), base64url of its JSON as bytes; with a str (clibdocker's earlier
    form: AuthConfig JSON text), the header value as str."""
    if isinstance(auth, str):
        return _binding.auth_encode(auth)
    if not isinstance(auth, Mapping):
        raise errors.InvalidArgument("auth must be a dict")
    import base64
    return base64.urlsafe_b64encode(json.dumps(dict(auth)).encode("ascii"))


def _legacy_config(config_file: str) -> Dict[str, Any]:
    """``~/.dockercfg`` in its oldest form (``auth = ...`` and ``email = ...``
    lines), or {}."""
    try:
        with open(config_file, encoding="utf-8") as f:
            values = [line.strip().split(" = ", 1)[1] for line in f if " = " in line]
        if len(values) < 2:
            return {}
        username, password = decode_auth(values[0])
    except (OSError, ValueError, IndexError):
        return {}
    return {"auths": {INDEX_NAME: {"username": username, "password": password,
                                   "email": values[1], "serveraddress": INDEX_URL}}}


def _find_config_file(config_path: Optional[str] = None) -> Optional[str]:
    home = os.path.expanduser("~")
    env = os.environ.get("DOCKER_CONFIG")
    for path in (config_path, os.path.join(env, "config.json") if env else None,
                 os.path.join(home, ".docker", "config.json"), os.path.join(home, ".dockercfg")):
        if path and os.path.exists(path):
            return path
    return None


class AuthConfig(dict):  # type: ignore[type-arg]
    """The credential part of a docker config: ``{"auths": {registry:
    {username, password, email, serveraddress} | {"IdentityToken"} | {}},
    "credsStore": name, "credHelpers": {registry: name}}`` (docker-py's
    ``docker.auth.AuthConfig``). ``credstore_env`` is added to the
    environment of the credential helpers it runs."""

    def __init__(self, dct: Mapping[str, Any],
                 credstore_env: Optional[Mapping[str, str]] = None) -> None:
        if not isinstance(dct, Mapping):
            raise errors.InvalidArgument("auth config must be a dict")
        super().__init__(dct)
        if "auths" not in self:
            self["auths"] = {}
        self._credstore_env = credstore_env
        self._stores: Dict[str, Any] = {}

    def __repr__(self) -> str:
        def hide(v: Any) -> Any:
            if isinstance(v, Mapping):
                return {k: ("***" if k in _SECRET_KEYS and x else hide(x)) for k, x in v.items()}
            return v
        return f"AuthConfig({hide(dict(self))!r})"

    @classmethod
    def parse_auth(cls, entries: Mapping[str, Any],
                   raise_on_error: bool = False) -> Dict[str, Dict[str, Any]]:
        """``{registry: credentials}`` from a config's ``auths`` entries:
        ``{"IdentityToken": ...}`` for an ``identitytoken``, ``{}`` for an
        entry without ``auth`` (a credential store keeps it), else
        ``{username, password, email, serveraddress}``. An entry that is not a
        dict raises :class:`~clibdocker.errors.InvalidConfigFile` with
        ``raise_on_error``, else the whole result is ``{}``."""
        if not isinstance(entries, Mapping):
            if raise_on_error:
                raise errors.InvalidConfigFile("Invalid configuration: auths is not an object")
            return {}
        conf: Dict[str, Dict[str, Any]] = {}
        for registry, entry in entries.items():
            if not isinstance(entry, dict):
                if raise_on_error:
                    raise errors.InvalidConfigFile(
                        f"Invalid configuration for registry {registry}")
                return {}
            if "identitytoken" in entry:
                conf[registry] = {"IdentityToken": entry["identitytoken"]}
                continue
            if "auth" not in entry:
                conf[registry] = {}
                continue
            username, password = decode_auth(entry["auth"])
            conf[registry] = {"username": username, "password": password,
                              "email": entry.get("email"), "serveraddress": registry}
        return conf

    @classmethod
    def load_config(cls, config_path: Optional[str], config_dict: Optional[Mapping[str, Any]],
                    credstore_env: Optional[Mapping[str, str]] = None) -> "AuthConfig":
        """An AuthConfig from ``config_dict``, else from the first config file
        found: ``config_path``, ``$DOCKER_CONFIG/config.json``,
        ``~/.docker/config.json``, ``~/.dockercfg`` (none: an empty one). A
        file without ``auths``/``credsStore``/``credHelpers`` is read as a
        bare ``auths`` object (the old format)."""
        if config_path is not None and not isinstance(config_path, str):
            raise errors.InvalidArgument("config_path must be a string")
        if config_dict is not None and not isinstance(config_dict, Mapping):
            raise errors.InvalidArgument("config_dict must be a dict")
        if not config_dict:
            config_file = _find_config_file(config_path)
            if not config_file:
                return cls({}, credstore_env)
            try:
                with open(config_file, encoding="utf-8") as f:
                    loaded = json.load(f)
            except (OSError, ValueError):
                return cls(_legacy_config(config_file), credstore_env)
            if not isinstance(loaded, dict):
                return cls({}, credstore_env)
            config_dict = loaded
        res: Dict[str, Any] = {}
        if config_dict.get("auths"):
            res["auths"] = cls.parse_auth(config_dict["auths"], raise_on_error=True)
        if config_dict.get("credsStore"):
            res["credsStore"] = config_dict["credsStore"]
        if config_dict.get("credHelpers"):
            res["credHelpers"] = config_dict["credHelpers"]
        if res:
            return cls(res, credstore_env)
        return cls({"auths": cls.parse_auth(config_dict)}, credstore_env)

    @property
    def auths(self) -> Dict[str, Any]:
        return self.get("auths", {})  # type: ignore[no-any-return]

    @property
    def creds_store(self) -> Optional[str]:
        return self.get("credsStore", None)

    @property
    def cred_helpers(self) -> Dict[str, str]:
        return self.get("credHelpers", {})  # type: ignore[no-any-return]

    @property
    def is_empty(self) -> bool:
        return not self.auths and not self.creds_store and not self.cred_helpers

    def resolve_authconfig(self, registry: Optional[str] = None) -> Optional[Dict[str, Any]]:
        """The credentials for ``registry`` (None: Docker Hub): from its
        credential helper or the credential store when one is configured
        and has them (``{"ServerAddress", "Username", "Password"}`` or
        ``{"ServerAddress", "IdentityToken"}``), else the ``auths`` entry
        whose host name matches; None when there is none. A failing helper
        raises :class:`~clibdocker.errors.DockerException`."""
        if registry is not None and not isinstance(registry, str):
            raise errors.InvalidArgument("registry must be a string")
        if self.creds_store or self.cred_helpers:
            store_name = self.get_credential_store(registry)
            if store_name is not None:
                cfg = self._resolve_authconfig_credstore(registry, store_name)
                if cfg is not None:
                    return cfg
        registry = resolve_index_name(registry) if registry else INDEX_NAME
        auths = self.auths
        if registry in auths:
            return auths[registry]  # type: ignore[no-any-return]
        for key, conf in auths.items():
            if resolve_index_name(key) == registry:
                return conf  # type: ignore[no-any-return]
        return None

    def _resolve_authconfig_credstore(self, registry: Optional[str],
                                      credstore_name: str) -> Optional[Dict[str, Any]]:
        from . import credentials
        if not registry or registry == INDEX_NAME:
            registry = INDEX_URL     # helpers know Docker Hub by its full URL
        store = self._get_store_instance(credstore_name)
        try:
            data = store.get(registry)
        except credentials.CredentialsNotFound:
            return None
        except credentials.StoreError as e:
            raise errors.DockerException(f"Credentials store error: {e!r}") from e
        res: Dict[str, Any] = {"ServerAddress": registry}
        if data.get("Username") == TOKEN_USERNAME:
            res["IdentityToken"] = data.get("Secret")
        else:
            res.update({"Username": data.get("Username"), "Password": data.get("Secret")})
        return res

    def _get_store_instance(self, name: str) -> Any:
        if name not in self._stores:
            from .credentials import Store
            self._stores[name] = Store(name, environment=self._credstore_env)
        return self._stores[name]

    def get_credential_store(self, registry: Optional[str]) -> Optional[str]:
        """The helper name for ``registry`` (None or ``docker.io``: Docker
        Hub's URL): its ``credHelpers`` entry, else ``credsStore``."""
        if not registry or registry == INDEX_NAME:
            registry = INDEX_URL
        return self.cred_helpers.get(registry) or self.creds_store

    def get_all_credentials(self) -> Dict[str, Any]:
        """Every credential known: the ``auths`` entries, everything the
        credential store lists, then each ``credHelpers`` registry (these
        win); store entries also under their host name."""
        auth_data: Dict[str, Any] = dict(self.auths)
        if self.creds_store:
            store = self._get_store_instance(self.creds_store)
            for key in store.list():
                auth_data[key] = self._resolve_authconfig_credstore(key, self.creds_store)
                auth_data[convert_to_hostname(key)] = auth_data[key]
        for reg, store_name in self.cred_helpers.items():
            auth_data[reg] = self._resolve_authconfig_credstore(reg, store_name)
            auth_data[convert_to_hostname(reg)] = auth_data[reg]
        return auth_data

    def add_auth(self, reg: str, data: Dict[str, Any]) -> None:
        """Keep ``data`` as the ``auths`` entry of ``reg``."""
        self["auths"][reg] = data


def parse_auth(entries: Mapping[str, Any], raise_on_error: bool = False) -> Dict[str, Any]:
    """:meth:`AuthConfig.parse_auth`."""
    return AuthConfig.parse_auth(entries, raise_on_error)


def load_config(config_path: Optional[str] = None,
                config_dict: Optional[Mapping[str, Any]] = None,
                credstore_env: Optional[Mapping[str, str]] = None) -> AuthConfig:
    """:meth:`AuthConfig.load_config`."""
    return AuthConfig.load_config(config_path, config_dict, credstore_env)


def get_credential_store(authconfig: Mapping[str, Any], registry: Optional[str]) -> Optional[str]:
    """:meth:`AuthConfig.get_credential_store` of ``authconfig`` (a dict is
    taken as an AuthConfig)."""
    if not isinstance(authconfig, AuthConfig):
        authconfig = AuthConfig(authconfig)
    return authconfig.get_credential_store(registry)


def resolve_authconfig(authconfig: Mapping[str, Any], registry: Optional[str] = None,
                       credstore_env: Optional[Mapping[str, str]] = None
                       ) -> Optional[Dict[str, Any]]:
    """:meth:`AuthConfig.resolve_authconfig` of ``authconfig`` (a dict is
    taken as an AuthConfig with ``credstore_env``)."""
    if not isinstance(authconfig, AuthConfig):
        authconfig = AuthConfig(authconfig, credstore_env)
    return authconfig.resolve_authconfig(registry)


def get_config_header(client: Any, registry: Optional[str]) -> Optional[bytes]:
    """The ``X-Registry-Auth`` value (bytes, as :func:`encode_header`) that
    ``client`` would send to ``registry``, or None when it has no
    credentials for it. Read from the client's docker config (the one
    :meth:`~clibdocker.APIClient.reload_config` chose, else
    ``$DOCKER_CONFIG``) with the credentials kept by
    :meth:`~clibdocker.APIClient.login` added to its ``auths``; credential
    helpers run with the client's ``credstore_env``. A client whose
    ``_auth_configs`` is an :class:`AuthConfig` (docker-py's client state) is
    read as docker-py does."""
    kept = getattr(client, "_auth_configs", None)
    env = getattr(client, "credstore_env", None)
    if isinstance(kept, AuthConfig):
        if kept.is_empty:
            kept = load_config(credstore_env=env)
            client._auth_configs = kept
        authcfg = resolve_authconfig(kept, registry, credstore_env=env)
    else:
        config_dir = getattr(client, "_config_dir", None)
        path = os.path.join(config_dir, "config.json") if config_dir else None
        conf = load_config(path, credstore_env=env)
        for key, value in (kept or {}).items():
            conf.add_auth(key, dict(value))
        authcfg = conf.resolve_authconfig(registry)
    return encode_header(authcfg) if authcfg else None


# --- what clibdocker's calls use ---------------------------------------------

def resolve_registry(reference: str) -> str:
    """The registry of an image reference or registry address
    (``"127.0.0.1:5000"``; Docker Hub is ``"https://index.docker.io/v1/"``)."""
    return _binding.auth_registry_of(reference)


def _check_config(auth_config: Mapping[str, Any]) -> Dict[str, Any]:
    if not isinstance(auth_config, Mapping):
        raise errors.InvalidArgument("auth_config must be a dict")
    # the engine reads these keys case-insensitively (docker-py's credential
    # store results use "Username", "Password", "ServerAddress", "IdentityToken")
    unknown = {k for k in auth_config if not isinstance(k, str) or k.lower() not in _AUTH_KEYS}
    if unknown:
        raise errors.InvalidArgument(
            f"auth_config has unknown keys: {', '.join(sorted(map(str, unknown)))}")
    return {k: v for k, v in auth_config.items() if v is not None}


def auth_json_for(kept: Mapping[str, Mapping[str, Any]], reference: str,
                  auth_config: Optional[Mapping[str, Any]] = None,
                  config_dir: Optional[str] = None,
                  helper_env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The AuthConfig JSON to send for ``reference``, or None."""
    if auth_config is not None:
        return json.dumps(_check_config(auth_config))
    registry = resolve_registry(reference)
    for key, conf in kept.items():
        if key == registry or resolve_registry(key) == registry:
            return json.dumps(dict(conf))
    found = _binding.auth_lookup(config_dir, reference, helper_env)
    return found.decode() if found is not None else None


def all_auth_json(kept: Mapping[str, Mapping[str, Any]],
                  config_dir: Optional[str] = None,
                  helper_env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The X-Registry-Config JSON ({registry: AuthConfig}) for builds, or None
    when nothing is configured."""
    configs: Dict[str, Any] = json.loads(_binding.auth_lookup_all(config_dir, helper_env))
    for key, conf in kept.items():
        configs[resolve_registry(key)] = dict(conf)
    return json.dumps(configs) if configs else None
