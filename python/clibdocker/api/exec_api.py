"""Exec API methods (docker-py's ``ExecApiMixin``)."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from .. import _lazy, errors
from .._binding import loads
from ..hijack import HijackedSocket
from ..stream import FrameStream
from ._base import BaseMixin
from .container_io import ContainerRef, _cid, _tty_arg

ExecRef = Union[str, Mapping[str, Any]]


def _eid(exec_id: ExecRef) -> str:
    if isinstance(exec_id, Mapping):
        exec_id = exec_id.get("Id") or exec_id.get("ID")  # type: ignore[assignment]
    if not exec_id:
        raise errors.NullResource("Resource ID was not provided")
    return str(exec_id)


def _format_env(environment: Union[Mapping[str, Any], Sequence[str]]) -> Any:
    """``Env`` of the exec, as docker-py sends it: a dict formatted (``K``
    for None, bytes decoded), a list as it is; anything else (a string) is
    sent unchanged for the engine to refuse (400), never split."""
    if isinstance(environment, Mapping):
        from ..types._util import format_environment
        return format_environment(environment)
    if isinstance(environment, (str, bytes)):
        return environment
    return list(environment)


class ExecApiMixin(BaseMixin):

    def exec_create(self, container: ContainerRef, cmd: Union[str, Sequence[str]],
                    stdout: bool = True, stderr: bool = True, stdin: bool = False,
                    tty: bool = False, privileged: bool = False, user: str = "",
                    environment: Union[None, Mapping[str, Any], Sequence[str]] = None,
                    workdir: Optional[str] = None,
                    detach_keys: Optional[str] = None) -> Dict[str, Any]:
        """POST /containers/{id}/exec: set up a command to run in a running
        container.

        :param cmd: a list, or a string split like a shell would.
        :param environment: ``{"K": "v"}`` or ``["K=v"]``.
        :returns: ``{"Id": ...}``.
        :op: ContainerExec
        """
        if isinstance(cmd, str):
            import shlex  # lazily: start-up
            cmd = shlex.split(cmd)
        data: Dict[str, Any] = {
            "User": user, "Privileged": privileged, "Tty": tty, "AttachStdin": stdin,
            "AttachStdout": stdout, "AttachStderr": stderr,
            # None is sent as null, as docker-py: the engine answers 400
            "Cmd": list(cmd) if cmd is not None else None,
            "Env": _format_env(environment) if environment is not None else None,
        }
        if workdir is not None:
            data["WorkingDir"] = workdir
        if not detach_keys:
            # as docker-py: the docker CLI config's detachKeys by default
            detach_keys = (getattr(self, "_general_configs", None) or {}).get("detachKeys")
        if detach_keys:
            data["detachKeys"] = detach_keys
        return loads(self._native.exec_create(_cid(container), json.dumps(data)))  # type: ignore[no-any-return]

    def exec_inspect(self, exec_id: ExecRef) -> Dict[str, Any]:
        """GET /exec/{id}/json: the exec's state (``Running``, ``ExitCode``,
        ``Pid``, ``ProcessConfig``…).

        :op: ExecInspect
        """
        return loads(self._native.exec_inspect(_eid(exec_id)))  # type: ignore[no-any-return]

    def exec_resize(self, exec_id: ExecRef, height: Optional[int] = None,
                    width: Optional[int] = None) -> None:
        """POST /exec/{id}/resize: resize a running exec's TTY.

        :op: ExecResize
        """
        self._native.exec_resize(_eid(exec_id), -1 if height is None else int(height),
                                 -1 if width is None else int(width))

    def exec_start(self, exec_id: ExecRef, detach: bool = False, tty: Optional[bool] = None,
                   stream: bool = False, socket: bool = False, demux: bool = False) -> Any:
        """POST /exec/{id}/start: run the command.

        :param detach: start it and return at once (returns ``""``).
        :param tty: the ``Tty`` of the start request, which decides whether
            the engine sends the output raw (True) or as stdout/stderr frames
            (False). None (beyond docker-py, whose default is False) takes the
            exec's own TTY setting, except with ``socket=True``, where None is
            False as in docker-py (the socket then carries frames, even for a
            TTY exec).
        :param stream: return a :class:`~clibdocker.stream.FrameStream` of the
            output; once exhausted its ``exit_code`` holds the command's exit
            code.
        :param socket: return a :class:`~clibdocker.hijack.HijackedSocket` to
            write the command's stdin (create the exec with ``stdin=True``).
        :param demux: ``(stdout, stderr)`` instead of mixed bytes (tuples per
            frame when streaming).
        :returns: bytes, a tuple, a FrameStream, a socket, or ``""``.
        :op: ExecStart
        """
        eid = _eid(exec_id)
        if detach:
            self._native.exec_start_detached(eid, 1 if tty else 0)
            return ""
        if socket:
            return HijackedSocket(self._native.exec_start_hijack(eid, 1 if tty else 0))
        s = self._native.exec_start(eid, _tty_arg(tty))

        def exit_code() -> Optional[int]:
            try:
                code = self.exec_inspect(eid).get("ExitCode")
            except errors.DockerException:
                return None
            return code if isinstance(code, int) else None

        fs = FrameStream(s, demux, on_end=exit_code if stream else None)
        if stream:
            return fs
        return fs.read_all()


# ``CancellableStream`` (clibdocker.types.daemon's), as docker-py's module
# binds it
__getattr__, __dir__ = _lazy.names(__name__, {
    "CancellableStream": ("..types.daemon", "CancellableStream")})
