"""TLS settings for ``tcp://`` engines (docker-py's ``docker.tls.TLSConfig``)."""
from __future__ import annotations

import os
from typing import Optional, Tuple, Union

from . import errors


class TLSConfig:
    """How to speak TLS to the engine.

    :param client_cert: ``(cert_path, key_path)`` for client authentication.
    :param ca_cert: CA bundle to verify the engine with.
    :param verify: True to verify the engine's certificate (against
        ``ca_cert`` or the system's CAs), False not to, or a CA bundle path.
    ``ssl_version``, ``assert_hostname`` and ``assert_fingerprint`` are
    accepted for docker-py compatibility; libcurl negotiates the version and
    checks the host name whenever ``verify`` is on.
    """

    def __init__(self, client_cert: Optional[Tuple[str, str]] = None,
                 ca_cert: Optional[str] = None, verify: Union[None, bool, str] = None,
                 ssl_version: Optional[int] = None, assert_hostname: Optional[bool] = None,
                 assert_fingerprint: Optional[str] = None) -> None:
        self.cert: Optional[Tuple[str, str]] = None
        self.ca_cert = ca_cert
        self.verify = verify
        self.ssl_version = ssl_version
        self.assert_hostname = assert_hostname
        self.assert_fingerprint = assert_fingerprint
        if client_cert:
            try:
                cert, key = client_cert
            except ValueError:
                raise errors.TLSParameterError(
                    "client_cert must be a tuple of (client certificate, key file)") from None
            if not (cert and key) or not os.path.isfile(cert) or not os.path.isfile(key):
                raise errors.TLSParameterError(
                    "Path to a certificate and key files must be provided through the "
                    "client_cert param")
            self.cert = (cert, key)
        if isinstance(verify, str):
            if not ca_cert:
                self.ca_cert = verify
            self.verify = True
        if self.ca_cert and not os.path.isfile(self.ca_cert):
            raise errors.TLSParameterError("Invalid CA certificate provided for `ca_cert`.")

    def __repr__(self) -> str:
        return f"<TLSConfig verify={bool(self.verify)} ca_cert={self.ca_cert!r} cert={self.cert!r}>"


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
