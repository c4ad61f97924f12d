#!/usr/bin/env bash
# The VS Code extension: installs its npm dependencies (npm ci, from the lock file), compiles
# it, runs its unit tests and the LSP tests against the real `ctxlint server` (CTXLINT_BIN,
# default target/debug/ctxlint), then packages it with vsce.
#   bash .ci/test-vscode.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CTXLINT_BIN=${CTXLINT_BIN:-$root/target/debug/ctxlint}
[ -x "$CTXLINT_BIN" ] || { echo "test-vscode: no binary at $CTXLINT_BIN (run cargo build first)" >&2; exit 2; }
command -v npm >/dev/null || { echo "test-vscode: npm is not installed" >&2; exit 2; }
cd editors/vscode
npm ci --no-audit --no-fund --loglevel=error
npm test
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx vsce package --out "$out/ctxlint.vsix" > "$out/log" 2>&1 || { cat "$out/log" >&2; exit 1; }
# The package holds the compiled extension and its runtime dependency, not the sources.
listing=$(python3 -m zipfile -l "$out/ctxlint.vsix")
for want in extension/package.json extension/out/extension.js extension/out/server.js \
  extension/node_modules/vscode-languageclient/package.json; do
  grep -q "$want" <<< "$listing" || { echo "test-vscode: $want missing from the VSIX" >&2; exit 1; }
done
if grep -qE "extension/src/|extension/out/test/|node_modules/typescript/" <<< "$listing"; then
  echo "test-vscode: the VSIX holds sources, tests or dev dependencies" >&2
  exit 1
fi
echo "test-vscode: packaged $(du -k "$out/ctxlint.vsix" | cut -f 1) KiB"
