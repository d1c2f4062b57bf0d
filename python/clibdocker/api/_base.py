"""What every API mixin can rely on."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from .._binding import Client


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
