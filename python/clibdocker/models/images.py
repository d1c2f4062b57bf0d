"""Images: docker-py's ``Image``, ``RegistryData`` and ``ImageCollection``
(``client.images``)."""
from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from .. import errors
from ..api.image import DEFAULT_DATA_CHUNK_SIZE
from ..reference import parse_repository_tag
from .resource import Collection, Model, dig

# names docker-py's module holds (programs import them from here)
from ..api import APIClient  # noqa: F401
from ..errors import BuildError, ImageLoadError, InvalidArgument  # noqa: F401
from .resource import lazy_names

__getattr__ = lazy_names(__name__, {
    "json_stream": ("clibdocker.utils.json_stream", "json_stream"),
})

_BUILT_RE = re.compile(r"(^Successfully built |sha256:)([0-9a-f]+)$")
_LOADED_RE = re.compile(r"(^Loaded image ID: |^Loaded image: )(.+)$")


class Image(Model):
    """An image on the engine; ``attrs`` is its ``inspect_image`` JSON."""

    def __repr__(self) -> str:
        tag_str = "', '".join(self.tags)
        return f"<{self.__class__.__name__}: '{tag_str}'>"

    @property
    def labels(self) -> Dict[str, str]:
        """The image's labels (``{}`` when it has none)."""
        return dig(self.attrs, "Config", "Labels") or {}

    @property
    def short_id(self) -> str:
        """The id truncated to 12 hex digits, keeping a ``sha256:`` prefix."""
        i = self.id or ""
        return i[:19] if i.startswith("sha256:") else i[:12]

    @property
    def tags(self) -> List[str]:
        """The image's ``repo:tag`` names (``<none>:<none>`` left out)."""
        tags = self.attrs.get("RepoTags") or []
        return [t for t in tags if t != "<none>:<none>"]

    def history(self) -> List[Dict[str, Any]]:
        """The image's layers, newest first (``docker history``)."""
        return self.client.api.history(self._require_id())

    def remove(self, force: bool = False, noprune: bool = False) -> Any:
        """Remove this image (``docker rmi``)."""
        return self.client.api.remove_image(self._require_id(), force=force, noprune=noprune)

    def save(self, chunk_size: Optional[int] = DEFAULT_DATA_CHUNK_SIZE,
             named: Union[bool, str] = False) -> Iterator[bytes]:
        """The image as a tar, as an iterator of chunks (``docker save``).

        :param named: False: saved by id (no repository/tag in the tar);
            True: under its first tag; a string: under that tag, which must
            be one of :attr:`tags`.
        """
        img = self._require_id()
        if named:
            img = self.tags[0] if self.tags else img
            if isinstance(named, str):
                if named not in self.tags:
                    raise errors.InvalidArgument(f"{named} is not a valid tag for this image")
                img = named
        return self.client.api.get_image(img, chunk_size)

    def tag(self, repository: str, tag: Optional[str] = None, **kwargs: Any) -> bool:
        """Tag this image as ``repository[:tag]`` (``docker tag``); True on success."""
        return self.client.api.tag(self._require_id(), repository, tag=tag, **kwargs)


def normalize_platform(platform: Optional[Dict[str, str]],
                       engine_info: Dict[str, Any]) -> Dict[str, str]:
    """A platform dict with ``os`` and ``architecture`` filled in from the
    engine's ``version()`` where missing."""
    p = dict(platform or {})
    p.setdefault("os", engine_info.get("Os"))  # type: ignore[arg-type]
    p.setdefault("architecture", engine_info.get("Arch"))  # type: ignore[arg-type]
    return p


class RegistryData(Model):
    """What a registry holds for an image name (``inspect_distribution``):
    the descriptor and the available platforms."""

    def __init__(self, image_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.image_name = image_name

    @property
    def id(self) -> Optional[str]:
        """The digest of the image in the registry."""
        v = dig(self.attrs, "Descriptor", "digest")
        return v if isinstance(v, str) else None

    @property
    def short_id(self) -> str:
        """The digest truncated to ``sha256:`` + 12 hex digits."""
        return (self.id or "")[:19]

    def pull(self, platform: Optional[str] = None) -> Any:
        """Pull this digest; the :class:`Image`."""
        repository, _ = parse_repository_tag(self.image_name)
        return self.collection.pull(repository, tag=self._require_id(),  # type: ignore[attr-defined]
                                    platform=platform)

    def has_platform(self, platform: Union[None, str, Dict[str, str]]) -> bool:
        """Whether the registry has this image for ``platform``
        (``"os[/arch[/variant]]"`` or a platform dict)."""
        if platform and not isinstance(platform, dict):
            parts = platform.split("/")
            if len(parts) > 3 or len(parts) < 1:
                raise errors.InvalidArgument(f'"{platform}" is not a valid platform descriptor')
            d = {"os": parts[0]}
            if len(parts) > 2:
                d["variant"] = parts[2]
            if len(parts) > 1:
                d["architecture"] = parts[1]
            platform = d
        want = normalize_platform(platform or None, self.client.version())
        return want in (self.attrs.get("Platforms") or [])

    def reload(self) -> None:
        """Ask the registry again."""
        self.attrs = self.client.api.inspect_distribution(self.image_name)


def _is_error_message(m: Any) -> bool:
    """Whether a progress message (dict, or its JSON text) reports an error."""
    if isinstance(m, dict):
        return "error" in m or "errorDetail" in m
    if isinstance(m, str):
        m = m.encode("utf-8", "replace")
    return isinstance(m, bytes) and m.lstrip().startswith(b"{") and b'"error' in m


def _errors_inline(messages: Any) -> Iterator[Any]:
    """The messages of a progress stream; once one of them carried an
    error, the exception the low-level stream raises for it at its end is
    dropped (the error stays in the messages, as docker-py returns it)."""
    it = iter(messages)
    seen_error = False
    try:
        while True:
            try:
                m = next(it)
            except StopIteration:
                return
            except errors.DockerException:
                if seen_error:
                    return
                raise
            if _is_error_message(m):
                seen_error = True
            yield m
    finally:
        close = getattr(messages, "close", None)
        if close is not None:
            close()


class ImageCollection(Collection[Image]):
    """The engine's images (``client.images``)."""

    model = Image

    def build(self, **kwargs: Any) -> Tuple[Image, Iterator[Any]]:
        """Build an image and return it (``docker build``): arguments as
        :meth:`clibdocker.APIClient.build` (``path``, ``fileobj``, ``tag``,
        ``buildargs``, ``dockerfile``, ``labels``…; ``buildkit=True`` or
        ``DOCKER_BUILDKIT=1`` builds on BuildKit through a session, with
        ``secrets`` and ``ssh``; the logs then hold the decoded
        ``moby.buildkit.trace`` messages).

        :returns: ``(image, logs)``: the built :class:`Image` and an iterator
            of the build's decoded messages.
        :raises BuildError: the build failed (its ``build_log`` holds the
            messages received).
        """
        kwargs.pop("decode", None)
        log: List[Any] = []
        image_id: Optional[str] = None
        last: Any = None
        messages = self.client.api.build(decode=True, **kwargs)
        try:
            for chunk in messages:
                log.append(chunk)
                if not isinstance(chunk, dict):
                    continue
                if "error" in chunk or "errorDetail" in chunk:
                    text = chunk.get("error") or dig(chunk, "errorDetail", "message")
                    raise errors.BuildError(str(text), iter(log))
                s = chunk.get("stream")
                if isinstance(s, str):
                    m = _BUILT_RE.search(s.strip())
                    if m:
                        image_id = m.group(2)
                aux = dig(chunk, "aux", "ID")
                if isinstance(aux, str) and aux.startswith("sha256:"):
                    image_id = aux[len("sha256:"):]
                last = chunk
        except errors.BuildError as e:
            if not isinstance(e.build_log, Iterator):
                e.build_log = iter(log)
            raise
        except errors.APIError as e:
            if e.response is not None:
                raise  # an error status (a Dockerfile refused at once): as docker-py
            # a failure reported inside the build's stream
            raise errors.BuildError(str(e.explanation or e), iter(log)) from e
        finally:
            close = getattr(messages, "close", None)
            if close is not None:
                close()
        if image_id:
            return self.get(image_id), iter(log)
        raise errors.BuildError(str(last or "Unknown"), iter(log))

    def get(self, name: str) -> Image:
        """The image with this name or id.

        :raises ImageNotFound: no such image.
        """
        return self.prepare_model(self.client.api.inspect_image(name))

    def get_registry_data(self, name: str,
                          auth_config: Optional[Dict[str, Any]] = None) -> RegistryData:
        """What the registry has for ``name``: a :class:`RegistryData`."""
        return RegistryData(image_name=name,
                            attrs=self.client.api.inspect_distribution(name, auth_config),
                            client=self.client, collection=self)

    def list(self, name: Optional[str] = None, all: bool = False,
             filters: Optional[Dict[str, Any]] = None) -> List[Image]:
        """The images (``docker images``), each inspected.

        :param name: only this repository (``reference`` filter).
        :param all: include intermediate images.
        :param filters: ``dangling``, ``label``…
        """
        resp = self.client.api.images(name=name, all=all, filters=filters)
        out: List[Image] = []
        for r in resp:
            try:
                out.append(self.get(r["Id"]))
            except errors.ImageNotFound:
                continue  # removed while listing
        return out

    def load(self, data: Any) -> List[Image]:
        """Load images from a tar made by :meth:`Image.save` (``docker
        load``); the loaded :class:`Image` s."""
        names: List[str] = []
        for chunk in self.client.api.load_image(data):
            if isinstance(chunk, dict):
                if "error" in chunk:
                    raise errors.ImageLoadError(str(chunk["error"]))
                s = chunk.get("stream")
                if isinstance(s, str):
                    m = _LOADED_RE.search(s.strip())
                    if m:
                        names.append(m.group(2))
        return [self.get(n) for n in names]

    def pull(self, repository: str, tag: Optional[str] = None, all_tags: bool = False,
             **kwargs: Any) -> Any:
        """Pull an image and return it (``docker pull``); the tag defaults to
        ``latest``. With ``all_tags`` every tag is pulled and a list of
        :class:`Image` is returned. ``auth_config``, ``platform`` as for
        :meth:`clibdocker.APIClient.pull`."""
        repository, image_tag = parse_repository_tag(repository)
        tag = tag or image_tag or "latest"
        if "stream" in kwargs:
            import warnings
            warnings.warn("`stream` is not a valid parameter for this method and will be "
                          "overridden", stacklevel=2)
            del kwargs["stream"]
        # as in docker-py, an error inside the stream is not raised: the
        # image is looked up after it (ImageNotFound then tells the error)
        stream_error: Optional[str] = None
        for m in _errors_inline(self.client.api.pull(repository, tag=tag, stream=True,
                                                     decode=True, all_tags=all_tags,
                                                     **kwargs)):
            if stream_error is None and _is_error_message(m):
                stream_error = str(m.get("error") or dig(m, "errorDetail", "message"))
        try:
            if not all_tags:
                sep = "@" if tag.startswith("sha256:") else ":"
                return self.get(f"{repository}{sep}{tag}")
            return self.list(repository)
        except errors.ImageNotFound as e:
            if stream_error is None:
                raise
            raise errors._twin(errors.ImageNotFound)(f"pull of {repository} failed", e.response,
                                                     stream_error) from e

    def push(self, repository: str, tag: Optional[str] = None, **kwargs: Any) -> Any:
        """Push an image (``stream``, ``decode``, ``auth_config`` as for
        :meth:`clibdocker.APIClient.push`). As in docker-py, a failure the
        registry reports in the progress stream (e.g. ``no basic auth
        credentials``) is returned among the messages, not raised: check
        the messages for ``error``/``errorDetail``.

        :returns: the progress text (one JSON message per line), or with
            ``stream=True`` an iterator of messages (dicts with ``decode``).
        """
        stream = bool(kwargs.pop("stream", False))
        decode = bool(kwargs.pop("decode", False)) and stream
        messages = self.client.api.push(repository, tag=tag, stream=True, decode=decode,
                                        **kwargs)
        items = _errors_inline(messages)
        if stream:
            return items
        # each raw message ends with \r\n, as docker-py's chunks do
        return "".join(m.decode("utf-8", "replace") if isinstance(m, bytes) else str(m) + "\r\n"
                       for m in items)

    def remove(self, *args: Any, **kwargs: Any) -> None:
        """Remove an image: :meth:`clibdocker.APIClient.remove_image`."""
        self.client.api.remove_image(*args, **kwargs)

    def search(self, *args: Any, **kwargs: Any) -> Any:
        """Search Docker Hub: :meth:`clibdocker.APIClient.search`."""
        return self.client.api.search(*args, **kwargs)

    def prune(self, filters: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Remove unused images: :meth:`clibdocker.APIClient.prune_images`."""
        return self.client.api.prune_images(filters=filters)

    def prune_builds(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        """Remove build cache: :meth:`clibdocker.APIClient.prune_builds`."""
        return self.client.api.prune_builds(*args, **kwargs)
