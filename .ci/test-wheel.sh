#!/usr/bin/env bash
# Builds the Python wheel with maturin (`bindings = "bin"`), installs it into a fresh venv with
# no index (nothing from the network) and runs the installed ctxlint.
#   bash .ci/test-wheel.sh [--release]
# Without --release the wheel holds a debug-profile binary (quick in CI, where the debug build
# is already warm); the release workflow builds release wheels with the same pyproject.toml.
# maturin comes from $MATURIN, or `maturin` on the PATH, or is installed from PyPI into a
# temporary venv.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=(--profile dev)
[ "${1:-}" = "--release" ] && profile=(--release)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

maturin=${MATURIN:-$(command -v maturin || true)}
if [ -z "$maturin" ]; then
  python3 -m venv "$work/tools"
  "$work/tools/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.5,<2.0"
  maturin="$work/tools/bin/maturin"
fi

"$maturin" build "${profile[@]}" --out "$work/wheels" 2> "$work/build.log" || {
  cat "$work/build.log" >&2
  exit 2
}
wheel=$(ls "$work"/wheels/ctxlint-*.whl)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
echo "built $(basename "$wheel") ($(du -k "$wheel" | cut -f 1) KiB)"
case "$(basename "$wheel")" in
  "ctxlint-$version-py3-none-"*.whl) pass "the wheel is named for version $version, any Python (py3-none)" ;;
  *) fail "unexpected wheel name $(basename "$wheel")" ;;
esac

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
ctxlint="$work/venv/bin/ctxlint"
if [ -x "$ctxlint" ] && [ "$("$ctxlint" --version)" = "ctxlint $version" ]; then
  pass "pip install of the wheel puts ctxlint $version in the venv's bin/"
else fail "ctxlint in the venv: $("$ctxlint" --version 2>&1 || true)"; fi

# The installed binary lints: a fixture with findings exits 1 with JSON naming the rule.
rc=0
"$ctxlint" check --isolated --format json testdata/go/discarded-cancel > "$work/out.json" 2> "$work/err" || rc=$?
if [ "$rc" = 1 ] && python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema_version"] == 1
assert any(d["rule"] == "discarded-cancel" for d in doc["diagnostics"])
' "$work/out.json"; then
  pass "the installed ctxlint finds discarded-cancel in the fixture (exit 1, JSON)"
else fail "check from the wheel: exit $rc, $(cat "$work/err")"; fi

# And from a directory outside the repository, through the venv's PATH only.
mkdir -p "$work/proj"
printf 'package p\n\nimport "context"\n\nfunc f(p context.Context) {\n\tctx, _ := context.WithCancel(p)\n\t_ = ctx\n}\n' > "$work/proj/a.go"
rc=0
(cd "$work/proj" && PATH="$work/venv/bin:/usr/bin:/bin" ctxlint check --format short . > "$work/short" 2>&1) || rc=$?
if [ "$rc" = 1 ] && grep -q "a.go:6:.*discarded-cancel" "$work/short"; then
  pass "ctxlint from the venv's PATH lints a project elsewhere"
else fail "ctxlint check in a project: exit $rc, $(cat "$work/short")"; fi

# Uninstalling removes it again.
"$work/venv/bin/pip" uninstall --quiet --yes ctxlint
if [ ! -e "$ctxlint" ]; then pass "pip uninstall removes the binary"; else fail "pip uninstall left $ctxlint"; fi

echo "test-wheel: $passed passed, $failed failed"
[ "$failed" = 0 ]
