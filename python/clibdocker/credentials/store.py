"""A credential helper program as a store (docker-py's ``docker.credentials.Store``)."""
from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional, Union

from .. import errors as _errors
from . import constants, errors
from .utils import create_environment_dict


def _server_bytes(server: Any) -> bytes:
    if isinstance(server, bytes):
        return server
    if isinstance(server, str):
        return server.encode("utf-8")
    raise _errors.InvalidArgument("server must be a string")


class Store:
    """The helper ``docker-credential-<program>``, found on ``PATH`` when
    the store is made (a warning when it is not there; each call then raises
    :class:`StoreError`). ``environment`` is added to ``os.environ`` for the
    helper process.

    Each call runs the helper once: ``get``/``erase`` send the server
    address, ``store`` a JSON ``{"ServerURL", "Username", "Secret"}``,
    ``list`` nothing. A helper that exits with an error raises
    :class:`CredentialsNotFound` when it says it has none, else
    :class:`StoreError`."""

    def __init__(self, program: str, environment: Optional[Mapping[str, str]] = None) -> None:
        if not isinstance(program, str) or not program:
            raise _errors.InvalidArgument("program must be a non-empty string")
        if "/" in program or os.sep in program or "\0" in program:
            raise _errors.InvalidArgument(
                f"credential helper name {program!r} must not contain a path separator")
        if environment is not None and not isinstance(environment, Mapping):
            raise _errors.InvalidArgument("environment must be a dict of strings")
        import shutil
        self.program = constants.PROGRAM_PREFIX + program
        self.exe = shutil.which(self.program)
        self.environment = environment
        if self.exe is None:
            import warnings
            warnings.warn(f"{self.program} not installed or not available in PATH",
                          stacklevel=2)

    def get(self, server: Union[str, bytes]) -> Dict[str, Any]:
        """``{"ServerURL", "Username", "Secret"}`` for ``server``; raises
        :class:`CredentialsNotFound` when the helper has none (also when it
        answers with an empty user name and secret)."""
        result = self._json(self._execute("get", _server_bytes(server)))
        if not isinstance(result, dict):
            raise errors.StoreError(f"{self.program} answered {type(result).__name__}, "
                                    "not a JSON object")
        if result.get("Username") == "" and result.get("Secret") == "":
            raise errors.CredentialsNotFound(f"No matching credentials in {self.program}")
        return result

    def store(self, server: str, username: str, secret: str) -> bytes:
        """Keep ``username``/``secret`` for ``server``; returns the helper's
        output."""
        import json
        for what, value in (("server", server), ("username", username), ("secret", secret)):
            if not isinstance(value, str):
                raise _errors.InvalidArgument(f"{what} must be a string")
        data = json.dumps({"ServerURL": server, "Username": username, "Secret": secret})
        return self._execute("store", data.encode("utf-8"))

    def erase(self, server: Union[str, bytes]) -> None:
        """Forget the credentials for ``server``."""
        self._execute("erase", _server_bytes(server))

    def list(self) -> Dict[str, str]:
        """``{server: username}`` of every stored credential (helpers from
        v0.4.0 on)."""
        result = self._json(self._execute("list", None))
        if not isinstance(result, dict):
            raise errors.StoreError(f"{self.program} answered {type(result).__name__}, "
                                    "not a JSON object")
        return result

    def _json(self, data: bytes) -> Any:
        import json
        try:
            return json.loads(data.decode("utf-8"))
        except ValueError as e:
            raise errors.StoreError(f"{self.program} answered something that is not "
                                    f"JSON: {e}") from e

    def _execute(self, subcmd: str, data_input: Optional[bytes]) -> bytes:
        if self.exe is None:
            raise errors.StoreError(f"{self.program} not installed or not available in PATH")
        import subprocess
        env = create_environment_dict(self.environment)
        try:
            return subprocess.run([self.exe, subcmd], input=data_input or b"", env=env,
                                  stdout=subprocess.PIPE, check=True).stdout
        except subprocess.CalledProcessError as e:
            raise errors.process_store_error(e, self.program) from e
        except OSError as e:
            import errno
            if e.errno == errno.ENOENT:
                raise errors.StoreError(
                    f"{self.program} not installed or not available in PATH") from e
            raise errors.StoreError(
                f'Unexpected OS error "{e.strerror}", errno={e.errno}') from e

    def __repr__(self) -> str:
        return f"<Store {self.program}>"
