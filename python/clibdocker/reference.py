"""Image references: parsing and validation with the grammar of
distribution/reference (what the engine accepts), so that a malformed name is
refused before any request."""
from __future__ import annotations

import re
from typing import Optional, Tuple

from . import errors

_ALNUM = r"[a-z0-9]+"
_SEP = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEP}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|{_IPV6})(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_REFERENCE = re.compile(rf"^({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?$")
_TAG_RE = re.compile(rf"^{_TAG}$")
_DIGEST_RE = re.compile(rf"^{_DIGEST}$")
_NAME_MAX = 255


def split_reference(ref: str) -> Tuple[str, Optional[str], Optional[str]]:
    """``"reg:5000/ns/app:1@sha256:..."`` -> (name, tag, digest), after checking
    the whole reference; raises :class:`~clibdocker.errors.InvalidRepository`
    with the reason otherwise."""
    if not isinstance(ref, str) or not ref:
        raise errors.InvalidRepository("invalid reference format: the reference is empty")
    m = _REFERENCE.match(ref)
    if not m:
        hint = ""
        name = ref.split("@", 1)[0]
        last = name.rsplit("/", 1)[-1]
        path = name if ":" not in last else name.rsplit(":", 1)[0]
        path_after_domain = path.split("/", 1)[1] if "/" in path and _looks_like_domain(
            path.split("/", 1)[0]) else path
        if path_after_domain != path_after_domain.lower():
            hint = " (repository names must be lowercase)"
        raise errors.InvalidRepository(f"invalid reference format: {ref!r}{hint}")
    name, tag, digest = m.group(1), m.group(2), m.group(3)
    first = name.split("/", 1)[0]
    if "/" in name and not ("." in first or ":" in first or first == "localhost"):
        # not a registry host: then it is a path component, lowercase
        if not re.match(rf"^{_PATH_COMPONENT}$", first):
            raise errors.InvalidRepository(
                f"invalid reference format: {ref!r} (repository names must be lowercase)")
    if len(name) > _NAME_MAX:
        raise errors.InvalidRepository(
            f"invalid reference format: repository name longer than {_NAME_MAX} characters")
    return name, tag, digest


def _looks_like_domain(part: str) -> bool:
    return "." in part or ":" in part or part == "localhost"


def parse_repository_tag(repo_name: str) -> Tuple[str, Optional[str]]:
    """docker-py's split: ``"app:1"`` -> ("app", "1"), ``"app@sha256:x"`` ->
    ("app", "sha256:x"), ``"reg:5000/app"`` -> ("reg:5000/app", None)."""
    parts = repo_name.rsplit("@", 1)
    if len(parts) == 2:
        return parts[0], parts[1]
    parts = repo_name.rsplit(":", 1)
    if len(parts) == 2 and "/" not in parts[1]:
        return parts[0], parts[1]
    return repo_name, None


def check_repository_tag(repository: str, tag: Optional[str], status: Optional[int] = None) -> None:
    """Refuse a malformed repository (without tag) or tag before any request.
    ``status``: the engine's answer to that request, which docker-py (that
    sends it) raises as ``APIError``; the refusal is then also one (see
    :func:`~clibdocker.errors.refused_as_engine`)."""
    try:
        name, t, d = split_reference(repository)
        if tag is not None and tag != "":
            if not (_TAG_RE.match(tag) or _DIGEST_RE.match(tag)):
                raise errors.InvalidRepository(f"invalid tag format: {tag!r}")
    except errors.InvalidRepository as e:
        if status is None:
            raise
        raise errors.refused_as_engine(e, status) from None


def check_reference(ref: str, status: Optional[int] = None) -> None:
    """Refuse a malformed reference (with optional tag/digest); ``status`` as
    for :func:`check_repository_tag`."""
    try:
        split_reference(ref)
    except errors.InvalidRepository as e:
        if status is None:
            raise
        raise errors.refused_as_engine(e, status) from None
