#!/usr/bin/env bash
# Install and start every real service the clibdocker tests need.
#
# Idempotent: safe to run any number of times; already-running services and
# already-present artefacts are detected and left alone.  Must run as root on
# Debian 12 (bookworm).  There is no systemd: daemons are started in the
# background with setsid and stay running after this script exits.
#
# Services started:
#   * main engine   : Debian docker.io 20.10 (API 1.41) on /var/run/docker.sock
#   * python venv   : /opt/clibdocker-venv (fresh each run) with the project,
#                     pytest, mypy, pyflakes, docker-py 7.2.0 and aiodocker
#   * registry      : docker-registry 2.8 on 127.0.0.1:5000, htpasswd auth
#   * engine2       : Debian trixie docker.io 26.1 (API 1.45), extracted to
#                     /opt/clibdocker-engine2, run inside network namespace
#                     "clibdocker2", socket /run/clibdocker-engine2/docker.sock
# and the test image clibdocker-test/busybox:latest is imported on both engines.
#
# Opt-outs (set to 1):  CLIBDOCKER_SKIP_APT, CLIBDOCKER_SKIP_REGISTRY,
#   CLIBDOCKER_SKIP_ENGINE2, CLIBDOCKER_SKIP_IMAGE, CLIBDOCKER_SKIP_PIP
# Force trixie's containerd for engine2: CLIBDOCKER_ENGINE2_TRIXIE_RUNTIME=1
# (trixie's runc needs glibc 2.38, so engine2 always uses bookworm's runc)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
START_TS=$(date +%s)

# ---- fixed test configuration (tests use the same values as defaults) ------
MAIN_SOCK=/var/run/docker.sock
MAIN_HOST="unix://${MAIN_SOCK}"
MAIN_LOG=/var/log/clibdocker-dockerd.log

REG_ADDR=127.0.0.1:5000
REG_USER=clibdocker
REG_PASS=clibdocker-secret
REG_DIR=/var/lib/clibdocker-registry
REG_CONF="${REG_DIR}/config.yml"
REG_HTPASSWD="${REG_DIR}/htpasswd"
REG_PIDFILE=/run/clibdocker-registry.pid
REG_LOG=/var/log/clibdocker-registry.log

E2_NETNS=clibdocker2
E2_OPT=/opt/clibdocker-engine2
E2_VAR=/var/lib/clibdocker-engine2
E2_RUN=/run/clibdocker-engine2
E2_SOCK="${E2_RUN}/docker.sock"
E2_HOST="unix://${E2_SOCK}"
E2_PIDFILE="${E2_RUN}/docker.pid"
E2_LOG=/var/log/clibdocker-engine2.log
E2_API=1.45

TEST_IMAGE=clibdocker-test/busybox:latest
ENV_FILE=/run/clibdocker-test.env

# The Python environment the tests run in (scripts/test.sh uses it): fresh on
# every run, with docker-py 7.2.0 (differential tests, surface walk) and its
# ssh extra paramiko (docker-py's ssh:// without use_ssh_client: program pq02)
# and aiodocker (benchmarks) from PyPI.
VENV="${CLIBDOCKER_VENV:-/opt/clibdocker-venv}"
TEST_PACKAGES=(pytest mypy pyflakes 'cffi>=1.17' 'docker==7.2.0' paramiko aiodocker)

APT_PACKAGES=(
  # build
  cmake make pkg-config gcc libc6-dev libcurl4-openssl-dev libjson-c-dev zlib1g-dev libssl-dev
  libnghttp2-dev  # BuildKit sessions: the HTTP/2 server side (csrc/session.c)
  python3 python3-dev python3-pip python3-venv libffi-dev
  # analysis
  valgrind clang libclang-rt-14-dev
  # services
  docker.io containerd runc tini busybox-static docker-registry apache2-utils
  iproute2 iptables util-linux
  openssh-server  # tests/test_ssh.py runs a private sshd for the ssh:// transport
  # the wheel: Debian sources for static libcurl/json-c (dpkg-source), clean root filesystems
  dpkg-dev mmdebstrap
  # tooling used by this script
  curl ca-certificates tar gzip gpgv socat openssl
)

log()  { printf '[setup] %s\n' "$*"; }
warn() { printf '[setup] WARNING: %s\n' "$*" >&2; }
die()  { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
skip() { [ "${1:-0}" = 1 ]; }

[ "$(id -u)" = 0 ] || die "must run as root"

# Docker CLI: whatever is first on PATH (may be a newer upstream CLI; both work).
DOCKER_BIN="$(command -v docker || echo /usr/bin/docker)"
dmain() { "$DOCKER_BIN" -H "$MAIN_HOST" "$@"; }
de2()   { "$DOCKER_BIN" -H "$E2_HOST" "$@"; }

# wait_for SECONDS CMD... : poll CMD every 0.5s until it succeeds
wait_for() {
  local timeout=$1; shift
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# pid_alive PIDFILE EXE_SUBSTRING : pidfile names a live process running EXE
pid_alive() {
  local pf=$1 want=$2 pid
  [ -s "$pf" ] || return 1
  pid=$(cat "$pf" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$want"
}

# start_bg PIDFILE LOGFILE CMD... : start CMD detached (own session), record pid
start_bg() {
  local pf=$1 lf=$2; shift 2
  mkdir -p "$(dirname "$pf")" "$(dirname "$lf")"
  printf '\n==== %s starting: %s\n' "$(date -Is)" "$*" >>"$lf"
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pf" "$@" </dev/null >>"$lf" 2>&1 &
}

# ============================================================================
# a. packages
# ============================================================================
install_packages() {
  if skip "${CLIBDOCKER_SKIP_APT:-0}"; then log "apt: skipped (CLIBDOCKER_SKIP_APT=1)"; return; fi
  local missing=() p st
  for p in "${APT_PACKAGES[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "apt: all ${#APT_PACKAGES[@]} packages already installed"
    return
  fi
  log "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  log "apt: done"
}

# ============================================================================
# b. main engine
# ============================================================================
main_ping() { curl -fsS --max-time 3 --unix-socket "$MAIN_SOCK" http://x/_ping; }

start_main_engine() {
  if main_ping >/dev/null 2>&1; then
    log "main engine: already answering on $MAIN_SOCK"
  else
    if pid_alive /var/run/docker.pid dockerd; then
      log "main engine: dockerd (pid $(cat /var/run/docker.pid)) running but not answering yet; waiting"
    else
      log "main engine: starting dockerd (log $MAIN_LOG)"
      rm -f /var/run/docker.pid   # left by a killed dockerd
      start_bg /run/clibdocker-dockerd.launcher.pid "$MAIN_LOG" \
        /usr/sbin/dockerd --host "$MAIN_HOST" --pidfile /var/run/docker.pid
    fi
    if ! wait_for 60 main_ping; then
      tail -n 40 "$MAIN_LOG" >&2 || true
      die "main engine did not answer on $MAIN_SOCK within 60s"
    fi
  fi
  local drv ver
  drv=$(dmain info --format '{{.Driver}}' 2>/dev/null || true)
  ver=$(dmain version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || true)
  log "main engine: docker $ver, storage driver $drv"
  [ "$drv" = overlay2 ] || warn "main engine storage driver is '$drv', expected overlay2"
}

# ============================================================================
# c. registry
# ============================================================================
reg_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$@" "http://${REG_ADDR}/v2/" || true; }
reg_answers() { local c; c=$(reg_code); [ "$c" = 401 ] || [ "$c" = 200 ]; }

start_registry() {
  if skip "${CLIBDOCKER_SKIP_REGISTRY:-0}"; then log "registry: skipped (CLIBDOCKER_SKIP_REGISTRY=1)"; return; fi
  mkdir -p "$REG_DIR/data"
  if ! [ -s "$REG_HTPASSWD" ] || ! htpasswd -vb "$REG_HTPASSWD" "$REG_USER" "$REG_PASS" >/dev/null 2>&1; then
    log "registry: writing $REG_HTPASSWD"
    htpasswd -Bbn "$REG_USER" "$REG_PASS" >"$REG_HTPASSWD.tmp"
    mv -f "$REG_HTPASSWD.tmp" "$REG_HTPASSWD"
  fi
  cat >"$REG_CONF.tmp" <<EOF
# written by clibdocker scripts/setup.sh
version: 0.1
log:
  level: info
  fields:
    service: clibdocker-registry
storage:
  filesystem:
    rootdirectory: ${REG_DIR}/data
  delete:
    enabled: true
http:
  addr: ${REG_ADDR}
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: clibdocker-registry
    path: ${REG_HTPASSWD}
EOF
  local changed=0
  if ! cmp -s "$REG_CONF.tmp" "$REG_CONF"; then mv -f "$REG_CONF.tmp" "$REG_CONF"; changed=1; else rm -f "$REG_CONF.tmp"; fi

  if [ "$changed" = 1 ] && pid_alive "$REG_PIDFILE" docker-registry; then
    log "registry: config changed, restarting"
    kill "$(cat "$REG_PIDFILE")" 2>/dev/null || true
    wait_for 10 bash -c "! kill -0 $(cat "$REG_PIDFILE") 2>/dev/null" || true
  fi

  if reg_answers; then
    log "registry: already answering on $REG_ADDR"
  else
    if ! pid_alive "$REG_PIDFILE" docker-registry; then
      log "registry: starting docker-registry on $REG_ADDR (log $REG_LOG)"
      start_bg "$REG_PIDFILE" "$REG_LOG" /usr/bin/docker-registry serve "$REG_CONF"
    fi
    if ! wait_for 30 reg_answers; then
      tail -n 30 "$REG_LOG" >&2 || true
      die "registry did not answer on http://$REG_ADDR/v2/ within 30s"
    fi
  fi

  local code
  code=$(reg_code -u "$REG_USER:$REG_PASS")
  [ "$code" = 200 ] || die "registry: authenticated GET /v2/ returned $code (expected 200)"
  [ "$(reg_code)" = 401 ] || die "registry: anonymous GET /v2/ did not return 401"
  # docker login through the main engine, with a throw-away client config
  local dcfg; dcfg=$(mktemp -d)
  if printf '%s' "$REG_PASS" | DOCKER_CONFIG="$dcfg" dmain login "$REG_ADDR" -u "$REG_USER" --password-stdin >/dev/null 2>&1; then
    DOCKER_CONFIG="$dcfg" dmain logout "$REG_ADDR" >/dev/null 2>&1 || true
    log "registry: auth ok (curl 200/401, docker login ok)"
  else
    rm -rf "$dcfg"; die "registry: docker login $REG_ADDR failed"
  fi
  rm -rf "$dcfg"
}

# ============================================================================
# d. engine2 (trixie docker.io, own network namespace)
# ============================================================================
E2_APT_DIR="${E2_VAR}/apt"
e2_apt_opts() {
  printf '%s\n' \
    -o "Dir::Etc::SourceList=${E2_APT_DIR}/sources.list" \
    -o "Dir::Etc::SourceParts=/dev/null" \
    -o "Dir::State::Lists=${E2_APT_DIR}/lists" \
    -o "Dir::Cache=${E2_APT_DIR}/cache"
}

# Print "URI KEYRING" of the system's bookworm main entry.
system_bookworm_source() {
  local f
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && comps ~ /(^| )main( |$)/ && uri != "" && !done) {
          print uri, (key == "" ? "-" : key); done = 1
        }
        types = suites = comps = uri = key = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:"     { $1 = ""; types = $0 }
      tolower($1) == "uris:"      { uri = $2 }
      tolower($1) == "suites:"    { $1 = ""; suites = $0 }
      tolower($1) == "components:"{ $1 = ""; comps = $0 }
      tolower($1) == "signed-by:" { key = $2 }
      END { flush() }
    ' "$f" | head -n1 | grep . && return 0
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '
      /^[ \t]*deb[ \t]/ {
        key = "-"; i = 2
        if ($2 ~ /^\[/) {
          while (i <= NF) { if ($i ~ /signed-by=/) { k = $i; sub(/.*signed-by=/, "", k); sub(/\].*/, "", k); key = k }
                            if ($i ~ /\]$/) { i++; break } ; i++ }
        }
        uri = $i; suite = $(i+1)
        if (suite == "bookworm") { for (j = i+2; j <= NF; j++) if ($j == "main") { print uri, key; exit } }
      }' "$f" | head -n1 | grep . && return 0
  done
  return 1
}

e2_fetch_debs() {  # e2_fetch_debs DESTDIR PKG... : download trixie debs into DESTDIR
  local dest=$1; shift
  local src uri key
  src=$(system_bookworm_source) || die "engine2: no bookworm main entry found in the system apt sources"
  uri=${src%% *}; key=${src#* }
  [ "$key" != - ] || key=/usr/share/keyrings/debian-archive-keyring.gpg
  if command -v gpg >/dev/null 2>&1 && [ -f "$key" ]; then
    gpg --show-keys "$key" 2>/dev/null | grep -qi 'trixie' \
      || warn "engine2: keyring $key shows no trixie key; apt may reject the trixie Release file"
  fi
  mkdir -p "$E2_APT_DIR/lists/partial" "$E2_APT_DIR/cache/archives/partial"
  printf 'deb [signed-by=%s] %s trixie main\n' "$key" "$uri" >"$E2_APT_DIR/sources.list"
  local -a opts; mapfile -t opts < <(e2_apt_opts)
  log "engine2: private apt update (trixie main, keyring $key)"
  local out
  out=$(apt-get update -q "${opts[@]}" 2>&1) || { printf '%s\n' "$out" >&2; die "engine2: private apt-get update failed"; }
  if printf '%s\n' "$out" | grep -Eq 'NO_PUBKEY|not signed|^E:'; then
    printf '%s\n' "$out" >&2; die "engine2: trixie index could not be verified"
  fi
  mkdir -p "$dest"
  chown _apt "$dest" 2>/dev/null || true
  ( cd "$dest" && apt-get download -q "${opts[@]}" "$@" ) >/dev/null 2>&1 \
    || die "engine2: apt-get download $* failed"
  chown root "$dest" 2>/dev/null || true
}

e2_extract() {  # e2_extract PKG... : download + dpkg -x into $E2_OPT
  local dl="${E2_VAR}/download" p deb
  rm -rf "$dl"
  e2_fetch_debs "$dl" "$@"
  mkdir -p "$E2_OPT"
  for p in "$@"; do
    deb=$(ls "$dl"/"${p}"_*.deb 2>/dev/null | head -n1)
    [ -n "$deb" ] || die "engine2: $p .deb not downloaded"
    log "engine2: extracting $(basename "$deb") into $E2_OPT"
    dpkg -x "$deb" "$E2_OPT"
  done
  rm -rf "$dl"
}

e2_version() { curl -fsS --max-time 3 --unix-socket "$E2_SOCK" http://x/version 2>/dev/null; }
e2_ready()   { e2_version | grep -q "\"ApiVersion\":\"${E2_API}\""; }

e2_use_trixie_runtime() { [ -x "$E2_OPT/usr/bin/containerd" ]; }

e2_start_daemon() {
  local path="$E2_OPT/usr/sbin:$E2_OPT/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  if e2_use_trixie_runtime; then
    log "engine2: using trixie containerd from $E2_OPT (bookworm runc)"
  fi
  mkdir -p "$E2_RUN/exec" "$E2_VAR/data"
  log "engine2: starting dockerd in netns $E2_NETNS (log $E2_LOG)"
  start_bg "$E2_RUN/launcher.pid" "$E2_LOG" \
    env PATH="$path" \
    nsenter --net="/run/netns/$E2_NETNS" \
    "$E2_OPT/usr/sbin/dockerd" \
      --host "$E2_HOST" \
      --data-root "$E2_VAR/data" \
      --exec-root "$E2_RUN/exec" \
      --pidfile "$E2_PIDFILE" \
      --userland-proxy-path "$E2_OPT/usr/sbin/docker-proxy"
}

e2_stop_daemon() {
  local pid
  pid_alive "$E2_PIDFILE" clibdocker-engine2 || return 0
  pid=$(cat "$E2_PIDFILE")
  kill "$pid" 2>/dev/null || true
  wait_for 30 bash -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null || true
}

start_engine2() {
  if skip "${CLIBDOCKER_SKIP_ENGINE2:-0}"; then log "engine2: skipped (CLIBDOCKER_SKIP_ENGINE2=1)"; return; fi

  # 1. binaries
  # tini: the docker.io package's docker-init is a symlink to tini-static
  if [ -x "$E2_OPT/usr/sbin/dockerd" ] && [ -x "$E2_OPT/usr/bin/docker-init" ] \
     && "$E2_OPT/usr/sbin/dockerd" --version >/dev/null 2>&1; then
    log "engine2: $("$E2_OPT/usr/sbin/dockerd" --version) already extracted"
  else
    e2_extract docker.io tini
    "$E2_OPT/usr/sbin/dockerd" --version >/dev/null || die "engine2: extracted dockerd does not run"
  fi
  if skip "${CLIBDOCKER_ENGINE2_TRIXIE_RUNTIME:-0}" && ! e2_use_trixie_runtime; then
    e2_extract containerd
  fi

  # 2. network namespace (never run engine2 in the host netns)
  if ! ip netns list 2>/dev/null | grep -qw "^$E2_NETNS"; then
    log "engine2: creating network namespace $E2_NETNS"
    ip netns add "$E2_NETNS"
  fi
  nsenter --net="/run/netns/$E2_NETNS" ip link set lo up

  # 3. daemon
  if e2_ready; then
    log "engine2: already answering on $E2_SOCK"
  else
    if pid_alive "$E2_PIDFILE" clibdocker-engine2; then
      log "engine2: dockerd (pid $(cat "$E2_PIDFILE")) running but not answering yet; waiting"
    else
      # a killed dockerd may leave its pidfile (and a zombie), which makes
      # the next dockerd refuse to start
      rm -f "$E2_PIDFILE"
      e2_start_daemon
    fi
    if ! wait_for 60 e2_ready; then
      if ! e2_use_trixie_runtime; then
        warn "engine2 did not come up with bookworm's containerd; retrying with trixie's"
        tail -n 20 "$E2_LOG" >&2 || true
        e2_stop_daemon
        e2_extract containerd
        e2_start_daemon
        wait_for 60 e2_ready || { tail -n 40 "$E2_LOG" >&2 || true; die "engine2 did not answer with API $E2_API within 60s"; }
      else
        tail -n 40 "$E2_LOG" >&2 || true
        die "engine2 did not answer with API $E2_API within 60s"
      fi
    fi
  fi
  log "engine2: docker $(de2 version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null), storage driver $(de2 info --format '{{.Driver}}' 2>/dev/null)"

  # 4. the main engine must be unaffected
  ip link show docker0 >/dev/null 2>&1 || die "host docker0 bridge is missing after starting engine2"
  dmain info >/dev/null 2>&1 || die "main engine stopped answering after starting engine2"
  log "engine2: main engine still healthy (docker0 present, info ok)"
}

# ============================================================================
# e. test image (busybox rootfs, docker import) on both engines
# ============================================================================
build_rootfs_tar() {  # build_rootfs_tar OUT.tar
  local out=$1 root bb=/bin/busybox a
  [ -x "$bb" ] || die "image: $bb missing (busybox-static not installed?)"
  if ldd "$bb" >/dev/null 2>&1; then die "image: $bb is dynamically linked; need busybox-static"; fi
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,etc,tmp,root,dev,proc,sys,var,usr}
  chmod 1777 "$root/tmp"; chmod 700 "$root/root"
  cp "$bb" "$root/bin/busybox"
  for a in $("$bb" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
  done
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
nobody:x:65534:
EOF
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$root" -cf "$out" .
  rm -rf "$root"
}

ensure_image() {  # ensure_image NAME docker-wrapper
  local name=$1 dk=$2 tarball
  if "$dk" image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
    log "image: $TEST_IMAGE already present on $name"
  else
    tarball=$(mktemp --suffix=.tar)
    build_rootfs_tar "$tarball"
    "$dk" import --change 'CMD ["/bin/sh"]' --message "clibdocker test image (busybox-static)" \
      "$tarball" "$TEST_IMAGE" >/dev/null
    rm -f "$tarball"
    log "image: imported $TEST_IMAGE on $name"
  fi
  local out
  out=$("$dk" run --rm "$TEST_IMAGE" echo ok 2>&1) || true
  [ "$out" = ok ] || die "image: 'docker run --rm $TEST_IMAGE echo ok' on $name printed: $out"
  log "image: docker run --rm $TEST_IMAGE echo ok -> ok ($name)"
}

setup_images() {
  if skip "${CLIBDOCKER_SKIP_IMAGE:-0}"; then log "image: skipped (CLIBDOCKER_SKIP_IMAGE=1)"; return; fi
  ensure_image "main engine" dmain
  if ! skip "${CLIBDOCKER_SKIP_ENGINE2:-0}"; then ensure_image engine2 de2; fi
}

# ============================================================================
# f. python
# ============================================================================
setup_python() {
  if skip "${CLIBDOCKER_SKIP_PIP:-0}"; then log "pip: skipped (CLIBDOCKER_SKIP_PIP=1)"; return; fi
  # A fresh virtual environment every time: the machine's own interpreter may
  # run site start-up hooks (.pth files importing typing, types, ...) that hide
  # import-shadowing bugs; a plain venv is what users install into.
  log "venv: creating a fresh $VENV with $("$PYTHON" --version 2>&1)"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  log "venv: installing the test tools (${TEST_PACKAGES[*]})"
  "$VENV/bin/python" -I -m pip install -q --disable-pip-version-check "${TEST_PACKAGES[@]}"
  if [ -f "$REPO_ROOT/pyproject.toml" ]; then
    log "venv: installing the project from $REPO_ROOT (python -I: nothing on sys.path but the venv)"
    ( cd /tmp && "$VENV/bin/python" -I -m pip install -q --disable-pip-version-check "$REPO_ROOT/" )
    ( cd /tmp && "$VENV/bin/python" -I -c 'import clibdocker, sys; sys.exit(0 if clibdocker.APIClient().ping() else 1)' ) \
      || die "venv: the installed clibdocker cannot ping the main engine"
    ln -sf "$VENV/bin/clibdocker" /usr/local/bin/clibdocker
    log "venv: clibdocker installed; /usr/local/bin/clibdocker -> $VENV/bin/clibdocker"
  else
    warn "pip: $REPO_ROOT/pyproject.toml not found; skipping install of the project"
  fi
}

# ============================================================================
# g. env file
# ============================================================================
write_env_file() {
  cat >"$ENV_FILE.tmp" <<EOF
# written by clibdocker scripts/setup.sh
export CLIBDOCKER_TEST_ENGINE2=${E2_HOST}
export CLIBDOCKER_TEST_REGISTRY=${REG_ADDR}
export CLIBDOCKER_TEST_REGISTRY_USER=${REG_USER}
export CLIBDOCKER_TEST_REGISTRY_PASSWORD=${REG_PASS}
export CLIBDOCKER_TEST_IMAGE=${TEST_IMAGE}
export CLIBDOCKER_VENV=${VENV}
EOF
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
  log "env: wrote $ENV_FILE"
}

install_packages
start_main_engine
start_registry
start_engine2
setup_images
setup_python
write_env_file
log "all done in $(( $(date +%s) - START_TS ))s"
