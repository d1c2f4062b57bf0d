"""Build API methods (docker-py's ``BuildApiMixin``) and
:func:`process_dockerfile`."""
from __future__ import annotations

import io
import json
import os
import time
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from .._binding import json_loads
from .. import _lazy, errors
from ..reference import check_reference
from ..utils import convert_filters
from ._base import BaseMixin
from ._progress import ProgressStream

_REMOTE_PREFIXES = ("http://", "https://", "git://", "github.com/", "git@")
_LIMIT_KEYS = ("memory", "memswap", "cpushares", "cpusetcpus", "cpuperiod", "cpuquota")


class InvalidBuildArgument(errors.InvalidArgument, TypeError):
    """A :meth:`BuildApiMixin.build` argument refused before any work: no
    ``path`` nor ``fileobj``, a ``path`` that is no directory, an argument
    of the wrong type. Also a ``TypeError``, what docker-py raises there."""


class DockerfileNotFound(errors.DockerException, FileNotFoundError):
    """The Dockerfile given outside the build context does not exist (also
    the ``FileNotFoundError`` docker-py lets through)."""


# ``log``, this module's logger, made on first use (start-up time)
__getattr__, __dir__ = _lazy.names(__name__, {"log": _lazy.LOGGER})


def _outside(dockerfile: str, path: str) -> Optional[str]:
    """The absolute path of ``dockerfile`` (relative to ``path`` or
    absolute) when it lies outside the directory ``path``, else None."""
    full = dockerfile if os.path.isabs(dockerfile) else os.path.join(path, dockerfile)
    if os.path.splitdrive(full)[0] != os.path.splitdrive(path)[0]:
        return full
    rel = os.path.relpath(full, path)
    return full if rel == os.pardir or rel.startswith(os.pardir + os.sep) else None


def process_dockerfile(dockerfile: Optional[str],
                       path: str) -> Tuple[Optional[str], Optional[str]]:
    """Where the Dockerfile of a build from the directory ``path`` goes, as
    docker-py's function of that name answers: ``(None, None)`` without a
    Dockerfile; ``(name, None)`` for one inside the context (an absolute
    path made relative to ``path``); for one outside it, ``(generated name,
    its text)``: the text is to be sent inside the context as
    ``.dockerfile.<40 hex digits>`` (:meth:`BuildApiMixin.build` does it
    itself, in the C context writer).

    :raises FileNotFoundError: the Dockerfile outside the context is missing.
    """
    if not dockerfile:
        return None, None
    full = _outside(dockerfile, path)
    if full is not None:
        import secrets
        with open(full) as f:
            text = f.read()
        return f".dockerfile.{secrets.token_hex(20)}", text
    if os.path.isabs(dockerfile):
        return os.path.relpath(dockerfile, path), None
    return dockerfile, None


def _dockerfile_tar(fileobj: Any) -> bytes:
    """A context holding only a Dockerfile (docker-py's ``mkbuildcontext``);
    ``fileobj`` is a file object (binary or text) or the text itself."""
    data = _dockerfile_bytes(fileobj)
    buf = io.BytesIO()
    import tarfile  # lazily: only a Dockerfile-object build needs it
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        info.mtime = int(time.time())
        t.addfile(info, io.BytesIO(bytes(data)))
    return buf.getvalue()


def _dockerfile_bytes(fileobj: Any) -> bytes:
    """The Dockerfile text of a ``fileobj`` build (a file object, binary or
    text, or the text itself)."""
    if isinstance(fileobj, io.BytesIO):
        data: Any = fileobj.getvalue()  # all of it, wherever its position (as docker-py)
    else:
        data = fileobj.read() if hasattr(fileobj, "read") else fileobj
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray)):
        raise InvalidBuildArgument("build: fileobj must be a file object holding a Dockerfile")
    return bytes(data)


class _BuildStream(ProgressStream):
    """The messages of a build, as docker-py's low-level ``build`` yields
    them: a failed build is one more message (``error``/``errorDetail``),
    never an exception; raw messages end with ``\\r\\n`` as the engine's
    chunks do."""

    __slots__ = ()

    def _step(self, nowait: bool) -> Any:
        item = super()._step(nowait)
        self._error = None
        return item


def _check_str(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidBuildArgument(f"build: {name} must be a string, not "
                                   f"{type(value).__name__}")


def _check_map(name: str, value: Any) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidBuildArgument(f"build: {name} must be a dict, not {type(value).__name__}")
    return dict(value)


def _limit_value(key: str, value: Any) -> Any:
    """A ``container_limits`` value as the engine reads docker-py's query
    parameter: ``cpusetcpus`` a string; the others integers, where a value
    that is not one (``"1g"``, ``1.5``) counts as unset (the engine's
    ``Int64ValueOrZero``), so it is left out, with a warning."""
    if value is None:
        return None
    if key == "cpusetcpus":
        _check_str("container_limits['cpusetcpus']", value)
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text and text.lstrip("-").isdigit() and text.isascii():
        return int(text)
    import warnings
    warnings.warn(f"build: container_limits[{key!r}]={value!r} is not an integer; "
                  "the engine ignores it (as with docker-py)", UserWarning, stacklevel=4)
    return None


def _check_int(name: str, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidBuildArgument(f"build: {name} must be an integer, not "
                                   f"{type(value).__name__}")


def _str_list(name: str, value: Any) -> Optional[List[str]]:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) for v in items):
        raise InvalidBuildArgument(f"build: {name} must be a string or a list of strings")
    return list(items)


class BuildApiMixin(BaseMixin):

    def build(self, path: Optional[str] = None, tag: Union[None, str, Sequence[str]] = None,
              quiet: bool = False, fileobj: Any = None, nocache: bool = False,
              rm: bool = False, timeout: Optional[float] = None,
              custom_context: bool = False, encoding: Optional[str] = None,
              pull: bool = False, forcerm: bool = False, dockerfile: Optional[str] = None,
              container_limits: Optional[Dict[str, Any]] = None, decode: bool = False,
              buildargs: Optional[Dict[str, str]] = None, gzip: bool = False,
              shmsize: Optional[int] = None, labels: Optional[Dict[str, str]] = None,
              cache_from: Optional[Sequence[str]] = None, target: Optional[str] = None,
              network_mode: Optional[str] = None, squash: Optional[bool] = None,
              extra_hosts: Union[None, Dict[str, str], Sequence[str]] = None,
              platform: Optional[str] = None, isolation: Optional[str] = None,
              use_config_proxy: bool = True, buildkit: Optional[bool] = None,
              secrets: Optional[Mapping[str, Any]] = None,
              output: Any = None, ssh: Any = None) -> Iterator[Any]:
        """POST /build: build an image (the classic builder, or BuildKit).

        With ``buildkit=True`` (default: ``DOCKER_BUILDKIT=1`` in the
        environment, for a directory context) the build runs on the engine's
        BuildKit through a session (:mod:`clibdocker.buildkit`): the context
        directory is sent incrementally (only the files the engine's cached
        copy lacks), ``.dockerignore`` applied by the engine's frontend as the
        classic builder does, ``secrets`` (``{id: path or bytes}``) are
        served to ``RUN --mount=type=secret,id=...`` and never enter the
        image; progress comes as ``{"id": "moby.buildkit.trace", "aux":
        {...}}`` messages (decoded with ``decode``; print them with
        :class:`clibdocker.buildkit.PlainProgress`) and the image id as
        ``{"id": "moby.image.id", "aux": {"ID": ...}}``. BuildKit needs a
        directory ``path``; ``container_limits``, ``shmsize``, ``rm``,
        ``forcerm``, ``squash`` are ignored by the engine there.
        ``output`` (BuildKit only): ``"type=local,dest=DIR"`` writes the
        result's files under ``DIR``, ``"type=tar,dest=FILE"`` its tar to
        ``FILE`` (a dict ``{"type": ..., "dest": ...}`` too), through the
        session (FileSend); no image is made then. ``ssh`` (BuildKit
        only), as the CLI's ``--ssh``: ``"default"`` forwards the agent of
        ``$SSH_AUTH_SOCK`` to ``RUN --mount=type=ssh``; ``"id=SOCKET"``, a
        list of those or ``{id: SOCKET}`` name others.

        The context is one of: ``path``, a directory (walked and sent as a tar
        while the request runs, never whole in memory, honouring its
        ``.dockerignore`` with the Docker CLI's rules), or a git/HTTP URL the
        engine fetches; ``fileobj``, a Dockerfile; or with
        ``custom_context=True`` ``fileobj`` is a tar (a file object or an
        iterable of chunks; pass ``encoding="gzip"`` when compressed),
        streamed as read.

        :param tag: a name (``"app:1"``) or, beyond docker-py, a list of names.
        :param dockerfile: the Dockerfile, relative to ``path`` or absolute.
            One outside the context (``../df``, ``/elsewhere/df``) is sent
            inside it as ``.dockerfile.<random hex>``, as docker-py and the
            Docker CLI do; the engine drops it from the context.
        :param gzip: compress a directory context while it is sent.
        :param buildargs, labels: dicts; ``cache_from``: image names;
            ``extra_hosts``: ``{"host": "ip"}`` or ``["host:ip"]``;
            ``container_limits``: ``memory``, ``memswap``, ``cpushares``,
            ``cpusetcpus``, ``cpuperiod``, ``cpuquota``; ``isolation``:
            ``"default"`` on Linux engines.
        :param use_config_proxy: add the docker config's proxy settings
            (``HTTP_PROXY``…) as build args, unless ``buildargs`` sets them.
        :param timeout: accepted for docker-py compatibility; the build runs
            as long as the engine needs (the client timeout is not applied).
        :returns: an iterator of the engine's messages (bytes ending with
            ``\\r\\n``, or dicts with ``decode``): ``{"stream": ...}`` lines,
            ``{"aux": {"ID": "sha256:..."}}`` with the image id. A failed
            build does not raise: its last message is ``{"errorDetail":
            {"code": ..., "message": ...}, "error": ...}`` as with docker-py
            (:meth:`clibdocker.DockerClient.images.build` raises
            :class:`~clibdocker.errors.BuildError`). Also ``close()`` and
            ``async for``.
        :raises: :class:`InvalidBuildArgument` (an ``InvalidArgument`` and a
            ``TypeError``) for no ``path``/``fileobj``, a ``path`` that is no
            directory, ``custom_context`` without ``fileobj`` or an argument
            of the wrong type; :class:`~clibdocker.errors.InvalidArgument`
            for ``gzip`` with another ``encoding``, unknown
            ``container_limits`` keys or a bad ``.dockerignore`` pattern;
            :class:`~clibdocker.errors.InvalidRepository` for a malformed
            tag; :class:`DockerfileNotFound` for a missing Dockerfile outside
            the context -- all before anything is read or sent.
            :class:`~clibdocker.errors.APIError` when the engine refuses the
            request (e.g. no Dockerfile in the context, a Dockerfile syntax
            error).
        :op: ImageBuild
        """
        # every argument is checked before anything is read or walked
        if path is None and fileobj is None:
            raise InvalidBuildArgument("Either path or fileobj needs to be provided.")
        if buildkit is not None and not isinstance(buildkit, bool):
            raise InvalidBuildArgument("build: buildkit must be a bool")
        if ssh is not None and buildkit is not True:
            from ..buildkit import env_default
            if buildkit is False or not env_default():
                raise errors.InvalidArgument("build: ssh needs buildkit=True")
        if output is not None and buildkit is not True:
            from ..buildkit import env_default
            if buildkit is False or not env_default():
                raise errors.InvalidArgument("build: output needs buildkit=True")
        if secrets is not None and buildkit is not True:
            from ..buildkit import env_default
            if buildkit is False or not env_default():
                raise errors.InvalidArgument("build: secrets need buildkit=True")
        if path is not None:
            if isinstance(path, os.PathLike):
                path = os.fspath(path)
            if not isinstance(path, str):
                raise InvalidBuildArgument(f"build: path must be a string, not "
                                           f"{type(path).__name__}")
        for name, value in (("encoding", encoding), ("dockerfile", dockerfile),
                            ("target", target), ("network_mode", network_mode),
                            ("platform", platform), ("isolation", isolation)):
            _check_str(name, value)
        if gzip and encoding is not None and encoding.lower() != "gzip":
            raise errors.InvalidArgument(
                f"build: gzip=True compresses with gzip; it cannot be used with "
                f"encoding={encoding!r}")
        if custom_context and fileobj is None:
            raise InvalidBuildArgument("build: custom_context=True needs fileobj (the tar)")
        tags = _str_list("tag", tag)
        for t in tags or ():
            try:
                check_reference(t)
            except errors.InvalidRepository:
                # docker-py's own check, its class (under the alias) and words
                raise errors.plain_docker_error(
                    errors.InvalidRepository,
                    f"invalid tag '{t}': invalid reference format") from None
        limits = _check_map("container_limits", container_limits) or {}
        bad = sorted(str(k) for k in limits if k not in _LIMIT_KEYS)
        if bad:
            # docker-py raises a bare DockerException here (with a message
            # about the tag); ours names the keys
            raise errors.plain_docker_error(
                errors.InvalidArgument,
                f"build: invalid container_limits key(s) {bad}; valid: {list(_LIMIT_KEYS)}")
        limits = {k: _limit_value(k, v) for k, v in limits.items()}
        try:
            _check_int("shmsize", shmsize)
        except InvalidBuildArgument as e:
            # docker-py sends it; the engine answers 500
            raise errors.refused_as_engine(e, 500) from None
        if timeout is not None and (isinstance(timeout, bool)
                                    or not isinstance(timeout, (int, float))):
            raise InvalidBuildArgument("build: timeout must be a number of seconds")
        try:
            args = _check_map("buildargs", buildargs) or {}
            label_map = _check_map("labels", labels)
        except InvalidBuildArgument as e:
            # docker-py sends json.dumps() of it; the engine answers 400
            raise errors.refused_as_engine(e, 400) from None
        cache = _str_list("cache_from", cache_from)
        hosts: Optional[List[str]] = None
        if isinstance(extra_hosts, Mapping):
            hosts = [f"{k}:{v}" for k, v in sorted(extra_hosts.items())]
        else:
            hosts = _str_list("extra_hosts", extra_hosts)

        context_dir: Optional[str] = None
        remote: Optional[str] = None
        body: Any = None
        if buildkit is None and path is not None and fileobj is None and \
                not custom_context and "DOCKER_BUILDKIT" in os.environ:
            from ..buildkit import env_default
            buildkit = env_default() and not path.startswith(_REMOTE_PREFIXES)
        bk_dockerfile: Optional[bytes] = None
        if buildkit and fileobj is not None and not custom_context:
            # a Dockerfile alone: served from a temporary directory, with an
            # empty context (as `docker build - < Dockerfile` with BuildKit)
            bk_dockerfile = _dockerfile_bytes(fileobj)
        elif buildkit:
            if custom_context or fileobj is not None or path is None or \
                    path.startswith(_REMOTE_PREFIXES):
                raise errors.InvalidArgument(
                    "build: buildkit=True needs a directory path or a Dockerfile fileobj "
                    "(not custom_context or a URL)")
            if not os.path.isdir(path):
                raise InvalidBuildArgument(
                    f"build: path must be a directory (the build context); {path!r} is not")
        if custom_context:
            if isinstance(fileobj, str) or not (
                    isinstance(fileobj, (bytes, bytearray, memoryview))
                    or hasattr(fileobj, "read") or hasattr(fileobj, "__iter__")):
                raise InvalidBuildArgument(
                    "build: with custom_context=True, fileobj must be the context tar: a "
                    "binary file object, bytes or an iterable of bytes chunks")
            body = fileobj
        elif fileobj is not None:
            if bk_dockerfile is None:
                body = _dockerfile_tar(fileobj)
        elif path is not None and path.startswith(_REMOTE_PREFIXES):
            remote = path
        else:
            assert path is not None
            if not os.path.isdir(path):
                raise InvalidBuildArgument(
                    f"build: path must be a directory (the build context) or a "
                    f"git/HTTP URL; {path!r} is not")
            if dockerfile:
                outside = _outside(dockerfile, path)
                if outside is not None and not os.path.isfile(outside):
                    raise DockerfileNotFound(
                        f"build: no Dockerfile {outside!r} (outside the context)")
            context_dir = path  # the C core walks it as it sends it

        if use_config_proxy:
            proxies = getattr(self, "_proxy_configs", None)
            env = proxies.get_environment() if proxies is not None else None
            for k, v in (env or {}).items():
                args.setdefault(k, v)

        opts: Dict[str, Any] = {
            "dockerfile": dockerfile or None, "tags": tags, "extra_hosts": hosts,
            "remote": remote,
            "quiet": bool(quiet), "nocache": bool(nocache), "pull": bool(pull),
            "rm": bool(rm), "forcerm": bool(forcerm),
            "squash": None if squash is None else bool(squash),
            "memory": limits.get("memory"), "memswap": limits.get("memswap"),
            "cpushares": limits.get("cpushares"), "cpuperiod": limits.get("cpuperiod"),
            "cpuquota": limits.get("cpuquota"),
            "cpusetcpus": limits.get("cpusetcpus"),
            "shmsize": shmsize or None,
            "buildargs_json": json.dumps(args) if args else None,
            "labels_json": json.dumps(label_map) if label_map else None,
            "cachefrom_json": json.dumps(cache) if cache else None,
            "networkmode": network_mode or None, "platform": platform,
            "target": target or None, "isolation": isolation,
            # a directory context is compressed in C (gzip, else refused
            # there before anything is read); a prebuilt tar goes as it is
            "content_encoding": (encoding if custom_context else
                                 ("gzip" if gzip else encoding) if context_dir else None),
            "registry_config_json": self._all_auth_json(),
        }
        if buildkit and bk_dockerfile is not None:
            import shutil
            import tempfile
            tmp = tempfile.mkdtemp(prefix="clibdocker-bk-")
            try:
                os.mkdir(os.path.join(tmp, "context"))
                os.mkdir(os.path.join(tmp, "df"))
                with open(os.path.join(tmp, "df", "Dockerfile"), "wb") as f:
                    f.write(bk_dockerfile)
                stream = self._build_buildkit(os.path.join(tmp, "context"),
                                              os.path.join(tmp, "df", "Dockerfile"), opts,
                                              secrets, decode, output, ssh)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            stream.on_close(lambda: shutil.rmtree(tmp, ignore_errors=True))  # type: ignore[attr-defined]
            return stream
        if buildkit:
            assert path is not None
            return self._build_buildkit(path, dockerfile, opts, secrets, decode, output, ssh)
        st = self._native.image_build(opts, context_dir, body)
        return _BuildStream(st, decode, lambda text, log: errors.BuildError(text, log))

    def open_session(self, context: Optional[str] = None,
                     dockerfile_dir: Optional[str] = None,
                     secrets: Optional[Mapping[str, Any]] = None,
                     name: Optional[str] = None) -> Any:
        """POST /session: open a BuildKit session (upgraded to HTTP/2, served
        by a C thread of its own: health checks, FileSync for ``context``
        and ``dockerfile_dir``, Secrets for ``secrets``), for builds started
        with its ``id``; :meth:`build` with ``buildkit=True`` opens its own.

        :returns: a :class:`clibdocker.buildkit.BuildKitSession` (``id``,
            ``stats()``, ``error()``, ``close()``; a context manager).
        :op: Session
        """
        from .. import buildkit as bk
        from .._binding import Session
        data = bk.load_secrets(secrets)
        for label, d in (("context", context), ("dockerfile_dir", dockerfile_dir)):
            if d is not None and not os.path.isdir(d):
                raise InvalidBuildArgument(f"open_session: {label} {d!r} is not a directory")
        s = Session(self._native, name, None)
        try:
            if context is not None:
                s.add_dir("context", os.path.abspath(context))
            if dockerfile_dir is not None or context is not None:
                s.add_dir("dockerfile", os.path.abspath(dockerfile_dir or context or "."))
            for sid, value in data.items():
                s.add_secret(sid, value)
            s.open()
        except BaseException:
            s.close()
            raise
        return bk.BuildKitSession(s)

    def _build_buildkit(self, path: str, dockerfile: Optional[str], opts: Dict[str, Any],
                        secrets: Optional[Mapping[str, Any]], decode: bool,
                        output: Any = None, ssh: Any = None) -> Iterator[Any]:
        """The BuildKit path of :meth:`build`: a session serving the
        context, the Dockerfile's directory and the secrets, then the build
        on it."""
        from .. import buildkit as bk
        from .._binding import Session
        data = bk.load_secrets(secrets)
        out_spec = bk.parse_output(output) if output is not None else None
        agents = bk.parse_ssh(ssh) if ssh is not None else {}
        df = dockerfile or "Dockerfile"
        full = df if os.path.isabs(df) else os.path.join(path, df)
        df_dir, df_name = os.path.split(os.path.abspath(full))
        if not os.path.isfile(full):
            raise DockerfileNotFound(f"build: no Dockerfile {full!r}")
        opts = dict(opts)
        auth_json = opts.get("registry_config_json")
        for k in ("memory", "memswap", "cpushares", "cpuperiod", "cpuquota", "cpusetcpus",
                  "shmsize", "squash", "content_encoding", "registry_config_json", "remote"):
            opts[k] = None
        opts["dockerfile"] = df_name
        out_file: Any = None
        if out_spec is not None:
            opts["outputs"] = json.dumps([{"Type": out_spec["type"], "Attrs": {}}])
        ctx = os.path.abspath(path)
        session = Session(self._native, os.path.basename(ctx) or "context", None)
        try:
            if out_spec is not None and out_spec["type"] == "local":
                session.set_output(os.path.abspath(out_spec["dest"]), -1)
            elif out_spec is not None:
                out_file = open(out_spec["dest"], "wb")
                session.set_output(None, out_file.fileno())
            session.add_dir("context", ctx)
            session.add_dir("dockerfile", df_dir)
            for sid, value in data.items():
                session.add_secret(sid, value)
            for sid, sock in agents.items():
                session.add_ssh(sid, sock)
            if auth_json:
                session.set_auth(auth_json)  # the engine's pulls ask the session
            session.open()
            buildid = bk.new_buildid()
            st = self._native.image_build_session(opts, session, buildid)
        except BaseException:
            session.close()
            if out_file is not None:
                out_file.close()
            raise
        stream = bk.BuildKitStream(st, session, decode, buildid, None, self._native.build_cancel)
        if out_file is not None:
            stream.on_close(out_file.close)
        return stream

    def prune_builds(self, filters: Optional[Dict[str, Any]] = None,
                     keep_storage: Optional[int] = None,
                     all: Optional[bool] = None) -> Dict[str, Any]:
        """POST /build/prune: delete build cache. Returns ``CachesDeleted`` and
        ``SpaceReclaimed``.

        :op: BuildPrune
        """
        return json_loads(self._native.build_prune(  # type: ignore[no-any-return]
            -1 if all is None else (1 if all else 0),
            convert_filters(filters) if filters else None,
            -1 if keep_storage is None else int(keep_storage)))
