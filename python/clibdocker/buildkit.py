"""BuildKit builds through the Engine API session (``POST /session``).

:meth:`clibdocker.APIClient.build` with ``buildkit=True`` (or
``DOCKER_BUILDKIT=1`` in the environment) opens a session -- a connection
upgraded to HTTP/2 on which the engine calls back over gRPC, served by a C
thread of its own -- and starts ``POST /build?version=2`` on it. The engine
then pulls the context from the session incrementally (only the files its
cached copy lacks), asks for secrets there, and reports progress as
``moby.buildkit.trace`` messages, decoded here into dicts::

    {"id": "moby.buildkit.trace",
     "aux": {"vertexes": [{"digest", "name", "inputs", "cached", "started",
                           "completed", "error"}],
             "statuses": [{"id", "vertex", "name", "current", "total", ...}],
             "logs": [{"vertex", "stream", "timestamp", "data"}],
             "warnings": [...]}}

:class:`PlainProgress` prints them as ``docker build --progress=plain``
does.
"""
from __future__ import annotations

import json
import os
import secrets as _secrets
import sys
from datetime import datetime
from typing import IO, Any, Callable, Dict, List, Mapping, Optional, Union

from . import errors
from ._binding import AGAIN, Session, Stream, buildkit_status_decode
from .api._progress import ProgressStream

TRACE_ID = "moby.buildkit.trace"
IMAGE_ID = "moby.image.id"

__all__ = ["BuildKitSession", "BuildKitStream", "PlainProgress", "decode_trace", "env_default",
           "TRACE_ID", "IMAGE_ID"]


def env_default() -> bool:
    """True when ``DOCKER_BUILDKIT`` asks for BuildKit (``1``/``true``), as
    the Docker CLI reads it."""
    v = os.environ.get("DOCKER_BUILDKIT", "").strip().lower()
    return v in ("1", "true", "yes", "on")


def decode_trace(aux: Union[str, bytes]) -> Dict[str, Any]:
    """One trace ``aux`` (base64 of a StatusResponse) as a dict (decoded in
    C: see the module's docstring for its shape)."""
    return json.loads(buildkit_status_decode(aux))  # type: ignore[no-any-return]


def load_secrets(secrets: Optional[Mapping[str, Any]]
                 ) -> Dict[str, bytes]:
    """``{id: path or bytes}`` -> ``{id: bytes}``: a ``str``/path is a file
    read now; refused at once when missing."""
    out: Dict[str, bytes] = {}
    if secrets is None:
        return out
    if not isinstance(secrets, Mapping):
        raise errors.InvalidArgument("build: secrets must be a dict {id: path or bytes}")
    for sid, value in secrets.items():
        if not isinstance(sid, str) or not sid:
            raise errors.InvalidArgument("build: each secret id must be a non-empty string")
        if isinstance(value, (bytes, bytearray, memoryview)):
            out[sid] = bytes(value)
        elif isinstance(value, (str, os.PathLike)):
            try:
                with open(value, "rb") as f:
                    out[sid] = f.read()
            except OSError as e:
                raise errors.InvalidArgument(
                    f"build: secret {sid!r}: cannot read {os.fspath(value)!r}: "
                    f"{e.strerror}") from None
        else:
            raise errors.InvalidArgument(
                f"build: secret {sid!r} must be a file path or bytes, not "
                f"{type(value).__name__}")
    return out


class BuildKitSession:
    """An open BuildKit session (:meth:`clibdocker.APIClient.open_session`):
    its ``id`` goes into a build's ``session`` parameter; it is served by a
    C thread until :meth:`close`."""

    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    @property
    def id(self) -> str:
        return self._s.id

    def stats(self) -> Dict[str, int]:
        """Counters: ``bytes_sent``, ``bytes_received``, ``file_bytes``,
        ``stat_packets``, ``files_requested``, ``health_checks``, ``calls``,
        ``closed``."""
        return self._s.stats()

    def error(self) -> Optional[str]:
        """Why the session ended, if it failed; else None."""
        return self._s.error()

    def close(self) -> None:
        self._s.close()

    def __enter__(self) -> "BuildKitSession":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class BuildKitStream(ProgressStream):
    """The messages of a BuildKit build: trace updates decoded (with
    ``decode``), ``{"id": "moby.image.id", "aux": {"ID": ...}}``, and a
    failed build's ``errorDetail`` message (raised by the high-level
    ``images.build``). Owns the session: closed with the stream, at its end
    or by ``close()``."""

    __slots__ = ("_session", "_buildid", "_cancel", "_final_stats", "_closers")

    def __init__(self, stream: Stream, session: Session, decode: bool, buildid: str,
                 on_error: Optional[Callable[[str, List[Any]], Exception]],
                 cancel: Optional[Callable[[str], None]] = None) -> None:
        super().__init__(stream, decode, on_error)
        self._session: Optional[Session] = session
        self._buildid = buildid
        self._cancel = cancel
        self._final_stats: Dict[str, int] = {}
        self._closers: List[Callable[[], None]] = []

    def on_close(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the session is closed (e.g. close an output file)."""
        self._closers.append(fn)

    @property
    def session_stats(self) -> Dict[str, int]:
        """The session's counters (``bytes_sent``, ``file_bytes``,
        ``stat_packets``, ``files_requested``, ``health_checks``...): live
        while the build runs, their last values once the session closed."""
        s = self._session
        return s.stats() if s is not None else dict(self._final_stats)

    @property
    def buildid(self) -> str:
        return self._buildid

    def _end_session(self) -> Optional[str]:
        s = self._session
        if s is None:
            return None
        err = s.error()
        self._final_stats = s.stats()
        self._session = None
        s.close()
        for fn in self._closers:
            fn()
        self._closers = []
        return err

    def _session_problem(self) -> Optional[str]:
        """Why the session is gone before the build's end, or None."""
        s = self._session
        if s is None:
            return None
        err = s.error()
        if err:
            return f"the BuildKit session failed: {err}"
        st = s.stats()
        if not st or st.get("closed"):
            return "the BuildKit session was closed before the build finished"
        return None

    def _step(self, nowait: bool) -> Any:
        try:
            item = super()._step(nowait)
        except errors.DockerException as e:
            why = self._session_problem()
            self._end_session()
            if why:
                raise type(e)(f"{e} ({why})") from e
            raise
        if item is AGAIN:
            return item
        if self._finished:
            self._end_session()
            return item
        if self._decode and isinstance(item, dict) and item.get("id") == TRACE_ID:
            aux = item.get("aux")
            if isinstance(aux, str):
                item["aux"] = decode_trace(aux)
        if self._error is not None:
            why = self._session_problem()
            if why and why not in self._error:
                text = f"{self._error} ({why})"
                if isinstance(item, dict):
                    item["errorDetail"] = dict(item.get("errorDetail") or {}, message=text)
                    item["error"] = text
                else:
                    msg = json.loads(item)
                    msg["errorDetail"] = dict(msg.get("errorDetail") or {}, message=text)
                    msg["error"] = text
                    item = json.dumps(msg).encode() + b"\r\n"
        self._error = None  # low-level: a failed build is one more message
        return item

    def close(self) -> None:
        """Stop reading, cancel the build if it still runs, close the session."""
        if self._cancel is not None and self._session is not None and not self._finished:
            try:
                self._cancel(self._buildid)
            except errors.DockerException:
                pass
        super().close()
        self._end_session()


def parse_ssh(ssh: Any) -> Dict[str, str]:
    """``ssh=`` as the CLI's ``--ssh``: ``"default"`` (the agent of
    ``$SSH_AUTH_SOCK``), ``"id=/path/to/agent.sock"``, a list of those, or a
    dict ``{id: socket path}`` -> ``{id: socket path}``."""
    items: List[Any]
    if isinstance(ssh, Mapping):
        items = [f"{k}={v}" for k, v in ssh.items()]
    elif isinstance(ssh, str):
        items = [ssh]
    elif isinstance(ssh, (list, tuple)):
        items = list(ssh)
    else:
        raise errors.InvalidArgument("build: ssh must be 'default', 'id=socket', a list or a dict")
    out: Dict[str, str] = {}
    for item in items:
        if not isinstance(item, str) or not item:
            raise errors.InvalidArgument("build: each ssh entry must be a non-empty string")
        sid, sep, sock = item.partition("=")
        if not sep:
            sock = os.environ.get("SSH_AUTH_SOCK", "")
            if not sock:
                raise errors.InvalidArgument(
                    f"build: ssh {item!r}: no socket given and SSH_AUTH_SOCK is not set")
        if not os.path.exists(sock):
            raise errors.InvalidArgument(f"build: ssh {sid!r}: no agent socket {sock!r}")
        out[sid or "default"] = sock
    return out


def parse_output(output: Any) -> Dict[str, str]:
    """``"type=local,dest=out"`` or ``{"type": "local", "dest": "out"}`` ->
    a dict with ``type`` (``local`` or ``tar``) and ``dest``, checked."""
    if isinstance(output, str):
        spec: Dict[str, str] = {}
        for part in output.split(","):
            k, sep, v = part.partition("=")
            if not sep:
                raise errors.InvalidArgument(f"build: output {output!r}: {part!r} is not key=value")
            spec[k.strip().lower()] = v.strip()
    elif isinstance(output, Mapping):
        spec = {str(k).lower(): str(v) for k, v in output.items()}
    else:
        raise errors.InvalidArgument("build: output must be a string (type=local,dest=DIR) "
                                     "or a dict")
    if spec.get("type") not in ("local", "tar"):
        raise errors.InvalidArgument(
            f"build: output type {spec.get('type')!r} is not supported (local or tar)")
    if not spec.get("dest"):
        raise errors.InvalidArgument("build: output needs a dest")
    return spec


def new_buildid() -> str:
    return _secrets.token_hex(16)


def _fmt_dur(start: Optional[str], end: Optional[str]) -> str:
    if not start or not end:
        return ""
    try:
        a = datetime.fromisoformat(start[:26].rstrip("Z"))
        b = datetime.fromisoformat(end[:26].rstrip("Z"))
    except ValueError:
        return ""
    return f" {(b - a).total_seconds():.1f}s"


class PlainProgress:
    """Prints decoded BuildKit progress like ``docker build
    --progress=plain``: ``#N [stage] step`` when a step starts, its log
    lines as ``#N 0.123 text``, ``#N CACHED``, ``#N DONE 1.2s`` and
    ``#N ERROR: ...``. Feed it every message of a ``decode=True`` stream
    (other messages are ignored)."""

    def __init__(self, file: Optional[IO[str]] = None) -> None:
        self.file = file if file is not None else sys.stderr
        self._num: Dict[str, int] = {}
        self._started: Dict[str, str] = {}
        self._done: set[str] = set()

    def _n(self, digest: str) -> int:
        n = self._num.get(digest)
        if n is None:
            n = self._num[digest] = len(self._num) + 1
        return n

    def feed(self, msg: Any) -> None:
        if not isinstance(msg, dict):
            return
        if msg.get("id") == IMAGE_ID:
            image = msg.get("aux", {}).get("ID") if isinstance(msg.get("aux"), dict) else None
            if image:
                print(f"writing image {image}", file=self.file)
            return
        if msg.get("errorDetail") or msg.get("error"):
            print(f"ERROR: {msg.get('error') or msg['errorDetail'].get('message')}",
                  file=self.file)
            return
        aux = msg.get("aux")
        if msg.get("id") != TRACE_ID or not isinstance(aux, dict):
            return
        w = self.file
        for v in aux.get("vertexes", ()):
            d = v.get("digest", "")
            n = self._n(d)
            if v.get("started") and d not in self._started:
                self._started[d] = v["started"]
                print(f"#{n} {v.get('name', '')}", file=w)
            if v.get("cached") and d not in self._done:
                self._done.add(d)
                print(f"#{n} CACHED", file=w)
            elif v.get("error") and d not in self._done:
                self._done.add(d)
                print(f"#{n} ERROR: {v['error']}", file=w)
            elif v.get("completed") and d not in self._done:
                self._done.add(d)
                print(f"#{n} DONE{_fmt_dur(v.get('started'), v.get('completed'))}", file=w)
        for s in aux.get("statuses", ()):
            n = self._n(s.get("vertex", ""))
            cur = s.get("current")
            if s.get("completed"):
                print(f"#{n} {s.get('id', '')} {cur or ''} done".replace("  ", " "), file=w)
        for lg in aux.get("logs", ()):
            d = lg.get("vertex", "")
            n = self._n(d)
            since = _fmt_dur(self._started.get(d), lg.get("timestamp")).strip().rstrip("s")
            for line in str(lg.get("data", "")).splitlines():
                print(f"#{n} {since or '0.0'} {line}", file=w)
        for warn in aux.get("warnings", ()):
            print(f"WARNING: {warn.get('short', '')}", file=w)
