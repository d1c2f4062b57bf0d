"""Shell-style matching with ``**`` for .dockerignore (docker-py's
``docker.utils.fnmatch``).

``*`` matches within one path component, ``**`` across components (``a/**/b``
also matches ``a/b``; a trailing ``**`` matches everything below), ``?`` one
character but ``/``, ``[...]`` / ``[!...]`` a set.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Pattern

__all__ = ["fnmatch", "fnmatchcase", "translate"]


def fnmatch(name: str, pat: str) -> bool:
    """Does ``name`` match ``pat``, ignoring case? Both are lower-cased first
    on every platform, as docker-py's ``fnmatch`` does (its ``.dockerignore``
    matching, ``utils.build``, is case-insensitive); :func:`fnmatchcase`
    keeps case."""
    return fnmatchcase(name.lower(), pat.lower())


def fnmatchcase(name: str, pat: str) -> bool:
    """Does ``name`` match ``pat``, case-sensitively?"""
    return _compiled(pat).match(name) is not None


@lru_cache(maxsize=256)
def _compiled(pat: str) -> Pattern[str]:
    return re.compile(translate(pat))


def _bracket(pat: str, i: int) -> "tuple[str, int] | None":
    """The regex class for the set starting after the ``[`` at ``i-1``, and
    the index after its ``]``; None when the set is not closed."""
    j = i
    if j < len(pat) and pat[j] == "!":
        j += 1
    if j < len(pat) and pat[j] == "]":       # a leading ] belongs to the set
        j += 1
    end = pat.find("]", j)
    if end < 0:
        return None
    body = pat[i:end].replace("\\", "\\\\")
    if body.startswith("!"):
        body = "^" + body[1:]
    elif body.startswith("^"):
        body = "\\" + body
    return f"[{body}]", end + 1


def translate(pat: str) -> str:
    """The regular expression (anchored with ``^`` and ``$``) for ``pat``."""
    out = ["^"]
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        i += 1
        if c == "*":
            if i < n and pat[i] == "*":
                i += 1
                if i < n and pat[i] == "/":       # "**/" is "**"
                    i += 1
                # "**" at the end takes everything; elsewhere any number of
                # leading components, none included
                out.append(".*" if i >= n else "(.*/)?")
            else:
                out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            got = _bracket(pat, i)
            if got is None:
                out.append("\\[")
            else:
                cls, i = got
                out.append(cls)
        else:
            out.append(re.escape(c))
    out.append("$")
    return "".join(out)
