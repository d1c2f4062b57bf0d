"""The trace record handed to a hook set with ``APIClient.set_trace_hook``."""
from __future__ import annotations

from typing import Optional


class TraceRecord:
    """One finished call (or stream, when it is closed).

    Secrets are already redacted: ``X-Registry-Auth``/``X-Registry-Config``
    header values and JSON members named password, auth, identitytoken or
    registrytoken read ``<redacted>``. Bodies are capped in size
    (``*_truncated`` says whether they were cut).
    """

    __slots__ = ("method", "url", "status", "error", "start", "end",
                 "request_headers", "request_body", "request_body_truncated",
                 "response_body", "response_body_truncated", "response_bytes",
                 "streamed")

    method: str
    url: str
    status: int
    error: Optional[str]
    start: float
    end: float
    request_headers: str
    request_body: Optional[bytes]
    request_body_truncated: bool
    response_body: Optional[bytes]
    response_body_truncated: bool
    response_bytes: int
    streamed: bool

    @property
    def duration(self) -> float:
        """Seconds from start to end."""
        return self.end - self.start

    def __repr__(self) -> str:
        err = f" error={self.error}" if self.error else ""
        return (f"<TraceRecord {self.method} {self.url} status={self.status}{err} "
                f"{self.duration * 1000:.2f}ms>")
