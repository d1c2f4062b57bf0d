"""Credential store errors (docker-py's ``docker.credentials.errors``).

As in docker-py they derive from :class:`RuntimeError`, not from
:class:`clibdocker.errors.DockerException`."""
from __future__ import annotations

from typing import Any


class StoreError(RuntimeError):
    """A credential helper failed (or is not installed)."""


class CredentialsNotFound(StoreError):
    """The helper has no credentials for that server."""


class InitializationError(StoreError):
    """The store could not be set up."""


def process_store_error(cpe: Any, program: str) -> StoreError:
    """The exception for a helper that exited with an error
    (``cpe``: a :class:`subprocess.CalledProcessError` whose ``output`` is
    what the helper printed): :class:`CredentialsNotFound` when it says
    "credentials not found in native keychain" (the helpers' protocol
    message), else :class:`StoreError` with the message."""
    output = getattr(cpe, "output", None) or b""
    message = output.decode("utf-8", "replace") if isinstance(output, bytes) else str(output)
    if "credentials not found in native keychain" in message:
        return CredentialsNotFound(f"No matching credentials in {program}")
    return StoreError(f'Credentials store {program} exited with "{message}".')
