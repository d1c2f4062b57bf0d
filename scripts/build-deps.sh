#!/usr/bin/env bash
# Build the libraries the wheel links statically: libcurl, json-c and libnghttp2 from
# Debian's own source packages (the versions, and the security patches, of
# the machine's release), libcurl cut down to what a Docker client uses:
# HTTP/1.1, unix sockets, TLS through OpenSSL, proxies, zlib. OpenSSL and
# zlib are Debian's static archives (libssl-dev, zlib1g-dev).
#
#   bash scripts/build-deps.sh [PREFIX]     (default: build-deps/prefix)
#
# Idempotent: a stamp naming the source versions and this script skips
# the build when nothing changed. Needs dpkg-dev (dpkg-source) and network
# access to the Debian mirror in the system's apt sources.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$(realpath -m "${1:-$root/build-deps/prefix}")"
work="$(dirname "$prefix")/src"
jobs="$(nproc)"
log() { printf '[build-deps] %s\n' "$*"; }
die() { printf '[build-deps] error: %s\n' "$*" >&2; exit 1; }

CURL_CONFIGURE=(
  --disable-shared --enable-static --with-pic
  --with-openssl --with-zlib
  --enable-http --enable-proxy --enable-unix-sockets --enable-threaded-resolver
  --enable-symbol-hiding
  --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp --disable-dict
  --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smb --disable-smtp
  --disable-gopher --disable-mqtt --disable-manual --disable-ntlm --disable-ntlm-wb
  --disable-tls-srp --disable-alt-svc --disable-hsts --disable-doh --disable-netrc
  --disable-cookies --disable-mime --disable-websockets --disable-verbose
  --without-libpsl --without-brotli --without-zstd --without-nghttp2 --without-nghttp3
  --without-ngtcp2 --without-quiche --without-libidn2 --without-librtmp --without-libssh2
  --without-libssh --without-wolfssh --without-gssapi --without-libgsasl --without-hyper
  --without-ca-fallback
  --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --with-ca-path=/etc/ssl/certs
)

# --- Debian's sources through a private sources list (the system's own
# mirror and keyring; the system's apt configuration is not touched) --------
apt_dir="$(dirname "$prefix")/apt"
fetch_sources() {
  local uri key sec
  uri=$(awk 'tolower($1)=="uris:"{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1=="deb" && $0 ~ / bookworm /{for(i=2;i<=NF;i++) if ($i ~ /^http/) {print $i; exit}}' \
    /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || uri=http://deb.debian.org/debian
  sec="${uri%/debian}/debian-security"
  key=/usr/share/keyrings/debian-archive-keyring.gpg
  . /etc/os-release
  local suite="${VERSION_CODENAME:-bookworm}"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  printf 'deb-src [signed-by=%s] %s %s main\ndeb-src [signed-by=%s] %s %s-security main\n' \
    "$key" "$uri" "$suite" "$key" "$sec" "$suite" >"$apt_dir/sources.list"
  APT_OPTS=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
            -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
  log "apt: private source index ($suite, $suite-security)"
  apt-get update -q "${APT_OPTS[@]}" >/dev/null 2>&1 || die "private apt-get update failed"
}

src_version() {  # newest source version of package $1 in the private index
  apt-cache "${APT_OPTS[@]}" showsrc "$1" 2>/dev/null | awk '$1=="Version:"{print $2}' | sort -V | tail -n1
}

unpack() {  # unpack PKG VERSION DIR: download and extract with Debian's patches applied
  local pkg=$1 ver=$2 dir=$3 dl="$work/dl"
  rm -rf "$dl" "$dir"; mkdir -p "$dl"
  chown _apt "$dl" 2>/dev/null || true
  ( cd "$dl" && apt-get source -q --download-only "${APT_OPTS[@]}" "$pkg=$ver" >/dev/null 2>&1 ) \
    || die "apt-get source $pkg=$ver failed"
  ( cd "$dl" && dpkg-source --no-check -x ./*.dsc "$dir" >/dev/null ) || die "dpkg-source -x $pkg failed"
  rm -rf "$dl"
}

command -v dpkg-source >/dev/null || die "dpkg-source not found (apt-get install dpkg-dev)"
for a in libssl.a libcrypto.a libz.a; do
  [ -n "$(find /usr/lib /usr/lib64 -name "$a" 2>/dev/null | head -n1)" ] \
    || die "$a not found (apt-get install libssl-dev zlib1g-dev)"
done
fetch_sources
curl_ver=$(src_version curl); jsonc_ver=$(src_version json-c); ng_ver=$(src_version nghttp2)
[ -n "$curl_ver" ] && [ -n "$jsonc_ver" ] && [ -n "$ng_ver" ] || die "curl/json-c/nghttp2 not in the source index"
stamp_want="curl=$curl_ver json-c=$jsonc_ver nghttp2=$ng_ver script=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
if [ -f "$prefix/.stamp" ] && [ "$(cat "$prefix/.stamp")" = "$stamp_want" ]; then
  log "up to date: $stamp_want"
  exit 0
fi
rm -rf "$prefix" "$work"; mkdir -p "$prefix" "$work"

log "json-c $jsonc_ver"
unpack json-c "$jsonc_ver" "$work/json-c"
cmake -S "$work/json-c" -B "$work/json-c/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF \
  -DBUILD_STATIC_LIBS=ON -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DBUILD_TESTING=OFF \
  -DDISABLE_WERROR=ON -DHAVE_ARC4RANDOM=0 -DCMAKE_C_FLAGS="-O2 -fvisibility=hidden" >/dev/null 2>&1
cmake --build "$work/json-c/build" -j"$jobs" >/dev/null
cmake --install "$work/json-c/build" >/dev/null

# libnghttp2 (BuildKit's session: we are the HTTP/2 server on the engine's
# connection; Debian's libnghttp2.a is not position-independent)
log "nghttp2 $ng_ver (the library only)"
unpack nghttp2 "$ng_ver" "$work/nghttp2"
cmake -S "$work/nghttp2" -B "$work/nghttp2/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib -DENABLE_LIB_ONLY=ON \
  -DENABLE_STATIC_LIB=ON -DENABLE_SHARED_LIB=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DCMAKE_C_FLAGS="-O2 -fvisibility=hidden" >"$work/nghttp2-configure.log" 2>&1 \
  || { tail -30 "$work/nghttp2-configure.log"; die "nghttp2 configure failed"; }
cmake --build "$work/nghttp2/build" -j"$jobs" >"$work/nghttp2-make.log" 2>&1 \
  && cmake --install "$work/nghttp2/build" >>"$work/nghttp2-make.log" 2>&1 \
  || { tail -30 "$work/nghttp2-make.log"; die "nghttp2 build failed"; }

log "curl $curl_ver (HTTP only, unix sockets, OpenSSL, proxies, zlib)"
unpack curl "$curl_ver" "$work/curl"
( cd "$work/curl" && CFLAGS="-O2 -fvisibility=hidden" ./configure --prefix="$prefix" --libdir="$prefix/lib" \
    "${CURL_CONFIGURE[@]}" >"$work/curl-configure.log" 2>&1 ) \
  || { tail -30 "$work/curl-configure.log"; die "curl configure failed"; }
make -C "$work/curl/lib" -j"$jobs" >"$work/curl-make.log" 2>&1 || { tail -30 "$work/curl-make.log"; die "curl build failed"; }
make -C "$work/curl/lib" install >/dev/null
make -C "$work/curl/include" install >/dev/null
make -C "$work/curl" install-pkgconfigDATA >/dev/null 2>&1 || cp "$work/curl/libcurl.pc" "$prefix/lib/pkgconfig/"
printf '%s\n' "$stamp_want" >"$prefix/.stamp"
rm -rf "$work"
log "done: $prefix ($(du -sh "$prefix/lib" | cut -f1) in lib)"
