#!/usr/bin/env bash
# Install the wheel in dist/ where nothing is installed: clean Debian root
# filesystems made by mmdebstrap with only python3 and python3-venv
# (bookworm, and trixie for a newer Python and glibc), imported into the main
# engine and run as containers with the engine's socket bind-mounted. Inside:
# no compiler, no libcurl, no json-c (checked), then
#   python3 -m venv /v && /v/bin/pip install --no-index --find-links /dist clibdocker
# (cffi's wheels put into /dist beforehand), tests/wheel/check_installed.py
# (ping, version, run a container and read its logs, build an image and run
# it), and the `clibdocker` command printing the engine.
#
#   bash scripts/build-wheel.sh && bash scripts/test-wheel.sh [SUITE...]   (default: bookworm trixie)
#
# The root filesystems are cached in build-deps/rootfs/; the images imported
# from them are labelled clibdocker-test=1 and removed at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -f /run/clibdocker-test.env ] && . /run/clibdocker-test.env
DOCKER=/usr/bin/docker
sock=/var/run/docker.sock
suites=("$@"); [ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie)
log() { printf '[test-wheel] %s\n' "$*"; }
die() { printf '[test-wheel] error: %s\n' "$*" >&2; exit 1; }

whl="$(ls dist/clibdocker-*-abi3-*.whl 2>/dev/null | head -n1)"
[ -n "$whl" ] || die "no wheel in dist/: run scripts/build-wheel.sh first"
command -v mmdebstrap >/dev/null || die "mmdebstrap not found (apt-get install mmdebstrap)"
tools="$root/build-deps/tools"
[ -x "$tools/bin/python" ] || die "no $tools: run scripts/build-wheel.sh first"

stage="$(mktemp -d)"
images=()
cleanup() {
  for i in "${images[@]}"; do $DOCKER rmi -f "$i" >/dev/null 2>&1 || true; done
  rm -rf "$stage"
}
trap cleanup EXIT
mkdir -p "$stage/dist"
cp "$whl" "$stage/dist/"
cp tests/wheel/check_installed.py "$stage/"
# cffi (and pycparser) for each Python the root filesystems have: 3.11, 3.13
for pyv in 3.11 3.13; do
  "$tools/bin/python" -I -m pip download -q --disable-pip-version-check --only-binary=:all: \
    --python-version "$pyv" --implementation cp --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 -d "$stage/dist" cffi 2>&1 | grep -v '^WARNING: Location' || true
done
ls "$stage"/dist/cffi-*.whl >/dev/null 2>&1 || die "could not download cffi wheels"

mirror_of() {  # the Debian mirror for SUITE (the system's for its own release)
  local uri
  uri=$(awk 'tolower($1)=="uris:"{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

mkdir -p build-deps/rootfs
for suite in "${suites[@]}"; do
  tar="build-deps/rootfs/$suite.tar"
  # a directory or an empty file there is what a failed or older run left
  [ -f "$tar" ] && [ -s "$tar" ] || rm -rf "$tar" "$tar.tmp"
  if [ ! -s "$tar" ]; then
    log "$suite: mmdebstrap --variant=apt --include=python3,python3-venv"
    . /etc/os-release
    if [ "$suite" = "${VERSION_CODENAME:-}" ]; then
      mmdebstrap --quiet --format=tar --variant=apt --include=python3,python3-venv "$suite" "$tar.tmp"
    else
      mmdebstrap --quiet --format=tar --variant=apt --include=python3,python3-venv "$suite" "$tar.tmp" "$(mirror_of)"
    fi
    mv "$tar.tmp" "$tar"
  fi
  img="clibdocker-test/rootfs:$suite-$$"
  $DOCKER import --change 'LABEL clibdocker-test=1' --change 'CMD ["/bin/sh"]' "$tar" "$img" >/dev/null
  images+=("$img")
  log "$suite: install $(basename "$whl") and check"
  $DOCKER run --rm --label clibdocker-test=1 \
    -v "$sock:/var/run/docker.sock" -v "$stage:/stage:ro" \
    -e CLIBDOCKER_TEST_IMAGE="${CLIBDOCKER_TEST_IMAGE:-clibdocker-test/busybox:latest}" \
    "$img" /bin/sh -ec '
      # nothing to build with, nothing of what the wheel bundles
      for t in cc gcc c99 clang; do ! command -v $t >/dev/null || { echo "found $t"; exit 1; }; done
      ! ls /usr/lib/*/libcurl* /usr/lib/*/libjson-c* /usr/include/curl 2>/dev/null || { echo "found libcurl/json-c"; exit 1; }
      echo "python: $(python3 --version), glibc: $(ldd --version 2>/dev/null | head -n1 || getconf GNU_LIBC_VERSION)"
      python3 -m venv /v
      /v/bin/pip install -q --disable-pip-version-check --no-index --find-links /stage/dist clibdocker
      /v/bin/python /stage/check_installed.py
      /v/bin/clibdocker
    ' || die "$suite: the wheel check failed"
done
log "ok: ${suites[*]}"
