#!/usr/bin/env bash
# CI entry point for the VS Code extension (called from .ci/run):
#   install exactly the lockfile, compile, run the grammar and unit tests, and package the .vsix.
# Usage: editors/vscode/run-ci.sh [OUT.vsix]   (default /tmp/spell.vsix)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
out="${1:-/tmp/spell.vsix}"
case "$out" in /*) ;; *) out="$OLDPWD/$out" ;; esac

npm ci --no-audit --no-fund
npm test
npx --no-install vsce package --no-dependencies --out "$out"
echo "run-ci: packaged $out"
