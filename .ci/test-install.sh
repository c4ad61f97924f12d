#!/usr/bin/env bash
# Tests install.sh and the GitHub Action's download step against a local HTTP server on
# 127.0.0.1 serving a release laid out like GitHub's (`releases/download/<tag>/...` and
# `releases/latest/download/...`), built from the local binary with the release workflow's own
# packaging script. No network beyond loopback; needs python3 (for the server), curl, tar.
#   bash .ci/test-install.sh [BINARY]     (default: target/debug/ctxlint)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${1:-target/debug/ctxlint}
[ -x "$bin" ] || { echo "test-install: no binary at $bin (run cargo build first)" >&2; exit 2; }
version="v$("$bin" --version | awk '{print $2}')"

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# The archive install.sh picks on this machine (on Linux the static musl one; the local
# binary stands in for it: this tests the download path, not the static linking).
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=x86_64-unknown-linux-musl ;;
  Linux-aarch64) target=aarch64-unknown-linux-musl ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64) target=aarch64-apple-darwin ;;
  *) echo "test-install: unsupported test platform $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac
archive="ctxlint-$target.tar.gz"

# A good release, the same as `latest`, one whose checksum does not match, one whose
# checksum file does not list the archive.
rel="$work/srv/releases"
mkdir -p "$rel/download/$version" "$rel/latest/download" "$rel/download/v0.0.1-bad" "$rel/download/v0.0.2-nosum"
bash .github/scripts/package.sh "$target" "$bin" "$rel/download/$version" >/dev/null
cat "$rel/download/$version"/*.sha256 > "$rel/download/$version/sha256sums.txt"
cp "$rel/download/$version"/* "$rel/latest/download/"
cp "$rel/download/$version/$archive" "$rel/download/v0.0.1-bad/"
echo "0000000000000000000000000000000000000000000000000000000000000000  $archive" > "$rel/download/v0.0.1-bad/sha256sums.txt"
cp "$rel/download/$version/$archive" "$rel/download/v0.0.2-nosum/"
echo "0000000000000000000000000000000000000000000000000000000000000000  ctxlint-other.tar.gz" > "$rel/download/v0.0.2-nosum/sha256sums.txt"

python3 -u -m http.server --bind 127.0.0.1 --directory "$work/srv" 0 > "$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "test-install: the HTTP server did not start" >&2; cat "$work/server.log" >&2; exit 2; }
export CTXLINT_DOWNLOAD_URL="http://127.0.0.1:$port/releases"

fixture=testdata/go/discarded-cancel
run_install() { # run_install DIR ARGS... ; sets rc and leaves stderr in $work/err
  rc=0
  sh install.sh -b "$1" "${@:2}" 2> "$work/err" || rc=$?
}

run_install "$work/a" "$version"
if [ "$rc" = 0 ] && [ "$("$work/a/ctxlint" --version)" = "$("$bin" --version)" ]; then
  pass "install.sh $version installs the archive and it runs"
else fail "install.sh $version (exit $rc): $(cat "$work/err")"; fi

rc=0; "$work/a/ctxlint" check --isolated "$fixture" > /dev/null 2>&1 || rc=$?
if [ "$rc" = 1 ]; then pass "the installed binary finds the fixture's problems (exit 1)"; else fail "installed binary exit $rc on $fixture"; fi

run_install "$work/b" latest
if [ "$rc" = 0 ] && [ -x "$work/b/ctxlint" ]; then pass "install.sh latest"; else fail "install.sh latest (exit $rc): $(cat "$work/err")"; fi

run_install "$work/c" "${version#v}"
if [ "$rc" = 0 ] && [ -x "$work/c/ctxlint" ]; then pass "install.sh accepts a version without the v"; else fail "install.sh ${version#v} (exit $rc)"; fi

run_install "$work/d" v0.0.1-bad
if [ "$rc" = 1 ] && [ ! -e "$work/d/ctxlint" ] && grep -q "checksum mismatch" "$work/err"; then
  pass "a checksum mismatch fails (exit 1) and installs nothing"
else fail "checksum mismatch: exit $rc, $(cat "$work/err")"; fi

run_install "$work/e" v0.0.2-nosum
if [ "$rc" = 1 ] && [ ! -e "$work/e/ctxlint" ] && grep -q "lists no $archive" "$work/err"; then
  pass "a checksum file without the archive fails"
else fail "no checksum line: exit $rc, $(cat "$work/err")"; fi

run_install "$work/f" v9.9.9
if [ "$rc" = 3 ] && [ ! -e "$work/f/ctxlint" ]; then pass "a missing release exits 3"; else fail "missing release: exit $rc, $(cat "$work/err")"; fi

run_install "$work/g" nonsense
if [ "$rc" = 1 ] && grep -q "not a release tag" "$work/err"; then pass "a malformed version is refused"; else fail "malformed version: exit $rc"; fi

rc=0; sh install.sh -h > "$work/help" 2>&1 || rc=$?
if [ "$rc" = 0 ] && grep -q "Usage: install.sh" "$work/help"; then pass "install.sh -h"; else fail "install.sh -h (exit $rc)"; fi

# The action's install step. A `cargo` that records being called stands first on the PATH:
# the download path must never call it.
mkdir -p "$work/fakebin"
printf '#!/bin/sh\necho "$@" >> "%s/cargo-called"\nexit 1\n' "$work" > "$work/fakebin/cargo"
chmod +x "$work/fakebin/cargo"
run_action() { # run_action NAME INPUT_VERSION ACTION_REF
  local dir="$work/action-$1"
  mkdir -p "$dir"
  : > "$dir/output"; : > "$dir/path"
  rc=0
  PATH="$work/fakebin:$PATH" INPUT_VERSION="$2" ACTION_REF="$3" ACTION_PATH="$root" \
    INSTALL_DIR="$dir/bin" GITHUB_OUTPUT="$dir/output" GITHUB_PATH="$dir/path" \
    bash .github/scripts/action-install.sh > "$dir/log" 2>&1 || rc=$?
}

run_action tag "" "$version"
if [ "$rc" = 0 ] && grep -qx "build=false" "$work/action-tag/output" && grep -qx "$work/action-tag/bin" "$work/action-tag/path" \
  && [ -x "$work/action-tag/bin/ctxlint" ] && [ ! -e "$work/cargo-called" ]; then
  pass "action: its own release tag downloads the binary, puts it on the PATH, never calls cargo"
else fail "action with ref $version: exit $rc, $(cat "$work/action-tag/log")"; fi

run_action input latest main
if [ "$rc" = 0 ] && grep -qx "build=false" "$work/action-input/output" && [ -x "$work/action-input/bin/ctxlint" ]; then
  pass "action: the version input wins over a branch ref"
else fail "action version=latest: exit $rc, $(cat "$work/action-input/log")"; fi

run_action branch "" main
if [ "$rc" = 0 ] && grep -qx "build=true" "$work/action-branch/output" && [ ! -e "$work/action-branch/bin/ctxlint" ]; then
  pass "action: a branch ref with no version asks for a build from source"
else fail "action ref main: exit $rc, $(cat "$work/action-branch/log")"; fi

run_action missing v9.9.9 main
if [ "$rc" = 0 ] && grep -qx "build=true" "$work/action-missing/output"; then
  pass "action: a version with no release archive asks for a build"
else fail "action version v9.9.9: exit $rc, $(cat "$work/action-missing/log")"; fi

run_action bad v0.0.1-bad main
if [ "$rc" != 0 ] && ! grep -q "build=true" "$work/action-bad/output" && [ ! -e "$work/action-bad/bin/ctxlint" ]; then
  pass "action: a checksum mismatch fails the step and does not fall back to building"
else fail "action with a bad checksum: exit $rc, $(cat "$work/action-bad/log")"; fi

[ ! -e "$work/cargo-called" ] || fail "cargo was called: $(cat "$work/cargo-called")"

echo "test-install: $passed passed, $failed failed"
[ "$failed" = 0 ]
