"""Proxy settings from the Docker config file (docker-py's ``docker.utils.proxy``).

``~/.docker/config.json`` may hold ``"proxies": {"default": {"httpProxy": ...,
"httpsProxy": ..., "ftpProxy": ..., "noProxy": ...}}``; containers created with
``use_config_proxy=True`` and builds receive them as environment variables /
build arguments.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from .. import _lazy

__all__ = ["ProxyConfig", "format_environment"]

# (our key, the config file's key, the environment variable's name)
_FIELDS = (
    ("http", "httpProxy", "http_proxy"),
    ("https", "httpsProxy", "https_proxy"),
    ("ftp", "ftpProxy", "ftp_proxy"),
    ("no_proxy", "noProxy", "no_proxy"),
)


# docker-py's module binds utils.format_environment here; loaded on use so
# that reading proxy settings at client start-up stays cheap
__getattr__, __dir__ = _lazy.names(__name__, {
    "format_environment": (".utils", "format_environment")})


class ProxyConfig(Dict[str, Optional[str]]):
    """A dict with the keys ``http``, ``https``, ``ftp`` and ``no_proxy``
    (values may be None). An empty ProxyConfig is false: nothing to inject."""

    @property
    def http(self) -> Optional[str]:
        return self.get("http")

    @property
    def https(self) -> Optional[str]:
        return self.get("https")

    @property
    def ftp(self) -> Optional[str]:
        return self.get("ftp")

    @property
    def no_proxy(self) -> Optional[str]:
        return self.get("no_proxy")

    @staticmethod
    def from_dict(config: Mapping[str, Any]) -> "ProxyConfig":
        """From one entry of the config file's ``proxies`` section
        (``httpProxy``, ``httpsProxy``, ``ftpProxy``, ``noProxy``)."""
        if config is None:
            config = {}
        return ProxyConfig({ours: config.get(theirs) for ours, theirs, _ in _FIELDS})

    def get_environment(self) -> Dict[str, str]:
        """The variables to set: each configured proxy under its lower- and
        upper-case name (``http_proxy`` and ``HTTP_PROXY``, ...)."""
        env: Dict[str, str] = {}
        for ours, _, var in _FIELDS:
            value = self.get(ours)
            if value:
                env[var] = value
                env[var.upper()] = value
        return env

    def inject_proxy_environment(self, environment: Any) -> Any:
        """``environment`` (a list of ``"K=V"`` strings, or None) with the proxy
        variables put in front, so values the caller set win. Returns
        ``environment`` itself when there is nothing to add."""
        if not self:
            return environment
        added: List[str] = [f"{k}={v}" for k, v in self.get_environment().items()]
        if not environment:
            return added
        return added + list(environment)

    def __str__(self) -> str:
        return "ProxyConfig(" + ", ".join(
            f"{ours}={self.get(ours)}" for ours, _, _ in _FIELDS) + ")"
