#!/usr/bin/env bash
# CI entry point for the VS Code extension (called from .ci/run):
#   install exactly the lockfile, compile and bundle, run the grammar and unit tests, the
#   end-to-end tests against spell-lsp/spell built from this checkout, and package the .vsix.
# Usage: editors/vscode/run-ci.sh [OUT.vsix]   (default /tmp/spell.vsix)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
out="${1:-/tmp/spell.vsix}"
case "$out" in /*) ;; *) out="$OLDPWD/$out" ;; esac

npm ci --no-audit --no-fund
npm test

# End-to-end: the client code against the real spell-lsp and spell (built from this checkout).
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
(cd ../.. && go build -o "$bin/" ./cmd/spell ./cmd/spell/spell-net ./cmd/spell-lsp)
SPELL_LSP="$bin/spell-lsp" SPELL="$bin/spell" npm run test:e2e
npx --no-install vsce package --no-dependencies --out "$out"
echo "run-ci: packaged $out"
