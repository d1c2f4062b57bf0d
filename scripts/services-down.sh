#!/usr/bin/env bash
# Stop the services started by scripts/setup.sh.  Idempotent.
#
#   scripts/services-down.sh         stop engine2, the registry, remove the netns
#   scripts/services-down.sh --all   ... and also stop the main dockerd
#
# Processes are found only through the pidfiles setup.sh / dockerd write, and
# only killed if their command line matches what we started.  Data (images,
# registry storage, extracted engine2 binaries) is left in place.
set -euo pipefail

ALL=0
for arg in "$@"; do
  case "$arg" in
    --all) ALL=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--all]" >&2; exit 2 ;;
  esac
done

[ "$(id -u)" = 0 ] || { echo "[down] must run as root" >&2; exit 1; }

E2_NETNS=clibdocker2
E2_RUN=/run/clibdocker-engine2
REG_PIDFILE=/run/clibdocker-registry.pid

log() { printf '[down] %s\n' "$*"; }

# stop_pidfile NAME PIDFILE CMDLINE_SUBSTRING [TIMEOUT]
stop_pidfile() {
  local name=$1 pf=$2 want=$3 timeout=${4:-30} pid i
  if [ ! -s "$pf" ]; then log "$name: not running (no $pf)"; return 0; fi
  pid=$(cat "$pf" 2>/dev/null || true)
  if [ -z "$pid" ] || [ ! -r "/proc/$pid/cmdline" ] \
     || ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$want"; then
    log "$name: not running (stale $pf)"; rm -f "$pf"; return 0
  fi
  log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 2; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name: still alive after ${timeout}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$pf"
}

# engine2 (trixie dockerd in netns clibdocker2); it stops its own containerd
stop_pidfile engine2 "$E2_RUN/docker.pid" clibdocker-engine2 45
rm -f "$E2_RUN/docker.sock" "$E2_RUN/launcher.pid"

if ip netns list 2>/dev/null | grep -qw "^$E2_NETNS"; then
  log "netns: deleting $E2_NETNS"
  ip netns del "$E2_NETNS" || log "netns: could not delete $E2_NETNS"
else
  log "netns: $E2_NETNS not present"
fi

stop_pidfile registry "$REG_PIDFILE" docker-registry 15

if [ "$ALL" = 1 ]; then
  stop_pidfile "main engine" /var/run/docker.pid dockerd 45
  rm -f /run/clibdocker-dockerd.launcher.pid
fi
log "done"
