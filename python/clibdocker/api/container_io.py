"""A container's streams: logs, attach, export, stats and archives
(the streaming half of docker-py's ``ContainerApiMixin``)."""
from __future__ import annotations

import math
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple, Union

from .. import errors
from .._binding import Reader, loads
from ..hijack import HijackedSocket
from ..stream import CancellableStream, FrameStream, RawStream, refused_later
from ..utils import time_param
from ._base import BaseMixin

DEFAULT_DATA_CHUNK_SIZE = 1024 * 2048

ContainerRef = Union[str, Mapping[str, Any]]


def _cid(container: ContainerRef) -> str:
    """A container id from an id/name or a dict with ``Id`` (docker-py's
    ``check_resource``)."""
    if isinstance(container, Mapping):
        container = container.get("Id") or container.get("ID")  # type: ignore[assignment]
    if not container:
        raise errors.NullResource("Resource ID was not provided")
    return str(container)


def _log_time(value: Any, what: str) -> Optional[str]:
    """docker-py's since/until rules: datetime (naive: local time; whole
    seconds), positive int or float."""
    if value is None:
        return None
    import datetime  # lazily: start-up
    if isinstance(value, datetime.datetime):
        return str(math.floor(value.timestamp()))
    if value is True:   # an int to docker-py's check: sent as "True", the engine refuses it
        return "True"
    if isinstance(value, int) and value > 0:
        return str(value)
    if isinstance(value, float) and value > 0.0:
        return f"{value:.9f}".rstrip("0").rstrip(".")
    raise errors.InvalidArgument(
        f"{what} value should be datetime or positive int/float, not {type(value)}")


def _tty_arg(tty: Optional[bool]) -> int:
    return -1 if tty is None else (1 if tty else 0)


def swarm_logs(native: Any, which: str, ref: Any, details: bool, follow: bool,
               stdout: bool, stderr: bool, since: Any, timestamps: bool,
               tail: Union[str, int], is_tty: Optional[bool], demux: bool) -> FrameStream:
    """GET /services/{id}/logs or /tasks/{id}/logs as a FrameStream."""
    from .swarm import resource_id
    s = native.container_logs(resource_id(ref, which), stdout, stderr, follow, timestamps,
                              time_param(since), None, str(tail), _tty_arg(is_tty),
                              details=details, which=which)
    return FrameStream(s, demux)


class ContainerIOMixin(BaseMixin):

    def logs(self, container: ContainerRef, stdout: bool = True, stderr: bool = True,
             stream: bool = False, timestamps: bool = False, tail: Union[str, int] = "all",
             since: Any = None, follow: Optional[bool] = None, until: Any = None,
             demux: bool = False, tty: Optional[bool] = None) -> Any:
        """GET /containers/{id}/logs: the container's output, like ``docker logs``.

        :param stream: return a :class:`~clibdocker.stream.FrameStream`
            (an iterator of bytes per frame; ``close()`` stops it from any
            thread) instead of all the bytes at once.
        :param follow: keep following new output (default: ``stream``).
        :param tail: ``"all"`` or a number of lines.
        :param since, until: datetime, or positive Unix time (int/float);
            ``until`` needs API 1.35.
        :param demux: beyond docker-py: keep stdout and stderr apart: the
            answer is ``(stdout, stderr)`` (each None if empty), streams yield
            ``(stdout, None)`` / ``(None, stderr)`` tuples.
        :param tty: beyond docker-py: None detects whether the container has
            a TTY (whose output is raw, not framed); True/False says so.
        :returns: bytes, a ``(stdout, stderr)`` tuple, or a FrameStream.
        :op: ContainerLogs
        """
        if follow is None:
            follow = stream
        if tail != "all" and (not isinstance(tail, int) or isinstance(tail, bool) or tail < 0):
            tail = "all"
        try:
            s = self._native.container_logs(_cid(container), stdout, stderr, bool(follow),
                                            timestamps, _log_time(since, "since"),
                                            _log_time(until, "until"), str(tail), _tty_arg(tty))
        except errors.NotFound:
            if tty is None:
                # docker-py inspects the container (for its TTY) before it
                # reads the logs answer: a missing container is that
                # inspect's NotFound (GET .../json), whichever engine
                self._native.container_inspect(_cid(container), False)
            raise
        fs = FrameStream(s, demux)
        if stream:
            return fs
        return fs.read_all()

    def attach(self, container: ContainerRef, stdout: bool = True, stderr: bool = True,
               stream: bool = False, logs: bool = False, demux: bool = False,
               detach_keys: Optional[str] = None, tty: Optional[bool] = None) -> Any:
        """POST /containers/{id}/attach (read-only): the container's output.

        :param stream: return a :class:`~clibdocker.stream.FrameStream` of
            output as it comes, until the container stops or ``close()``.
        :param logs: include what the container wrote before.
        :param demux: ``(stdout, stderr)`` instead of mixed bytes (tuples per
            frame when streaming).
        :returns: bytes, a tuple, or a FrameStream. To write to stdin use
            :meth:`attach_socket`.
        :op: ContainerAttach
        """
        s = self._native.container_attach(_cid(container), stdout, stderr, logs, stream,
                                          detach_keys, _tty_arg(tty))
        fs = FrameStream(s, demux)
        if stream:
            return fs
        return fs.read_all()

    def attach_socket(self, container: ContainerRef,
                      params: Optional[Mapping[str, Any]] = None,
                      ws: bool = False) -> HijackedSocket:
        """POST /containers/{id}/attach over a hijacked connection: a
        socket-like :class:`~clibdocker.hijack.HijackedSocket` to write the
        container's stdin and read its output.

        :param params: ``stdin``, ``stdout``, ``stderr``, ``stream``,
            ``logs``, ``detachKeys`` (absent keys are off; ``detachKeys``
            defaults to the docker CLI config's, as in docker-py); default
            ``{"stdout": 1, "stderr": 1, "stream": 1}``. Beyond docker-py:
            ``tty`` True/False says whether the container has a TTY (None,
            the default, asks the engine).
        :param ws: attach over a WebSocket instead (GET
            /containers/{id}/attach/ws, see :meth:`attach_websocket`).
        :op: ContainerAttach
        """
        if params is None:
            params = {"stdout": 1, "stderr": 1, "stream": 1}
        detach_keys = params.get("detachKeys")
        if detach_keys is None:
            # as docker-py: the docker CLI config's detachKeys by default
            detach_keys = (getattr(self, "_general_configs", None) or {}).get("detachKeys")
        h = self._native.container_attach_hijack(
            _cid(container), bool(params.get("stdin")), bool(params.get("stdout")),
            bool(params.get("stderr")), bool(params.get("logs")), bool(params.get("stream")),
            detach_keys, _tty_arg(params.get("tty")), websocket=ws)
        return HijackedSocket(h)

    def attach_websocket(self, container: ContainerRef,
                         params: Optional[Mapping[str, Any]] = None) -> HijackedSocket:
        """GET /containers/{id}/attach/ws: the container's stdio over a
        WebSocket (RFC 6455; also ``attach_socket(..., ws=True)``).

        docker-py returns a websocket-client connection; this returns a
        :class:`~clibdocker.hijack.HijackedSocket` whose ``send``/``sendall``
        write stdin as binary frames, ``recv`` returns payload bytes (not
        whole messages; pings are answered, the engine's close frame is the
        end: ``b""``), ``shutdown(socket.SHUT_WR)`` sends a close frame
        (the engine then ends stdin, or the attach when the container was
        not created with ``StdinOnce``) and ``close()`` closes it. The engine
        never multiplexes this output: stdout and stderr arrive mixed and
        unlabelled even without a TTY (``tty`` is True, ``frames(demux=True)``
        reports everything as stdout).

        :param params: as :meth:`attach_socket` (``stdin``, ``stdout``,
            ``stderr``, ``stream``, ``logs``, ``detachKeys``); default
            ``{"stdout": 1, "stderr": 1, "stream": 1}``.
        :op: ContainerAttachWebsocket
        """
        return self.attach_socket(container, params, ws=True)

    def export(self, container: ContainerRef,
               chunk_size: Optional[int] = DEFAULT_DATA_CHUNK_SIZE) -> RawStream:
        """GET /containers/{id}/export: the container's filesystem as a tar
        stream.

        :param chunk_size: bytes per iteration (None: as they arrive).
        :returns: a :class:`~clibdocker.stream.RawStream`; iterate it, or
            ``write_to(file_or_fd)`` to save it with bounded memory.
        :op: ContainerExport
        """
        cid = _cid(container)
        # docker-py raises the engine's refusal (404...) when the stream is
        # first iterated, not here
        return RawStream(refused_later(lambda: self._native.container_export(cid)), chunk_size)

    def stats(self, container: ContainerRef, decode: Optional[bool] = None, stream: bool = True,
              one_shot: Optional[bool] = None) -> Any:
        """GET /containers/{id}/stats: resource usage.

        :param stream: a :class:`~clibdocker.stream.CancellableStream` of
            samples (one per second; bytes of JSON, dicts with ``decode``);
            False: one sample as a dict.
        :param one_shot: with ``stream=False``, answer at once (no
            ``precpu_stats``); API 1.41.
        :op: ContainerStats
        """
        cid = _cid(container)
        if stream:
            if one_shot:
                raise errors.InvalidArgument(
                    "one_shot is only available in conjunction with stream=False")
            # as export(): a refusal raises at the first sample
            return CancellableStream(refused_later(lambda: self._native.container_stats(cid)),
                                     bool(decode))
        if decode:
            raise errors.InvalidArgument(
                "decode is only available in conjunction with stream=True")
        one = -1 if one_shot is None else (1 if one_shot else 0)
        return loads(self._native.container_stats_once(cid, one))

    def get_archive(self, container: ContainerRef, path: str,
                    chunk_size: Optional[int] = DEFAULT_DATA_CHUNK_SIZE,
                    encode_stream: bool = False) -> Tuple[RawStream, Optional[Dict[str, Any]]]:
        """GET /containers/{id}/archive: a file or directory as a tar stream.

        :param encode_stream: let the engine compress the transfer; it is
            decoded on arrival, so the stream is the plain tar either way (as
            docker-py hands it).
        :returns: ``(stream, stat)``: a :class:`~clibdocker.stream.RawStream`
            (iterate it, or ``write_to(file_or_fd)``) and the path's stat
            (``name``, ``size``, ``mode``, ``mtime``, ``linkTarget``).
        :op: ContainerArchive
        """
        s = self._native.container_archive_get(_cid(container), path, encode_stream)
        raw = s.archive_stat()
        stat = loads(raw) if raw is not None else None
        return RawStream(s, chunk_size), stat

    def put_archive(self, container: ContainerRef, path: str,
                    data: Union[bytes, Iterable[bytes], Any],
                    no_overwrite_dir_non_dir: Optional[bool] = None,
                    copy_uid_gid: Optional[bool] = None) -> bool:
        """PUT /containers/{id}/archive: extract a tar archive into directory
        ``path`` (which must exist) of the container.

        :param data: the tar as bytes, a binary file object, or an iterable of
            bytes chunks; streamed, never held whole by clibdocker.
        :param no_overwrite_dir_non_dir, copy_uid_gid: beyond docker-py, the
            API's ``noOverwriteDirNonDir`` and ``copyUIDGID``.
        :returns: True.
        :op: PutContainerArchive
        """
        reader = Reader(data)
        self._native.container_archive_put(
            _cid(container), path,
            -1 if no_overwrite_dir_non_dir is None else int(no_overwrite_dir_non_dir),
            -1 if copy_uid_gid is None else int(copy_uid_gid), reader)
        return True
