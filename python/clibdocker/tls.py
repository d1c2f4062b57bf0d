"""TLS settings for ``tcp://`` engines (docker-py's ``docker.tls.TLSConfig``)."""
from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional, Tuple, Union


_UNSET: Any = type("_Unset", (), {"__repr__": lambda self: "<unset>"})()


def _refuse_for_docker_py(func: str, **given: Any) -> None:
    """docker-py 7.2 dropped ``ssl_version``, ``assert_hostname`` and
    ``assert_fingerprint`` (and ``kwargs_from_env``'s ``use_ssh_client``):
    for a program written for it (under the ``docker`` alias) passing one is
    the TypeError docker-py raises, so the usual ``try: ... except
    TypeError:`` fallback for docker-py 6 and 7 takes the same branch.
    clibdocker's own callers may pass them (they are ignored)."""
    names = [k for k, v in given.items() if v is not _UNSET]
    if names:
        from ._alias import active
        if active():
            raise TypeError(f"{func}() got an unexpected keyword argument '{names[0]}'")


class TLSConfig:
    """How to speak TLS to the engine (docker-py's ``docker.tls.TLSConfig``).

    :param client_cert: ``(cert_path, key_path)`` for client authentication.
    :param ca_cert: CA bundle to verify the engine with.
    :param verify: True to verify the engine's certificate (against
        ``ca_cert`` or the system's CAs), False or None not to, or the path of
        a CA bundle to verify against (kept as given in ``verify``, as
        docker-py does).
    ``ssl_version``, ``assert_hostname`` and ``assert_fingerprint`` are
    accepted for compatibility with older docker-py versions and ignored:
    libcurl negotiates the protocol version and checks the host name
    whenever ``verify`` is on. A program written for docker-py 7.2 (under
    the ``docker`` alias) gets docker-py 7.2's TypeError for them.

    Bad paths raise :class:`~clibdocker.errors.TLSParameterError` at once
    (also a ``ca_cert`` that does not exist when ``verify`` is off, which
    docker-py ignores).
    """

    cert: Optional[Tuple[str, str]] = None
    ca_cert: Optional[str] = None
    verify: Union[None, bool, str] = None

    def __init__(self, client_cert: Optional[Tuple[str, str]] = None,
                 ca_cert: Optional[str] = None, verify: Union[None, bool, str] = None,
                 ssl_version: Optional[int] = _UNSET, assert_hostname: Optional[bool] = _UNSET,
                 assert_fingerprint: Optional[str] = _UNSET) -> None:
        _refuse_for_docker_py("TLSConfig.__init__", ssl_version=ssl_version,
                              assert_hostname=assert_hostname,
                              assert_fingerprint=assert_fingerprint)
        self.ssl_version = None if ssl_version is _UNSET else ssl_version
        self.assert_hostname = None if assert_hostname is _UNSET else assert_hostname
        self.assert_fingerprint = None if assert_fingerprint is _UNSET else assert_fingerprint
        from . import errors   # not at module level: start-up time (from_env imports tls)
        if client_cert:
            try:
                cert, key = client_cert
            except (TypeError, ValueError):
                raise errors.TLSParameterError(
                    "client_cert must be a tuple of (client certificate, key file)") from None
            if not (cert and key) or not os.path.isfile(cert) or not os.path.isfile(key):
                raise errors.TLSParameterError(
                    "Path to a certificate and key files must be provided through the "
                    "client_cert param")
            self.cert = (cert, key)
        self.verify = verify
        self.ca_cert = ca_cert
        if ca_cert and not os.path.isfile(ca_cert):
            raise errors.TLSParameterError("Invalid CA certificate provided for `ca_cert`.")
        if isinstance(verify, str) and not os.path.isfile(verify):
            raise errors.TLSParameterError(
                f"Invalid CA certificate provided for `verify`: {verify!r}")

    def _set_client_attributes(self, client: Any) -> None:
        """docker-py's ``verify`` and ``cert`` of a configured client."""
        client.verify = self.ca_cert if self.verify and self.ca_cert else self.verify
        if self.cert:
            client.cert = self.cert

    @property
    def _ca_bundle(self) -> Optional[str]:
        """The CA bundle verification uses (None: the system's)."""
        if self.verify and self.ca_cert:
            return self.ca_cert
        return self.verify if isinstance(self.verify, str) else None

    def configure_client(self, client: Any) -> None:
        """Configure ``client`` (an :class:`~clibdocker.APIClient` for a
        ``tcp://`` or ``https://`` engine) with these TLS options; as in
        docker-py, ``client.verify`` and ``client.cert`` are set too.
        Raises :class:`~clibdocker.errors.TLSParameterError` for a client
        that cannot speak TLS (unix:// and ssh:// engines); ``APIClient``
        does not call it for those (it ignores ``tls=`` there, as docker-py)."""
        self._set_client_attributes(client)
        native = getattr(client, "_native", None)
        if native is None:
            return
        cert, key = self.cert if self.cert else (None, None)
        from . import errors
        try:
            native.set_tls(self._ca_bundle, cert, key, bool(self.verify))
        except errors.InvalidArgument as e:
            raise errors.TLSParameterError(str(e)) from None

    def __repr__(self) -> str:
        return (f"<TLSConfig verify={self.verify!r} ca_cert={self.ca_cert!r} "
                f"cert={self.cert!r}>")


def tls_from_env(env: "os._Environ[str] | dict[str, str]") -> Optional[TLSConfig]:
    """docker-py's rule: ``DOCKER_TLS_VERIFY`` (non-empty) turns TLS on with
    verification; ``DOCKER_CERT_PATH`` (ca.pem, cert.pem, key.pem) alone turns
    it on without."""
    verify = bool(env.get("DOCKER_TLS_VERIFY"))
    cert_path = env.get("DOCKER_CERT_PATH") or None
    if not (verify or cert_path):
        return None
    d = cert_path or os.path.join(os.path.expanduser("~"), ".docker")
    cert, key, ca = (os.path.join(d, n) for n in ("cert.pem", "key.pem", "ca.pem"))
    return TLSConfig(client_cert=(cert, key) if os.path.isfile(cert) else None,
                     ca_cert=ca if os.path.isfile(ca) else None, verify=verify)
