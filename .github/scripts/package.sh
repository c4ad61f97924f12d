#!/usr/bin/env bash
# Packs a built ctxlint binary into the release archive for TARGET and writes its SHA-256:
#   package.sh TARGET BINARY OUTDIR
# gives OUTDIR/ctxlint-TARGET.tar.gz (.zip for Windows) holding ctxlint-TARGET/{ctxlint,README.md},
# and OUTDIR/ctxlint-TARGET.tar.gz.sha256 in `sha256sum` format. Used by the release workflow
# and by .ci/test-install.sh, so what is tested is what is shipped.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: package.sh TARGET BINARY OUTDIR" >&2
  exit 2
fi
target=$1 binary=$2 out=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
name="ctxlint-$target"
case "$target" in
  *windows*) exe=ctxlint.exe archive="$name.zip" ;;
  *) exe=ctxlint archive="$name.tar.gz" ;;
esac
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/$exe"
chmod 755 "$stage/$name/$exe"
cp "$root/README.md" "$stage/$name/"
rm -f "$out/$archive"
case "$archive" in
  *.zip)
    py=$(command -v python3 || command -v python)
    (cd "$stage" && "$py" -m zipfile -c "$out/$archive" "$name") ;;
  *)
    # Sorted names, fixed owner and mtime: the same binary always gives the same archive.
    (cd "$stage" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2020-01-01 00:00Z' \
      -cf - "$name" | gzip -n -9 > "$out/$archive") 2>/dev/null ||
      (cd "$stage" && tar -czf "$out/$archive" "$name") ;;
esac
if command -v sha256sum >/dev/null 2>&1; then
  hash=$(sha256sum "$out/$archive" | cut -d ' ' -f 1)
else
  hash=$(shasum -a 256 "$out/$archive" | cut -d ' ' -f 1)
fi
echo "$hash  $archive" > "$out/$archive.sha256"
echo "$out/$archive"
