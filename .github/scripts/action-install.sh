#!/usr/bin/env bash
# The GitHub Action's install step: put a ctxlint binary on the PATH in seconds.
#
# Downloads the release binary for this runner through install.sh (checksum verified): the
# `version` input, or else the action's own ref when that is a release tag (`uses:
# ctxlint/ctxlint@v0.1.0`). Only when no release matches (a branch or commit ref, or a tag with
# no release archive for this platform) does it ask for a build from source, by writing
# `build=true` to $GITHUB_OUTPUT; cargo is never needed otherwise. A checksum mismatch or a
# network failure fails the step: it never falls back to building.
#
# Environment: INPUT_VERSION, ACTION_REF, ACTION_PATH, INSTALL_DIR, GITHUB_OUTPUT, GITHUB_PATH
# (and CTXLINT_DOWNLOAD_URL, passed through to install.sh).
set -euo pipefail

version="${INPUT_VERSION:-}"
if [ -z "$version" ]; then
  case "${ACTION_REF:-}" in
    v[0-9]*.*) version="$ACTION_REF" ;;
  esac
fi
if [ -z "$version" ]; then
  echo "::notice title=ctxlint::the action's ref '${ACTION_REF:-}' is not a release tag and no \`version\` is set: building ctxlint from source (pin a release tag, or set \`version: latest\`, to download it in seconds)"
  echo "build=true" >> "$GITHUB_OUTPUT"
  exit 0
fi

status=0
sh "$ACTION_PATH/install.sh" -b "$INSTALL_DIR" "$version" || status=$?
case "$status" in
  0)
    echo "$INSTALL_DIR" >> "$GITHUB_PATH"
    echo "build=false" >> "$GITHUB_OUTPUT"
    "$INSTALL_DIR/ctxlint" --version ;;
  3)
    echo "::notice title=ctxlint::no ctxlint release archive matches '$version' on this runner: building from source"
    echo "build=true" >> "$GITHUB_OUTPUT" ;;
  *)
    echo "::error title=ctxlint::installing ctxlint $version failed (see the log above)"
    exit 1 ;;
esac
