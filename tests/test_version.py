"""One version everywhere: DK_VERSION in include/clibdocker/common.h is the
source; the library (dk_version()), clibdocker.__version__, the package
metadata pyproject.toml derives from it, and the CHANGELOG's newest entry
agree. (scripts/test.sh checks the installed pkg-config and CMake packages.)"""
from __future__ import annotations

import re
from pathlib import Path

import clibdocker
import clibdocker.version
from clibdocker import _binding

ROOT = Path(__file__).resolve().parent.parent


def header_version() -> str:
    text = (ROOT / "include" / "clibdocker" / "common.h").read_text()
    full = re.search(r'^#define DK_VERSION "(\d+\.\d+\.\d+)"', text, re.M)
    parts = [re.search(rf"^#define DK_VERSION_{p} (\d+)", text, re.M) for p in ("MAJOR", "MINOR", "PATCH")]
    assert full and all(parts)
    assert full.group(1) == ".".join(m.group(1) for m in parts if m)
    return full.group(1)


def test_library_and_package_agree_with_the_header() -> None:
    v = header_version()
    assert _binding.library_version() == v
    assert clibdocker.__version__ == v
    assert clibdocker.version.__version__ == v


def test_pyproject_takes_the_header_version() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^dynamic = \["version"\]', text, re.M)
    assert not re.search(r"^version\s*=", text, re.M)
    m = re.search(r"^regex = '(.*)'$", text, re.M)
    assert m and re.search(m.group(1).replace("\\\\", "\\"),
                           (ROOT / "include" / "clibdocker" / "common.h").read_text()).group("value") \
        == header_version()


def test_changelog_names_the_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    first = re.search(r"^## \[?(\d+\.\d+\.\d+)\]?", text, re.M)
    assert first and first.group(1) == header_version()


def test_installed_metadata_when_installed_from_this_tree() -> None:
    from importlib import metadata
    try:
        dist = metadata.distribution("clibdocker")
    except metadata.PackageNotFoundError:
        return
    if Path(clibdocker.__file__).resolve().is_relative_to(ROOT):
        return      # the in-place build: the venv's installed copy may be older
    assert dist.version == header_version()
