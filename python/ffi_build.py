"""Generate the cffi API-mode C source for ``clibdocker._native``.

Run by CMake (see CMakeLists.txt): ``python ffi_build.py OUTPUT.c``. The
cdef lives in ``ffi_cdef.h`` beside this file; the C core is compiled and
linked by CMake, not by cffi.

This script lives outside the package on purpose: Python puts a script's
own directory first on ``sys.path``, and inside ``python/clibdocker/`` the
package's ``types`` (and friends) would shadow the standard library's when
cffi imports them.  The directory is dropped from ``sys.path`` as well, so
nothing next to this file can shadow anything.
"""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]

import cffi  # noqa: E402  (after the sys.path fix above)


def make_ffi() -> cffi.FFI:
    ffi = cffi.FFI()
    with open(os.path.join(HERE, "ffi_cdef.h"), encoding="utf-8") as f:
        ffi.cdef(f.read())
    ffi.set_source("clibdocker._native", '#include "clibdocker/clibdocker.h"\n')
    return ffi


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: ffi_build.py OUTPUT.c", file=sys.stderr)
        return 2
    out = argv[1]
    tmp = out + ".tmp"
    make_ffi().emit_c_code(tmp)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
