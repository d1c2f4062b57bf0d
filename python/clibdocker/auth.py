"""Registry credentials for pushes, pulls and builds, found as the docker CLI
finds them (the work is done in C: ``include/clibdocker/auth.h``).

Order for one registry: credentials given to the call (``auth_config``), then
those kept by :meth:`APIClient.login`, then ``$DOCKER_CONFIG/config.json``
(default ``~/.docker/config.json``): ``credHelpers``, ``credsStore`` (the
``docker-credential-<name>`` helper protocol), ``auths``. Secrets never
appear in exceptions, reprs or the trace hook.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional

from . import _binding, errors

INDEX_NAME = "docker.io"
INDEX_URL = "https://index.docker.io/v1/"

_AUTH_KEYS = {"username", "password", "email", "serveraddress", "identitytoken",
              "registrytoken", "auth"}


def resolve_registry(reference: str) -> str:
    """The registry of an image reference or registry address
    (``"127.0.0.1:5000"``; Docker Hub is ``"https://index.docker.io/v1/"``)."""
    return _binding.auth_registry_of(reference)


def resolve_repository_name(repo_name: str) -> "tuple[str, str]":
    """docker-py's ``(registry, name)`` split."""
    registry = resolve_registry(repo_name)
    if registry == INDEX_URL:
        return INDEX_NAME, repo_name
    return registry, repo_name.split("/", 1)[1] if "/" in repo_name else repo_name


def _check_config(auth_config: Mapping[str, Any]) -> Dict[str, Any]:
    if not isinstance(auth_config, Mapping):
        raise errors.InvalidArgument("auth_config must be a dict")
    unknown = set(auth_config) - _AUTH_KEYS
    if unknown:
        raise errors.InvalidArgument(
            f"auth_config has unknown keys: {', '.join(sorted(unknown))}")
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


def encode_header(auth_json: str) -> str:
    """The base64url X-Registry-Auth value for AuthConfig JSON."""
    return _binding.auth_encode(auth_json)
