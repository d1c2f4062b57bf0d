"""Generate the cffi API-mode C source for ``clibdocker._native``.

Run by CMake (see CMakeLists.txt): ``python _ffi_build.py OUTPUT.c``. The
cdef lives in ``_cdef.h`` beside this file; the C core is compiled and
linked by CMake, not by cffi.
"""
from __future__ import annotations

import os
import sys

import cffi

HERE = os.path.dirname(os.path.abspath(__file__))


def make_ffi() -> cffi.FFI:
    ffi = cffi.FFI()
    with open(os.path.join(HERE, "_cdef.h"), encoding="utf-8") as f:
        ffi.cdef(f.read())
    ffi.set_source("clibdocker._native", '#include "clibdocker/clibdocker.h"\n')
    return ffi


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: _ffi_build.py OUTPUT.c", file=sys.stderr)
        return 2
    out = argv[1]
    tmp = out + ".tmp"
    make_ffi().emit_c_code(tmp)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
