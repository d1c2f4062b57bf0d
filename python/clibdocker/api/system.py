"""System API methods (docker-py's ``DaemonApiMixin``)."""
from __future__ import annotations

from .._binding import loads
from ._base import BaseMixin

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Sequence, Union

    from ..stream import CancellableStream


class SystemApiMixin(BaseMixin):

    def ping(self) -> bool:
        """GET /_ping. Returns True if the engine answered; raises otherwise.

        :op: SystemPing
        """
        self._native.ping()
        return True

    def ping_head(self) -> Dict[str, str]:
        """HEAD /_ping: the engine's describing headers (``Api-Version``,
        ``OSType``, ``Docker-Experimental``, ``Builder-Version``, ``Swarm``…).

        :op: SystemPingHead
        """
        return loads(self._native.ping_head())  # type: ignore[no-any-return]

    def version(self, api_version: bool = True) -> Dict[str, Any]:
        """GET /version: the engine's version information.

        :param api_version: use the versioned path (``/vX.Y/version``); False
            asks the unversioned path, which works before negotiation.
        :op: SystemVersion
        """
        return loads(self._native.version(api_version))  # type: ignore[no-any-return]

    def info(self) -> Dict[str, Any]:
        """GET /info: system-wide information.

        :op: SystemInfo
        """
        return loads(self._native.info())  # type: ignore[no-any-return]

    def df(self, types: Union[None, str, Sequence[str]] = None) -> Dict[str, Any]:
        """GET /system/df: data usage.

        :param types: beyond docker-py: only these object types
            (``"container"``, ``"image"``, ``"volume"``, ``"build-cache"``);
            needs API 1.42, else :class:`~clibdocker.errors.InvalidVersion`.
        :op: SystemDataUsage
        """
        if types is not None and not isinstance(types, str):
            types = ",".join(types)
        return loads(self._native.df(types))  # type: ignore[no-any-return]

    def events(self, since: Any = None, until: Any = None,
               filters: Optional[Dict[str, Any]] = None,
               decode: Optional[bool] = None) -> CancellableStream[Any]:
        """GET /events: a stream of the engine's events.

        :param since, until: datetime, Unix timestamp (int/float) or string.
            Without ``until`` the stream follows until closed.
        :param filters: e.g. ``{"type": "container", "label": ["a=b"]}``.
        :param decode: yield dicts instead of the raw JSON bytes of each event.
        :returns: a :class:`~clibdocker.stream.CancellableStream`; ``close()``
            stops it, also from another thread. Memory stays bounded however
            long it runs.
        :op: SystemEvents
        """
        from ..utils import convert_filters, time_param  # not at module level: start-up time
        f = convert_filters(filters) if filters else None
        stream = self._native.events(time_param(since), time_param(until), f)
        from ..stream import CancellableStream  # not at module level: start-up time
        return CancellableStream(stream, bool(decode))

    def login(self, username: str, password: Optional[str] = None,
              email: Optional[str] = None, registry: Optional[str] = None,
              reauth: bool = False, dockercfg_path: Optional[str] = None) -> Dict[str, Any]:
        """POST /auth: check credentials with a registry and keep them for
        later pushes and pulls by this client.

        Returns the engine's answer (``{"Status": "Login Succeeded", ...}``),
        or, as docker-py does when ``reauth`` is False, the credentials
        already held for that registry and user without asking the engine
        (``_auth_configs.resolve_authconfig(registry)``: the registry's
        credential helper, else the ``auths`` entry an earlier ``login``
        kept or the docker config holds) when they name this user under
        ``username``. ``dockercfg_path`` (a config.json or its directory) is
        where later calls look for credentials (see :meth:`reload_config`);
        what earlier logins kept is dropped, as docker-py reloads. Wrong
        credentials raise :class:`~clibdocker.errors.APIError` (401 on newer
        engines). The password never appears in errors or traces.
        :op: SystemAuth
        """
        if not username:
            from ..errors import InvalidArgument, refused_as_engine
            # docker-py sends it; the engine answers 500 (no credentials)
            raise refused_as_engine(InvalidArgument("login: username is required"), 500)
        if dockercfg_path:
            # as docker-py: read credentials from that config from now on
            # (what earlier logins kept is dropped, as docker-py reloads)
            import os
            if os.path.exists(dockercfg_path):
                from .client import _config_dir_of
                from ._base import LoginStore
                self._config_dir = _config_dir_of(dockercfg_path)
                self._auth_configs = LoginStore(self)
        key = registry or "https://index.docker.io/v1/"
        if not reauth:
            # docker-py's order: the registry's credential helper, else the
            # auths (kept over the config file's); its answer is returned
            # when it names this user under "username"
            resolve = getattr(self._auth_configs, "resolve_authconfig", None)
            if resolve is not None:
                cached = resolve(registry)
            else:    # a plain dict the program put there
                cached = self._auth_configs.get(key)
            if cached and cached.get("username") == username:
                return cached  # type: ignore[no-any-return]
        req = {"username": username, "password": password, "email": email,
               "serveraddress": registry}
        import json  # not at module level: start-up time
        res = loads(self._native.auth(json.dumps(req)))
        # kept as docker-py keeps it (the four fields, None where unset)
        self._auth_configs[key] = dict(req)
        if isinstance(res, dict) and res.get("IdentityToken"):
            self._auth_configs[key]["identitytoken"] = res["IdentityToken"]
        return res  # type: ignore[no-any-return]
