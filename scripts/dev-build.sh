#!/usr/bin/env bash
# Build the cffi extension in place (python/clibdocker/_native*.so) so that
# `PYTHONPATH=python pytest` tests this checkout without pip. Incremental.
#
#   CLIBDOCKER_DEPS=static bash scripts/dev-build.sh   the wheel's flavour: libcurl,
#       json-c and nghttp2 built from Debian's sources (scripts/build-deps.sh)
#       linked in statically, in build-py-static/ (default: the system's libcurl)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
py="${PYTHON:-python3}"
deps=()
if [ "${CLIBDOCKER_DEPS:-system}" = static ]; then
  bash scripts/build-deps.sh "$root/build-deps/prefix"
  deps=(-DCLIBDOCKER_DEPS_PREFIX="$root/build-deps/prefix")
  bdir="${CLIBDOCKER_PYBUILD_DIR:-build-py-static}"
else
  bdir="${CLIBDOCKER_PYBUILD_DIR:-build-py}"
fi
if [ ! -f "$bdir/CMakeCache.txt" ]; then
  cmake -S . -B "$bdir" -DCLIBDOCKER_PYTHON=ON -DCLIBDOCKER_TESTS=OFF -DPython_EXECUTABLE="$(command -v "$py")" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "${deps[@]}" >/dev/null
fi
cmake --build "$bdir" -j"$(nproc)" --target _native >/dev/null
so="$(ls -t "$bdir"/_native*.so | head -n1)"   # the newest: the flavour just built
# copy, then rename over: a process that has the old module loaded keeps its
# (unlinked) file; writing into the loaded file in place would crash it
cp -f "$so" "python/clibdocker/.$(basename "$so").tmp"
mv -f "python/clibdocker/.$(basename "$so").tmp" "python/clibdocker/$(basename "$so")"
# one build only: a leftover _native of the other ABI flavour would shadow it
for old in python/clibdocker/_native*.so; do
  [ "$(basename "$old")" = "$(basename "$so")" ] || rm -f "$old"
done
echo "built $(basename "$so") into python/clibdocker/"
