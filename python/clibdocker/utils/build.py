"""Build contexts (docker-py's ``docker.utils.build``): ``.dockerignore``
matching and tar archives of a directory.

``.dockerignore`` semantics (as docker-py and the Docker CLI): patterns are
cleaned like paths (``.`` components and surrounding slashes dropped, ``..``
removes the component before it); a pattern that matches a directory
excludes everything below it; ``!pattern`` re-includes; the last matching
pattern wins; ``.dockerignore`` itself and the Dockerfile are always sent.
"""
from __future__ import annotations

import io
import os
import re
import tarfile
import tempfile
from typing import IO, Any, Iterator, List, Optional, Sequence, Set, Tuple

from ..constants import IS_WINDOWS_PLATFORM
from .fnmatch import fnmatch

__all__ = ["IS_WINDOWS_PLATFORM", "Pattern", "PatternMatcher", "build_file_list",
           "create_archive", "exclude_paths", "fnmatch", "match_tag", "mkbuildcontext",
           "normalize_slashes", "split_path", "tar", "walk"]

_SEPARATORS = r"[/\\]" if IS_WINDOWS_PLATFORM else "/"

# A repository name with an optional tag: lower-case components joined by
# ".", "_", "__" or dashes, "/"-separated, the first one may carry a
# registry port; the tag is 1 to 128 ASCII letters, digits, "_", "." and "-",
# not starting with "." or "-".
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_TAG = re.compile(rf"^{_COMPONENT}(?::[0-9]+)?(?:/{_COMPONENT})*"
                  r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$")


def match_tag(tag: str) -> bool:
    """Is ``tag`` a valid ``name[:tag]`` image reference?"""
    return _TAG.match(tag) is not None


def normalize_slashes(p: str) -> str:
    """``p`` with Windows separators turned into ``/`` (unchanged elsewhere)."""
    return p.replace("\\", "/") if IS_WINDOWS_PLATFORM else p


def split_path(p: str) -> List[str]:
    """The components of ``p``, without empty and ``.`` ones."""
    return [part for part in re.split(_SEPARATORS, p) if part and part != "."]


class Pattern:
    """One ``.dockerignore`` line: ``exclusion`` (it started with ``!``),
    ``dirs`` (its cleaned components) and ``cleaned_pattern``."""

    def __init__(self, pattern_str: str) -> None:
        self.exclusion = pattern_str.startswith("!")
        if self.exclusion:
            pattern_str = pattern_str[1:]
        self.dirs = self.normalize(pattern_str)
        self.cleaned_pattern = "/".join(self.dirs)

    @classmethod
    def normalize(cls, p: str) -> List[str]:
        """The pattern's components: surrounding spaces and slashes, empty and
        ``.`` components dropped; ``..`` removes itself and the one before."""
        out: List[str] = []
        for part in split_path(p.strip()):
            if part == "..":
                if out:
                    out.pop()
            else:
                out.append(part)
        return out

    def match(self, filepath: str) -> bool:
        return fnmatch(normalize_slashes(filepath), self.cleaned_pattern)

    def __repr__(self) -> str:
        return f"Pattern({'!' if self.exclusion else ''}{self.cleaned_pattern!r})"


class PatternMatcher:
    """A ``.dockerignore`` file's patterns (empty ones dropped, and
    ``!.dockerignore`` added last)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = [pat for pat in map(Pattern, patterns) if pat.dirs]
        self.patterns.append(Pattern("!.dockerignore"))

    def matches(self, filepath: str) -> bool:
        """Is ``filepath`` (relative to the context) excluded? A pattern also
        matches a path whose leading directories it matches."""
        parent = os.path.dirname(filepath)
        parent_parts = split_path(parent)
        excluded = False
        for pat in self.patterns:
            hit = pat.match(filepath)
            if not hit and parent and len(pat.dirs) <= len(parent_parts):
                hit = pat.match(os.path.sep.join(parent_parts[:len(pat.dirs)]))
            if hit:
                excluded = not pat.exclusion
        return excluded

    def _may_reinclude_below(self, relpath: str) -> bool:
        prefix = normalize_slashes(relpath)
        return any(pat.exclusion and pat.cleaned_pattern.startswith(prefix)
                   for pat in self.patterns)

    def walk(self, root: str) -> Iterator[str]:
        """The paths below ``root`` (files and directories, relative) that
        are not excluded. An excluded directory is not entered unless an
        exception pattern may re-include something inside it; symbolic links
        to directories are not followed."""
        def visit(directory: str) -> Iterator[str]:
            rel_dir = os.path.relpath(directory, root)
            for entry in os.listdir(directory):
                rel = os.path.join(rel_dir, entry)
                if rel.startswith("." + os.path.sep):
                    rel = rel[2:]
                excluded = self.matches(rel)
                if not excluded:
                    yield rel
                full = os.path.join(root, rel)
                if not os.path.isdir(full) or os.path.islink(full):
                    continue
                if excluded and not self._may_reinclude_below(rel):
                    continue
                yield from visit(full)
        return visit(root)


def walk(root: str, patterns: Sequence[str], default: bool = True) -> Iterator[str]:
    """The paths below ``root`` that ``patterns`` do not exclude (see
    :meth:`PatternMatcher.walk`)."""
    return PatternMatcher(patterns).walk(root)


def exclude_paths(root: str, patterns: List[str], dockerfile: Optional[str] = None) -> Set[str]:
    """The set of paths (files and directories, relative to ``root``) that
    ``.dockerignore`` ``patterns`` leave in the context. The Dockerfile
    (default ``Dockerfile``) is always kept: as in docker-py, ``!<dockerfile>``
    is appended to ``patterns`` itself."""
    if dockerfile is None:
        dockerfile = "Dockerfile"
    patterns.append("!" + dockerfile)
    return set(PatternMatcher(patterns).walk(root))


def build_file_list(root: str) -> List[str]:
    """Every file and directory below ``root``, relative to it, top-down."""
    found = []
    for directory, dirnames, filenames in os.walk(root):
        for name in filenames + dirnames:
            path = os.path.join(directory, name)
            found.append(path.replace(root, "", 1).lstrip("/"))
    return found


def create_archive(root: str, files: Optional[Sequence[str]] = None, fileobj: Optional[IO[bytes]] = None,
                   gzip: bool = False,
                   extra_files: Optional[Sequence[Tuple[str, str]]] = None) -> IO[bytes]:
    """A tar archive (gzipped if asked) of ``files`` (paths relative to
    ``root``; default: everything below it), then ``extra_files``
    (``(name, text)`` pairs, which replace files of the same name), written
    to ``fileobj`` (default: a new temporary file) and rewound."""
    extras = list(extra_files or [])
    if fileobj is None:
        fileobj = tempfile.NamedTemporaryFile()
    if files is None:
        files = build_file_list(root)
    replaced = {name for name, _ in extras}
    with tarfile.open(mode="w:gz" if gzip else "w", fileobj=fileobj) as archive:
        for path in files:
            if path in replaced:
                continue
            full = os.path.join(root, path)
            info = archive.gettarinfo(full, arcname=path)
            if info is None:        # a socket or another type tar cannot hold
                continue
            # tarfile refuses mtimes it cannot write as octal (bpo-32713)
            if info.mtime < 0 or info.mtime > 8 ** 11 - 1:
                info.mtime = int(info.mtime)
            if IS_WINDOWS_PLATFORM:
                info.mode = info.mode & 0o755 | 0o111
            if info.isfile():
                try:
                    with open(full, "rb") as f:
                        archive.addfile(info, f)
                except OSError:
                    raise OSError(f"Can not read file in context: {full}") from None
            else:
                archive.addfile(info, None)
        for name, text in extras:
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    fileobj.seek(0)
    return fileobj


def tar(path: str, exclude: Optional[List[str]] = None, dockerfile: Any = None,
        fileobj: Optional[IO[bytes]] = None, gzip: bool = False) -> IO[bytes]:
    """The build context of directory ``path`` as a tar archive, without the
    paths ``exclude`` (``.dockerignore`` patterns) removes. ``dockerfile`` is
    ``(name, contents)``: with contents (a Dockerfile from outside the
    context) it is added under ``name`` along with a ``.dockerignore`` that
    lists ``exclude`` and it."""
    root = os.path.abspath(path)
    exclude = exclude or []
    name, contents = dockerfile or (None, None)
    extras: List[Tuple[str, str]] = []
    if contents is not None:
        ignore = "\n".join((exclude or [".dockerignore"]) + [str(name)])
        extras = [(".dockerignore", ignore), (str(name), contents)]
    return create_archive(files=sorted(exclude_paths(root, exclude, dockerfile=name)),
                          root=root, fileobj=fileobj, gzip=gzip, extra_files=extras)


def mkbuildcontext(dockerfile: Any) -> IO[bytes]:
    """A build context holding only ``Dockerfile``, from a binary file object
    (``io.BytesIO`` or an open file); a text ``io.StringIO`` is refused with
    TypeError."""
    if isinstance(dockerfile, io.StringIO):
        raise TypeError("Please use io.BytesIO to create in-memory Dockerfiles with Python 3")
    f = tempfile.NamedTemporaryFile()
    with tarfile.open(mode="w", fileobj=f) as archive:
        if isinstance(dockerfile, io.BytesIO):
            info = tarfile.TarInfo("Dockerfile")
            info.size = len(dockerfile.getvalue())
            dockerfile.seek(0)
        else:
            info = archive.gettarinfo(fileobj=dockerfile, arcname="Dockerfile")
        archive.addfile(info, dockerfile)
    f.seek(0)
    return f
