"""Image API methods (docker-py's ``ImageApiMixin``) and
``inspect_distribution``."""
from __future__ import annotations

import json
import os
from typing import (IO, TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Optional,
                    Sequence, Union)

from .._binding import json_loads
from .. import _lazy, errors
from ..reference import check_reference, check_repository_tag, parse_repository_tag
from ..utils import convert_filters, filters_dict
from ._base import BaseMixin
from ._progress import as_auth_error, collect, iterate

if TYPE_CHECKING:
    from ..stream import ChunkStream

DEFAULT_DATA_CHUNK_SIZE = 1024 * 2048


def is_file(src: Any) -> bool:
    """True when ``src`` is a string naming an existing regular file (how
    :meth:`ImageApiMixin.import_image` tells a path from data, as
    docker-py's ``is_file``)."""
    if not isinstance(src, str):
        return False
    try:
        return os.path.isfile(src)
    except (TypeError, ValueError):  # e.g. a NUL in data passed as a string
        return False


# ``log``, this module's logger, made on first use (start-up time)
__getattr__, __dir__ = _lazy.names(__name__, {"log": _lazy.LOGGER})


def _tri(v: Optional[bool]) -> int:
    return -1 if v is None else (1 if v else 0)


def _changes(changes: Union[None, str, Sequence[str]]) -> Optional[str]:
    if changes is None:
        return None
    if isinstance(changes, str):
        return changes
    return "\n".join(changes)


def _name(image: Any, what: str = "image") -> str:
    """An image argument: a name/id string or a dict with ``Id``."""
    if isinstance(image, dict):
        image = image.get("Id") or image.get("ID") or image.get("id")
    if not image:
        raise errors.NullResource("Resource ID was not provided")  # docker-py's words
    if not isinstance(image, str):
        # docker-py's words where it builds the URL (a ValueError): an Image
        # model passed where its id belongs
        raise ValueError(f"Expected a string but found {image} ({type(image)}) instead")
    return image


class ImageApiMixin(BaseMixin):

    # --- config -------------------------------------------------------------

    # --- list, inspect, history ---------------------------------------------

    def images(self, name: Optional[str] = None, quiet: bool = False, all: bool = False,
               filters: Optional[Dict[str, Any]] = None, digests: bool = False,
               shared_size: bool = False) -> List[Any]:
        """GET /images/json: list images.

        :param name: only images of this reference (a ``reference`` filter).
        :param quiet: return only the ids.
        :param all: include intermediate images.
        :param filters: ``dangling``, ``label``, ``before``, ``since``,
            ``reference``.
        :param digests: beyond docker-py: ask for digest details.
        :param shared_size: beyond docker-py: compute ``SharedSize`` (API
            1.42; refused with :class:`~clibdocker.errors.InvalidVersion`
            on older engines).
        :op: ImageList
        """
        f = filters_dict(filters)
        if name:
            f["reference"] = name
            if filters and isinstance(filters, dict):
                filters["reference"] = name  # docker-py writes it into the caller's dict
        try:
            res = json_loads(self._native.image_list(
                1 if all else 0, convert_filters(f) if f else None,
                1 if digests else -1, 1 if shared_size else -1))
        except errors.APIError as e:
            resp = getattr(e, "response", None)
            if quiet and resp is not None and isinstance(resp.url, str):
                # docker-py asks the engine for ids only (only_ids=1); the
                # refusal names that request
                resp.url = resp.url.replace("only_ids=0", "only_ids=1", 1)
            raise
        if quiet:
            return [x["Id"] for x in res]
        return res  # type: ignore[no-any-return]

    def inspect_image(self, image: Any) -> Dict[str, Any]:
        """GET /images/{name}/json. Raises
        :class:`~clibdocker.errors.ImageNotFound` for an unknown image.

        :op: ImageInspect
        """
        return json_loads(self._native.image_inspect(_name(image)))  # type: ignore[no-any-return]

    def history(self, image: Any) -> List[Dict[str, Any]]:
        """GET /images/{name}/history: the layers, newest first.

        :op: ImageHistory
        """
        return json_loads(self._native.image_history(_name(image)))  # type: ignore[no-any-return]

    def image_attestations(self, image: Any, platform: Optional[str] = None,
                           type: Optional[str] = None,
                           statement: Optional[str] = None) -> Any:
        """GET /images/{name}/attestations (beyond docker-py; API 1.55, else
        :class:`~clibdocker.errors.InvalidVersion` before any request).

        :op: ImageAttestations
        """
        return json_loads(self._native.image_attestations(_name(image), platform, type,
                                                           statement))

    # --- tag, remove, search, prune, commit ------------------------------------

    def tag(self, image: Any, repository: str, tag: Optional[str] = None,
            force: bool = False) -> bool:
        """POST /images/{name}/tag. Returns True once tagged. A malformed
        repository or tag is refused before any request
        (:class:`~clibdocker.errors.InvalidRepository`).

        :op: ImageTag
        """
        check_repository_tag(repository, tag, 500)
        self._native.image_tag(_name(image), repository, tag)
        return True

    def remove_image(self, image: Any, force: bool = False,
                     noprune: bool = False) -> List[Dict[str, Any]]:
        """DELETE /images/{name}: returns the ``Untagged``/``Deleted`` list.

        :op: ImageDelete
        """
        return json_loads(self._native.image_delete(  # type: ignore[no-any-return]
            _name(image), 1 if force else 0, 1 if noprune else 0))

    def search(self, term: str, limit: Optional[int] = None,
               filters: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """GET /images/search: search Docker Hub (or the registry named in
        ``term``). Registries without the v1 search API answer with an error
        (:class:`~clibdocker.errors.APIError`).

        :op: ImageSearch
        """
        if not term:
            raise errors.InvalidArgument("search: the term is required")
        return json_loads(self._native.image_search(  # type: ignore[no-any-return]
            term, int(limit or 0), convert_filters(filters) if filters else None))

    def prune_images(self, filters: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """POST /images/prune: delete unused images (``dangling``, ``until``,
        ``label`` filters). Returns ``ImagesDeleted`` and ``SpaceReclaimed``.

        :op: ImagePrune
        """
        res = json_loads(self._native.image_prune(convert_filters(filters) if filters else None))
        return res  # type: ignore[no-any-return]

    def commit(self, container: Any, repository: Optional[str] = None,
               tag: Optional[str] = None, message: Optional[str] = None,
               author: Optional[str] = None, pause: bool = True,
               changes: Union[None, str, Sequence[str]] = None,
               conf: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """POST /commit: a new image from a container's changes. ``changes``
        are Dockerfile instructions (a string or a list); ``conf`` a container
        config. Returns ``{"Id": ...}``.

        :op: ImageCommit
        """
        if isinstance(container, dict):
            container = container.get("Id")
        if not container:
            raise errors.NullResource("commit: a container is required")
        if repository:
            check_repository_tag(repository, tag, 500)
        return json_loads(self._native.image_commit(  # type: ignore[no-any-return]
            container, repository, tag, message, author, 1 if pause else 0,
            _changes(changes), json.dumps(conf) if conf is not None else None))

    # --- pull, push --------------------------------------------------------------

    def pull(self, repository: str, tag: Optional[str] = None, stream: bool = False,
             auth_config: Optional[Dict[str, Any]] = None, decode: bool = False,
             platform: Optional[str] = None, all_tags: bool = False) -> Any:
        """POST /images/create?fromImage=: pull an image.

        ``repository`` may carry a tag or digest (``app:1``,
        ``app@sha256:...``); ``tag`` may be a tag or a digest; ``all_tags``
        pulls every tag. Credentials: ``auth_config``, else those of
        :meth:`login`, else the docker CLI's config and credential helpers.

        :returns: the progress text (one JSON message per line), or with
            ``stream=True`` an iterator of messages (dicts with ``decode``).
            A failure the registry reports inside the stream (a layer that
            cannot be fetched, ...) is a message with ``error`` /
            ``errorDetail``, as in docker-py.
        :raises: :class:`~clibdocker.errors.Unauthorized` for rejected
            credentials, :class:`~clibdocker.errors.InvalidRepository` for a
            malformed reference (before any request), ``APIError`` for other
            failures the engine answers with an error status.
        :op: ImageCreate
        """
        repo, image_tag = parse_repository_tag(repository)
        tag = tag or image_tag or "latest"
        if all_tags:
            tag = None
        check_repository_tag(repo, tag, 400)
        auth_json = self._auth_json(repo, auth_config)
        try:
            st = self._native.image_pull(repo, tag, platform, auth_json)
        except errors.APIError as e:
            raise as_auth_error(e) from None
        # an error reported inside the stream is a message, as in docker-py
        if stream:
            return iterate(st, decode, None)
        return collect(st, None)

    def push(self, repository: str, tag: Optional[str] = None, stream: bool = False,
             auth_config: Optional[Dict[str, Any]] = None, decode: bool = False) -> Any:
        """POST /images/{name}/push: push an image (all its tags when no tag
        is given). Credentials as for :meth:`pull`.

        :returns: the progress text, or with ``stream=True`` an iterator of
            messages; the last ones carry ``aux.Digest``. A failure reported
            inside the stream (rejected credentials included: the engine
            answers 200 and then the error) is a message with ``error`` /
            ``errorDetail``, as in docker-py.
        :raises: ``APIError`` for failures the engine answers with an
            error status.
        :op: ImagePush
        """
        repo, image_tag = parse_repository_tag(repository)
        tag = tag or image_tag
        check_repository_tag(repo, tag, 500)
        auth_json = self._auth_json(repo, auth_config)
        try:
            st = self._native.image_push(repo, tag, auth_json)
        except errors.APIError as e:
            raise as_auth_error(e) from None
        if stream:
            return iterate(st, decode, None)
        return collect(st, None)

    def inspect_distribution(self, image: str,
                             auth_config: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """GET /distribution/{name}/json: the descriptor (digest, media type,
        size) and platforms the registry has for ``image``.

        :op: DistributionInspect
        """
        check_reference(image, 400)
        auth_json = self._auth_json(image, auth_config)
        try:
            return json_loads(self._native.distribution_inspect(  # type: ignore[no-any-return]
                image, auth_json))
        except errors.APIError as e:
            raise as_auth_error(e) from None

    # --- save, load, import ---------------------------------------------------

    def get_image(self, image: Any,
                  chunk_size: Optional[int] = DEFAULT_DATA_CHUNK_SIZE) -> "ChunkStream":
        """GET /images/{name}/get: the image as a tar, as an iterator of
        chunks (at most ``chunk_size`` bytes each; also ``async for``, and
        ``close()``). Memory stays bounded.

        :op: ImageGet
        """
        from ..stream import refused_later
        name = _name(image)
        # docker-py's generator raises the engine's refusal (an unknown image)
        # at the first chunk, not here
        return self._chunks(refused_later(lambda: self._native.image_get(name)), chunk_size)

    def get_images(self, images: Sequence[Any],
                   chunk_size: Optional[int] = DEFAULT_DATA_CHUNK_SIZE) -> "ChunkStream":
        """GET /images/get?names=...: several images in one tar, as chunks
        (beyond docker-py, whose high-level ``save`` uses it).

        :op: ImageGetAll
        """
        if isinstance(images, str) or not images:
            raise errors.InvalidArgument("get_images: a non-empty list of images is required")
        return self._chunks(self._native.image_get_all([_name(i) for i in images]), chunk_size)

    def save_image(self, images: Union[Any, Sequence[Any]],
                   dest: Union[str, "os.PathLike[str]", IO[bytes]]) -> int:
        """Beyond docker-py: write one image (``ImageGet``) or several
        (``ImageGetAll``) as a tar straight to a path or a binary file object
        with a file descriptor, with the GIL released and bounded memory.
        Returns the number of bytes written.

        :op: ImageGet
        """
        if isinstance(images, (list, tuple)):
            st = self._native.image_get_all([_name(i) for i in images])
        else:
            st = self._native.image_get(_name(images))
        if isinstance(dest, (str, os.PathLike)):
            with open(dest, "wb") as f:
                return st.copy_to_fd(f.fileno())
        dest.flush()
        return st.copy_to_fd(dest.fileno())

    @staticmethod
    def _chunks(st: Any, chunk_size: Optional[int]) -> "ChunkStream":
        from ..stream import ChunkStream
        return ChunkStream(st, chunk_size)

    def load_image(self, data: Union[bytes, IO[bytes], Iterable[bytes]],
                   quiet: Optional[bool] = None) -> Iterator[Dict[str, Any]]:
        """POST /images/load: load images from a tar made by
        :meth:`get_image`. ``data`` is bytes, a binary file object or an
        iterable of chunks, sent as it is read (never whole in memory).

        :returns: an iterator of the decoded progress messages (e.g.
            ``{"stream": "Loaded image: ..."}``); a load error is a message
            with ``error`` / ``errorDetail``, as in docker-py (the
            high-level ``images.load`` raises ``ImageLoadError``).
        :op: ImageLoad
        """
        if data is None:
            data = b""  # docker-py sends no body: the engine's error, as a message
        st = self._native.image_load(data, _tri(quiet))
        return iterate(st, True, None)

    def import_image(self, src: Any = None, repository: Optional[str] = None,
                     tag: Optional[str] = None, image: Optional[str] = None,
                     changes: Union[None, str, Sequence[str]] = None,
                     stream_src: bool = False) -> str:
        """POST /images/create?fromSrc=: an image from a root filesystem
        tarball: ``src`` is a path to a tar file, a URL the engine fetches,
        bytes, or a file object / iterable of chunks (streamed). Returns the
        progress text (an error in it is a message, as in docker-py).

        ``image`` instead of ``src``: see :meth:`import_image_from_image`.

        :op: ImageCreate
        """
        if image is not None:
            return self.import_image_from_image(image, repository, tag, changes)
        if repository:
            check_repository_tag(repository, tag, 400)
        body: Any = None
        if isinstance(src, (str, os.PathLike)):
            path = os.fspath(src)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    return self._import("-", repository, tag, changes, f)
            if "://" not in path:
                # docker-py sends it as a URL to fetch: the engine answers 500
                raise errors.refused_as_engine(errors.InvalidArgument(
                    f"import_image: {path!r} is neither a file nor a URL"), 500)
            return self._import(path, repository, tag, changes, None)
        if src is None:
            # docker-py's check, words and class (under the alias)
            raise errors.plain_docker_error(errors.InvalidArgument,
                                            "Must specify src or image to import from")
        body = src
        return self._import("-", repository, tag, changes, body)

    def _import(self, from_src: str, repository: Optional[str], tag: Optional[str],
                changes: Any, body: Any) -> str:
        st = self._native.image_import(from_src, repository, tag, None, _changes(changes),
                                       None, body)
        return collect(st, None)

    def import_image_from_image(self, image: str, repository: Optional[str] = None,
                                tag: Optional[str] = None,
                                changes: Union[None, str, Sequence[str]] = None) -> str:
        """Make ``repository:tag`` from another image, "like the FROM
        Dockerfile parameter". docker-py sends ``fromImage=image&repo=...``,
        which the engine treats as a pull of ``image`` (all its tags when no
        tag is given) and ignores ``repo``; clibdocker does what the name
        says: pulls ``image`` (its own tag, else ``latest``; credentials as
        for :meth:`pull`) and tags it ``repository:tag`` (``tag`` defaults to
        ``latest``). ``changes`` cannot apply to an existing image and is
        refused. Returns the pull's progress text.

        :op: ImageCreate
        """
        if changes:
            raise errors.InvalidArgument(
                "import_image_from_image: changes apply to imported filesystems only; "
                "use commit() to change an image's config")
        repo, image_tag = parse_repository_tag(image)
        if repository:
            check_repository_tag(repository, tag)
        out = str(self.pull(repo, image_tag or "latest"))
        if repository:
            self.tag(f"{repo}{'@' if (image_tag or '').startswith('sha256:') else ':'}"
                     f"{image_tag or 'latest'}", repository, tag or "latest")
        return out

    def import_image_from_data(self, data: Any, repository: Optional[str] = None,
                               tag: Optional[str] = None,
                               changes: Union[None, str, Sequence[str]] = None) -> str:
        """Import from bytes (or a binary file object / iterable of chunks):
        ``data`` is always the tarball itself, as in docker-py, never a path
        or URL (a str is sent as its text; None as an empty body).

        :op: ImageCreate
        """
        if repository:
            check_repository_tag(repository, tag, 400)
        if data is None:
            data = b""
        elif isinstance(data, str):
            data = data.encode("utf-8")
        return self._import("-", repository, tag, changes, data)

    def import_image_from_file(self, filename: str, repository: Optional[str] = None,
                               tag: Optional[str] = None,
                               changes: Union[None, str, Sequence[str]] = None) -> str:
        """Import from a tar file (streamed from disk).

        :op: ImageCreate
        """
        if not os.path.isfile(filename):
            # docker-py sends the name as a URL to fetch: the engine answers 500
            raise errors.refused_as_engine(errors.InvalidArgument(
                f"import_image_from_file: no file {filename!r}"), 500)
        return self.import_image(filename, repository, tag, changes=changes)

    def import_image_from_stream(self, stream: Any, repository: Optional[str] = None,
                                 tag: Optional[str] = None,
                                 changes: Union[None, str, Sequence[str]] = None) -> str:
        """Import from a binary file object or an iterable of chunks.

        :op: ImageCreate
        """
        return self.import_image(stream, repository, tag, changes=changes, stream_src=True)

    def import_image_from_url(self, url: str, repository: Optional[str] = None,
                              tag: Optional[str] = None,
                              changes: Union[None, str, Sequence[str]] = None) -> str:
        """Import from a URL the engine fetches.

        :op: ImageCreate
        """
        return self._import(url, repository, tag, changes, None)
