#!/usr/bin/env bash
# Debian's Chromium, for the dashboard's browser tests and benchmark (Python Playwright
# drives it; Playwright's own browser downloads are not used). Installs the `chromium`
# package when /usr/bin/chromium is missing (apt-get update only when the install fails on
# stale package lists), then prints the executable's path. Fast and silent when present.
# usage: chromium.sh            prints /usr/bin/chromium (installing it first if needed)
set -euo pipefail
source "$(dirname "$0")/env.sh"

CHROMIUM=/usr/bin/chromium

if [ ! -x "$CHROMIUM" ]; then
  log "installing chromium from Debian (the dashboard's browser tests drive it)"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
    log "apt-get install failed: updating the package lists and trying again"
    as_root apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  [ -x "$CHROMIUM" ] || die "chromium installed but $CHROMIUM is missing"
fi
echo "$CHROMIUM"
