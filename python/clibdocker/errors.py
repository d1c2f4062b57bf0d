"""Exceptions, named as docker-py names them.

Every exception clibdocker raises is a :class:`DockerException`. Errors the
engine answered carry its HTTP status and message (:class:`APIError`);
transport failures, timeouts and protocol errors have their own classes, which
are also the matching Python builtins (``ConnectionError``, ``TimeoutError``).
"""
from __future__ import annotations

from typing import Any, Optional


class DockerException(Exception):
    """Base of every exception clibdocker raises."""


class _Response:
    """The parts of an HTTP response an :class:`APIError` keeps (the shape of
    ``requests.Response`` that docker-py users read)."""

    __slots__ = ("status_code", "reason", "url", "content")

    _REASONS = {
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
        409: "Conflict", 500: "Internal Server Error", 501: "Not Implemented",
        503: "Service Unavailable", 304: "Not Modified",
    }

    def __init__(self, status_code: int, url: Optional[str] = None, content: bytes = b"") -> None:
        self.status_code = status_code
        self.reason = self._REASONS.get(status_code, "")
        self.url = url
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        import json
        return json.loads(self.content)

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}]>"


class APIError(DockerException):
    """The engine answered with an error status.

    ``status_code`` is the HTTP status, ``explanation`` the daemon's message,
    ``response`` a small response object (``status_code``, ``reason``, ``url``).
    """

    def __init__(self, message: Any, response: Optional[_Response] = None,
                 explanation: Optional[str] = None) -> None:
        super().__init__(message)
        self.response = response
        self.explanation = explanation

    def __str__(self) -> str:
        message = super().__str__()
        if self.response is not None:
            where = f" for {self.response.url}" if self.response.url else ""
            if self.is_client_error():
                message = f"{self.status_code} Client Error{where}: {self.response.reason}"
            elif self.is_server_error():
                message = f"{self.status_code} Server Error{where}: {self.response.reason}"
        if self.explanation:
            message = f'{message} ("{self.explanation}")'
        return message

    @property
    def status_code(self) -> Optional[int]:
        return self.response.status_code if self.response is not None else None

    def is_error(self) -> bool:
        return self.is_client_error() or self.is_server_error()

    def is_client_error(self) -> bool:
        return self.status_code is not None and 400 <= self.status_code < 500

    def is_server_error(self) -> bool:
        return self.status_code is not None and 500 <= self.status_code < 600


class NotFound(APIError):
    """The engine answered 404."""


class ImageNotFound(NotFound):
    """An image the call named does not exist."""


class Conflict(APIError):
    """The engine answered 409 (e.g. a name already in use)."""


class Unauthorized(APIError):
    """The engine answered 401 (e.g. wrong registry credentials)."""


class InvalidVersion(DockerException):
    """The API version is malformed, unsupported, or too old for a parameter."""


class InvalidRepository(DockerException):
    """A repository name is malformed."""


class InvalidConfigFile(DockerException):
    """A Docker config file could not be read."""


class InvalidArgument(DockerException, ValueError):
    """An argument was refused before any request was sent."""


class DeprecatedMethod(DockerException):
    """The method is deprecated."""


class TLSParameterError(DockerException):
    """TLS settings are inconsistent."""


class NullResource(DockerException, ValueError):
    """A resource id or name was empty."""


class ContainerError(DockerException):
    """A container exited with a non-zero status (high-level ``run``)."""

    def __init__(self, container: Any, exit_status: int, command: Any, image: Any,
                 stderr: Optional[bytes]) -> None:
        self.container = container
        self.exit_status = exit_status
        self.command = command
        self.image = image
        self.stderr = stderr
        err = f": {stderr.decode('utf-8', 'replace')}" if stderr else ""
        super().__init__(f"Command '{command}' in image '{image}' returned non-zero "
                         f"exit status {exit_status}{err}")


class StreamParseError(DockerException, RuntimeError):
    """A stream's framing or a message in it could not be parsed."""


class BuildError(DockerException):
    """An image build failed; ``build_log`` holds the messages."""

    def __init__(self, reason: str, build_log: Any) -> None:
        super().__init__(reason)
        self.msg = reason
        self.build_log = build_log


class ImageLoadError(DockerException):
    """Loading an image failed."""


class MissingContextParameter(DockerException):
    def __init__(self, param: str) -> None:
        super().__init__(f"missing parameter {param}")
        self.param = param


class ContextException(DockerException):
    """A Docker context is invalid."""


class ContextAlreadyExists(DockerException):
    def __init__(self, name: str) -> None:
        super().__init__(f"context {name} already exists")
        self.name = name


class ContextNotFound(DockerException):
    def __init__(self, name: str) -> None:
        super().__init__(f"context '{name}' not found")
        self.name = name


# --- beyond docker-py: failures below the HTTP layer --------------------------

class TransportError(DockerException, ConnectionError):
    """Could not connect to the engine, or the connection was cut."""


class DockerTimeout(TransportError, TimeoutError):
    """A connect, total or idle timeout expired. The client stays usable."""


class ProtocolError(StreamParseError):
    """The engine's answer broke the HTTP or stream protocol."""


class StreamError(APIError):
    """The engine reported an error inside a stream (``errorDetail``)."""


class Canceled(DockerException):
    """The call or stream was canceled."""


class UnsupportedError(DockerException, NotImplementedError):
    """Not supported by this build, transport or engine."""


def create_api_error_from_http_exception(e: Exception) -> APIError:
    """docker-py compatibility: wrap an exception as an :class:`APIError`."""
    if isinstance(e, APIError):
        return e
    return APIError(str(e))
