#!/usr/bin/env bash
# Regenerates docs/screenshot.png: renders docs/agent.spl with the extension's TextMate grammar
# (scripts/render-html.mjs: vscode-textmate + vscode-oniguruma, a Dark+-like palette) and takes
# a screenshot with Debian's headless Chromium.
#
# Needs: npm ci (for vscode-textmate/vscode-oniguruma) and `apt-get install -y chromium`.
# Usage: scripts/screenshot.sh [INPUT.spl] [OUTPUT.png]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
input="${1:-docs/agent.spl}"
output="${2:-docs/screenshot.png}"
chromium_bin="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$chromium_bin" ]]; then
  echo "screenshot.sh: chromium not found (apt-get install -y chromium)" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
node scripts/render-html.mjs "$input" > "$tmp/sample.html"
"$chromium_bin" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$tmp/profile" --force-device-scale-factor=1 \
  --screenshot="$PWD/$output" --window-size=900,600 "file://$tmp/sample.html"
echo "screenshot.sh: wrote $output"
