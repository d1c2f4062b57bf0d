#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan+UBSan) and run each for a bounded
# time from its committed seed corpus. Usage: scripts/fuzz.sh [SECONDS_EACH]
# A crash fails the run; its input is left in fuzz/crashes/ to be fixed and
# then added to the seed corpus as a regression input.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
secs="${1:-${FUZZ_SECONDS:-30}}"
cc="$(command -v clang || command -v clang-14)"
out=build-fuzz
mkdir -p "$out" fuzz/crashes
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -Iinclude -Icsrc)
core=(csrc/buf.c csrc/errors.c)
libs=($(pkg-config --libs libcurl json-c zlib libnghttp2) -lpthread)
declare -A srcs=(
  [jsonsplit]="csrc/jsonsplit.c"
  [url]="csrc/call.c csrc/client.c csrc/request.c csrc/gates.c csrc/context.c csrc/sha256.c csrc/value.c csrc/jsonsplit.c csrc/stream.c csrc/mux.c csrc/ssh.c csrc/loop.c"
  [dockerignore]="csrc/dockerignore.c"
  [auth]="csrc/auth.c csrc/value.c"
  [tarctx]="csrc/tarctx.c csrc/dockerignore.c"
  [archivestat]="csrc/containers.c csrc/call.c csrc/client.c csrc/request.c csrc/gates.c csrc/context.c csrc/sha256.c csrc/value.c csrc/jsonsplit.c csrc/stream.c csrc/mux.c csrc/ssh.c csrc/loop.c"
  [mux]="csrc/mux.c"
  [httphead]="csrc/httphead.c"
  [wsframe]="csrc/wsframe.c csrc/sha1.c"
  [proto]="csrc/proto.c"
  [grpcframe]="csrc/proto.c"
  [fsrecv]="csrc/fsutil_recv.c csrc/proto.c"
  [session]="csrc/session.c csrc/fsutil.c csrc/fsutil_recv.c csrc/proto.c csrc/dockerignore.c csrc/hijack.c csrc/httphead.c csrc/mux.c csrc/wsframe.c csrc/sha1.c csrc/sha256.c csrc/auth.c csrc/call.c csrc/client.c csrc/request.c csrc/gates.c csrc/context.c csrc/value.c csrc/jsonsplit.c csrc/stream.c csrc/ssh.c csrc/system.c csrc/loop.c"
)
for t in "${!srcs[@]}"; do
  # shellcheck disable=SC2086
  "$cc" "${flags[@]}" -o "$out/fuzz_$t" "fuzz/fuzz_$t.c" ${srcs[$t]} "${core[@]}" "${libs[@]}"
done
status=0
for t in $(printf '%s\n' "${!srcs[@]}" | sort); do
  work="$out/corpus-$t"
  mkdir -p "$work"
  log="$out/fuzz_$t.log"
  if "$out/fuzz_$t" -max_total_time="$secs" -max_len=4096 -rss_limit_mb=2048 -timeout=25 \
      -artifact_prefix="fuzz/crashes/$t-" -print_final_stats=1 \
      "$work" "fuzz/corpus/$t" >"$log" 2>&1; then
    execs="$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')"
    echo "fuzz $t: ok, ${execs:-?} executions in ${secs}s"
  else
    echo "fuzz $t: FAILED (see $log and fuzz/crashes/)"; tail -30 "$log"; status=1
  fi
done
exit $status
