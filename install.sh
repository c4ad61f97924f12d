#!/bin/sh
# Installs a prebuilt ctxlint binary from the GitHub release: picks the archive for this
# platform, verifies its SHA-256 checksum against the release's sha256sums.txt and copies the
# binary into a directory. No Rust toolchain is needed.
#
#   curl -sSfL https://raw.githubusercontent.com/ctxlint/ctxlint/main/install.sh | sh -s -- -b ~/.local/bin v0.1.0
#
# Exit codes: 0 installed; 1 failure (download error, checksum mismatch, unsupported
# platform...); 3 the release or its archive for this platform does not exist (HTTP 404), which
# the GitHub Action takes as its cue to build from source instead.
set -eu

REPO="ctxlint/ctxlint"
# Base of the release downloads; `<base>/download/<tag>/<file>` and `<base>/latest/download/<file>`.
# Override for a mirror (or a test server).
BASE_URL="${CTXLINT_DOWNLOAD_URL:-https://github.com/${REPO}/releases}"

usage() {
  cat <<EOF
Usage: install.sh [-b DIR] [-t TARGET] [-d] [VERSION]

Installs ctxlint VERSION (a release tag such as v0.1.0, or 'latest', the default) into DIR.

  -b DIR     install directory (default: \$CTXLINT_INSTALL_DIR, else ~/.local/bin)
  -t TARGET  Rust target triple of the archive to install (default: this machine's)
  -d         print what is being done
  -h         this help

Environment: CTXLINT_DOWNLOAD_URL replaces ${BASE_URL} (mirrors, tests).
EOF
}

say() { printf 'install.sh: %s\n' "$*" >&2; }
debug() { if [ "$DEBUG" = 1 ]; then say "$*"; fi; }
die() { say "error: $*"; exit 1; }

DEBUG=0
BIN_DIR="${CTXLINT_INSTALL_DIR:-${HOME:-.}/.local/bin}"
TARGET=""
while getopts "b:t:dh" opt; do
  case "$opt" in
    b) BIN_DIR="$OPTARG" ;;
    t) TARGET="$OPTARG" ;;
    d) DEBUG=1 ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 1 ;;
  esac
done
shift $((OPTIND - 1))
VERSION="${1:-latest}"
[ $# -le 1 ] || die "unexpected arguments after the version: $*"
case "$VERSION" in
  latest | v[0-9]*) ;;
  [0-9]*) VERSION="v$VERSION" ;;
  *) die "version '$VERSION' is not a release tag like v0.1.0 (or 'latest')" ;;
esac

# The Rust target triple whose archive runs here.
detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) die "no prebuilt ctxlint for the CPU '$arch'; build from source: cargo install --git https://github.com/${REPO}" ;;
  esac
  case "$os" in
    Linux)
      # Static musl binaries: they run on any distribution, glibc or musl.
      echo "${arch}-unknown-linux-musl" ;;
    Darwin)
      # A shell under Rosetta reports x86_64 on Apple silicon: prefer the native binary.
      if [ "$arch" = x86_64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then
        arch=aarch64
      fi
      echo "${arch}-apple-darwin" ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      [ "$arch" = x86_64 ] || die "no prebuilt ctxlint for Windows on '$arch'"
      echo "x86_64-pc-windows-msvc" ;;
    *) die "no prebuilt ctxlint for the OS '$os'; build from source: cargo install --git https://github.com/${REPO}" ;;
  esac
}

# download URL FILE: 0 on success, 3 when the server says 404, 1 on any other failure.
download() {
  debug "downloading $1"
  if command -v curl >/dev/null 2>&1; then
    code=$(curl -sSL --retry 3 --proto '=https,http' -o "$2" -w '%{http_code}' "$1") || return 1
    case "$code" in
      200) return 0 ;;
      404) return 3 ;;
      *) say "$1: HTTP $code"; return 1 ;;
    esac
  elif command -v wget >/dev/null 2>&1; then
    status=0
    wget -q -O "$2" "$1" || status=$?
    case "$status" in
      0) return 0 ;;
      8) return 3 ;; # the server answered with an error: most likely 404
      *) return 1 ;;
    esac
  else
    die "neither curl nor wget is installed"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 "$1" | sed 's/^.*= *//'
  else
    die "no sha256sum, shasum or openssl to verify the download with"
  fi
}

[ -n "$TARGET" ] || TARGET=$(detect_target)
case "$TARGET" in
  *windows*) ARCHIVE="ctxlint-${TARGET}.zip"; EXE=ctxlint.exe ;;
  *) ARCHIVE="ctxlint-${TARGET}.tar.gz"; EXE=ctxlint ;;
esac
if [ "$VERSION" = latest ]; then
  URL="${BASE_URL}/latest/download"
else
  URL="${BASE_URL}/download/${VERSION}"
fi

TMP=$(mktemp -d 2>/dev/null || mktemp -d -t ctxlint)
trap 'rm -rf "$TMP"' EXIT INT TERM

say "installing ctxlint ${VERSION} (${TARGET}) into ${BIN_DIR}"
status=0
download "${URL}/${ARCHIVE}" "${TMP}/${ARCHIVE}" || status=$?
if [ "$status" = 3 ]; then
  say "error: release ${VERSION} has no ${ARCHIVE} (${URL}/${ARCHIVE}: not found)"
  exit 3
fi
[ "$status" = 0 ] || die "cannot download ${URL}/${ARCHIVE}"
download "${URL}/sha256sums.txt" "${TMP}/sha256sums.txt" ||
  die "cannot download ${URL}/sha256sums.txt to verify the archive"

expected=$(awk -v f="$ARCHIVE" '$2 == f || $2 == "*" f { print $1 }' "${TMP}/sha256sums.txt")
[ -n "$expected" ] || die "sha256sums.txt of ${VERSION} lists no ${ARCHIVE}"
actual=$(sha256_of "${TMP}/${ARCHIVE}")
if [ "$expected" != "$actual" ]; then
  die "checksum mismatch for ${ARCHIVE}: expected ${expected}, got ${actual}; nothing installed"
fi
debug "sha256 ${actual} verified"

mkdir -p "${TMP}/x"
case "$ARCHIVE" in
  *.zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "${TMP}/${ARCHIVE}" -d "${TMP}/x"
    else
      tar -xf "${TMP}/${ARCHIVE}" -C "${TMP}/x"
    fi ;;
  *) tar -xzf "${TMP}/${ARCHIVE}" -C "${TMP}/x" ;;
esac
BIN=$(find "${TMP}/x" -type f -name "$EXE" | head -n 1)
[ -n "$BIN" ] || die "${ARCHIVE} holds no ${EXE}"

mkdir -p "$BIN_DIR" || die "cannot create ${BIN_DIR}"
# Copy next to the destination, then rename: a running ctxlint is never half overwritten.
cp "$BIN" "${BIN_DIR}/.${EXE}.tmp.$$" || die "cannot write to ${BIN_DIR}"
chmod 755 "${BIN_DIR}/.${EXE}.tmp.$$"
mv -f "${BIN_DIR}/.${EXE}.tmp.$$" "${BIN_DIR}/${EXE}"
say "installed ${BIN_DIR}/${EXE}"
case ":${PATH}:" in
  *":${BIN_DIR}:"*) ;;
  *) say "note: ${BIN_DIR} is not on your PATH" ;;
esac
