#!/usr/bin/env bash
# Run every test: the C tests (plain, then under ASan+UBSan), the Python
# tests against the real engines, and the coverage-table check.
# Needs the services from scripts/setup.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -f /run/clibdocker-test.env ] && . /run/clibdocker-test.env
jobs="$(nproc)"
# The Python tests run in the fresh venv scripts/setup.sh made (never the
# machine's own interpreter, whose site hooks can hide import bugs).
venv="${CLIBDOCKER_VENV:-/opt/clibdocker-venv}"
py="$venv/bin/python"
[ -x "$py" ] || { echo "no venv at $venv: run scripts/setup.sh first"; exit 1; }

echo "== C library and C tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs" >/dev/null
ctest --test-dir build --output-on-failure

echo "== C tests under valgrind memcheck (no definite or indirect leaks, no errors)"
for t in build/tests/c/test_*; do
  [ -x "$t" ] || continue
  valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect "$t" >"$t.valgrind.log" 2>&1 \
    || { echo "valgrind: $(basename "$t") failed"; tail -40 "$t.valgrind.log"; exit 1; }
  echo "valgrind: $(basename "$t") clean"
done

echo "== C tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCLIBDOCKER_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure

echo "== install check: a C program built with pkg-config against the installed library"
rm -rf build/stage && cmake --install build --prefix "$root/build/stage" >/dev/null
PKG_CONFIG_PATH="$root/build/stage/lib/pkgconfig:$root/build/stage/lib/x86_64-linux-gnu/pkgconfig" \
  cc -std=c99 -Wall -Werror -o build/pkgconfig_example tests/c/example_ping.c \
  $(PKG_CONFIG_PATH="$root/build/stage/lib/pkgconfig:$root/build/stage/lib/x86_64-linux-gnu/pkgconfig" pkg-config --cflags --libs clibdocker)
LD_LIBRARY_PATH="$root/build/stage/lib:$root/build/stage/lib/x86_64-linux-gnu" ./build/pkgconfig_example
dk_version="$(sed -n 's/^#define DK_VERSION "\(.*\)"$/\1/p' include/clibdocker/common.h)"
pc_version="$(PKG_CONFIG_PATH="$root/build/stage/lib/pkgconfig:$root/build/stage/lib/x86_64-linux-gnu/pkgconfig" pkg-config --modversion clibdocker)"
[ "$pc_version" = "$dk_version" ] || { echo "clibdocker.pc says $pc_version, DK_VERSION is $dk_version"; exit 1; }
grep -q "PACKAGE_VERSION \"$dk_version\"" "$(find build/stage -name clibdockerConfigVersion.cmake)" \
  || { echo "the CMake package's version is not $dk_version"; exit 1; }
echo "== install check: a CMake project using find_package(clibdocker)"
cmake -S tests/c/consumer -B build/consumer -DCMAKE_PREFIX_PATH="$root/build/stage" >/dev/null
cmake --build build/consumer >/dev/null
LD_LIBRARY_PATH="$root/build/stage/lib:$root/build/stage/lib/x86_64-linux-gnu" ./build/consumer/consumer

echo "== wheel: sdist and abi3 wheel (static libcurl and json-c from Debian's sources, auditwheel)"
bash scripts/build-wheel.sh
echo "== wheel: installed and used in clean Debian root filesystems (no compiler, no libcurl, no json-c)"
bash scripts/test-wheel.sh

echo "== sdist: built from source in a new plain venv (python -I), tests against the installed package"
tmpv="$(mktemp -d)"
"$py" -I -m venv "$tmpv/venv"
( cd "$tmpv" && "$tmpv/venv/bin/python" -I -m pip install -q --disable-pip-version-check \
    "$(ls "$root"/dist/clibdocker-*.tar.gz)" pytest docker==7.2.0 )
CLIBDOCKER_TEST_INSTALLED=1 "$tmpv/venv/bin/python" -I -m pytest -q -p no:cacheprovider \
  tests/test_version.py tests/test_system.py tests/test_containers.py tests/test_images.py tests/test_exec.py \
  tests/test_surface.py
rm -rf "$tmpv"

echo "== Python extension (in place) and pytest, in $venv"
PYTHON="$py" bash scripts/dev-build.sh
PYTHONPATH="$root/python${PYTHONPATH:+:$PYTHONPATH}" "$py" -m pytest -q -p no:cacheprovider tests "$@"

echo "== fuzzing the C parsers and builders (libFuzzer, ASan+UBSan, ${FUZZ_SECONDS:-30}s each)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"

echo "== mypy --strict (outside the cffi boundary module)"
if "$py" -m mypy --version >/dev/null 2>&1; then
  "$py" -m mypy
else
  echo "mypy not installed (scripts/setup.sh installs it); skipped"
fi

echo "== pyflakes: no undefined name (mypy cannot see them past a module's lazy __getattr__)"
undefined="$("$py" -m pyflakes python/clibdocker | grep "undefined name" | grep -v " in __all__$" || true)"
[ -z "$undefined" ] || { echo "$undefined"; exit 1; }
echo "none"

echo "== API coverage table is current and its claims are real"
"$py" scripts/api_coverage.py --check
