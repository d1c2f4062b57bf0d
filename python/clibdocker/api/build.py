"""Build API methods (docker-py's ``BuildApiMixin``)."""
from __future__ import annotations

import io
import json
import os
import time
from typing import IO, Any, Dict, Iterator, List, Optional, Sequence, Union

from .. import errors
from ..reference import check_reference
from ..utils import convert_filters
from ._base import BaseMixin
from ._progress import iterate

_REMOTE_PREFIXES = ("http://", "https://", "git://", "github.com/", "git@")


def _dockerfile_tar(fileobj: Any) -> bytes:
    """A context holding only a Dockerfile (docker-py's ``mkbuildcontext``)."""
    data = fileobj.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    buf = io.BytesIO()
    import tarfile  # lazily: only a Dockerfile-object build needs it
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        info.mtime = int(time.time())
        t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _build_error(text: str, log: List[Any]) -> errors.BuildError:
    return errors.BuildError(text, log)


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
              use_config_proxy: bool = True) -> Iterator[Any]:
        """POST /build: build an image.

        The context is one of: ``path``, a directory (walked and sent as a tar
        while the request runs, never whole in memory, honouring its
        ``.dockerignore`` with the Docker CLI's rules), or a git/HTTP URL the
        engine fetches; ``fileobj``, a Dockerfile; or with
        ``custom_context=True`` ``fileobj`` is a tar (optionally gzip: pass
        ``encoding="gzip"``), streamed as read.

        :param tag: a name (``"app:1"``) or, beyond docker-py, a list of names.
        :param dockerfile: the Dockerfile's path inside the context.
        :param buildargs, labels: dicts; ``cache_from``: image names;
            ``extra_hosts``: ``{"host": "ip"}`` or ``["host:ip"]``;
            ``container_limits``: ``memory``, ``memswap``, ``cpushares``,
            ``cpusetcpus``, ``cpuperiod``, ``cpuquota``.
        :returns: an iterator of the progress messages (bytes, or dicts with
            ``decode``); the image id arrives as ``{"aux": {"ID": ...}}`` and
            in ``"Successfully built ..."``.
        :raises: :class:`~clibdocker.errors.BuildError` (beyond docker-py,
            whose low-level build never raises) at the end of the iteration
            when the build failed, with the message and ``build_log``, the
            decoded messages. ``gzip=True`` compresses a directory context
            (in C, while it is sent); ``use_config_proxy`` and ``timeout``
            are ignored; ``isolation`` (Windows) is not supported.
        :op: ImageBuild
        """
        if path is None and fileobj is None:
            raise TypeError("Either path or fileobj needs to be provided.")
        if isolation is not None:
            raise errors.UnsupportedError("build: isolation is not supported by clibdocker")
        tags: Optional[List[str]] = None
        if tag is not None:
            tags = [tag] if isinstance(tag, str) else list(tag)
            for t in tags:
                check_reference(t)
        limits = dict(container_limits or {})
        bad = set(limits) - {"memory", "memswap", "cpushares", "cpusetcpus", "cpuperiod",
                             "cpuquota"}
        if bad:
            raise errors.DockerException(f"invalid container_limits key(s): {sorted(bad)}")
        hosts: Optional[List[str]] = None
        if extra_hosts is not None:
            hosts = ([f"{k}:{v}" for k, v in sorted(extra_hosts.items())]
                     if isinstance(extra_hosts, dict) else list(extra_hosts))
        opts: Dict[str, Any] = {
            "dockerfile": dockerfile, "tags": tags, "extra_hosts": hosts,
            "quiet": bool(quiet), "nocache": bool(nocache), "pull": bool(pull),
            "rm": bool(rm), "forcerm": bool(forcerm),
            "squash": None if squash is None else bool(squash),
            "memory": limits.get("memory"), "memswap": limits.get("memswap"),
            "cpushares": limits.get("cpushares"), "cpuperiod": limits.get("cpuperiod"),
            "cpuquota": limits.get("cpuquota"),
            "cpusetcpus": limits.get("cpusetcpus"),
            "shmsize": shmsize,
            "buildargs_json": json.dumps(buildargs) if buildargs else None,
            "labels_json": json.dumps(labels) if labels else None,
            "cachefrom_json": json.dumps(list(cache_from)) if cache_from else None,
            "networkmode": network_mode, "platform": platform, "target": target,
            "content_encoding": encoding if custom_context else None,
            "registry_config_json": self._all_auth_json(),
        }
        context_dir: Optional[str] = None
        body: Any = None
        if path is not None and fileobj is None:
            if path.startswith(_REMOTE_PREFIXES):
                opts["remote"] = path
            else:
                if not os.path.isdir(path):
                    raise errors.InvalidArgument(f"build: {path!r} is not a directory")
                if dockerfile and os.path.isabs(dockerfile):
                    rel = os.path.relpath(dockerfile, path)
                    if rel.startswith(".."):
                        raise errors.InvalidArgument(
                            "build: the Dockerfile must be inside the build context")
                    opts["dockerfile"] = rel
                context_dir = path
                if gzip:   # as docker-py: only a directory context is compressed
                    opts["content_encoding"] = "gzip"
        elif custom_context:
            body = fileobj
        else:
            body = _dockerfile_tar(fileobj)
        st = self._native.image_build(opts, context_dir, body)
        return iterate(st, decode, _build_error, keep_log=True)

    def prune_builds(self, filters: Optional[Dict[str, Any]] = None,
                     keep_storage: Optional[int] = None,
                     all: Optional[bool] = None) -> Dict[str, Any]:
        """POST /build/prune: delete build cache. Returns ``CachesDeleted`` and
        ``SpaceReclaimed``.

        :op: BuildPrune
        """
        return json.loads(self._native.build_prune(  # type: ignore[no-any-return]
            -1 if all is None else (1 if all else 0),
            convert_filters(filters) if filters else None,
            -1 if keep_storage is None else int(keep_storage)))
