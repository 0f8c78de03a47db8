#!/usr/bin/env bash
# The dashboard (dashboard/, a Vite + React app):
#   install  npm ci, only when node_modules is missing or package-lock.json changed
#   build    type-check and build into dashboard/dist (the gateway serves it at /);
#            skipped when nothing it is built from changed since the last build
#   test     the generated API client matches the gateway, then the Vitest suite
set -euo pipefail
here="$(dirname "$0")"
source "$here/env.sh"
app="$MIA_ROOT/dashboard"
cd "$app"

need_node() {
  command -v node >/dev/null && command -v npm >/dev/null \
    || die "the dashboard needs Node.js 20.19+ and npm (apt-get install nodejs npm)"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "the dashboard needs Node.js 20.19 or newer, found $(node --version)"
}

# A fingerprint of the given files' contents (names included, so a deleted file counts).
fingerprint() {
  local present=() path
  for path in "$@"; do [ -e "$path" ] && present+=("$path"); done
  find "${present[@]}" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

install() {
  need_node
  local stamp="node_modules/.mia-installed" want
  want="$(fingerprint package-lock.json)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  log "dashboard: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
}

build() {
  install
  # The stamp lives beside the packages, not in dist/, which the gateway serves as is.
  local stamp="node_modules/.mia-built" want
  want="$(fingerprint src public scripts index.html package-lock.json tsconfig.json vite.config.ts)"
  if [ -f dist/index.html ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "dashboard: dist/ is up to date"
    return 0
  fi
  log "dashboard: npm run build"
  npm run --silent build
  echo "$want" >"$stamp"
}

test_dashboard() {
  install
  echo "=== dashboard: npm run check:api"
  MIA_PYTHON="$MIA_ROOT/.venv/bin/python" npm run --silent check:api
  echo "=== dashboard: npm test"
  npm test --silent
}

case "${1:-}" in
  install) install ;;
  build) build ;;
  test) test_dashboard ;;
  *) die "usage: $0 install|build|test" ;;
esac
