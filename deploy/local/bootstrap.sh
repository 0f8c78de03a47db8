#!/usr/bin/env bash
# Installs the project's Python toolchain: a pinned uv in .local/tools, then the workspace
# (every member package and the dev tools) from uv.lock into .venv. Quick when warm.
set -euo pipefail
source "$(dirname "$0")/env.sh"

TOOLS="$MIA_LOCAL/tools"
UV="$TOOLS/bin/uv"
if ! { [ -x "$UV" ] && "$UV" --version 2>/dev/null | grep -q " $MIA_UV_VERSION"; }; then
  log "installing uv $MIA_UV_VERSION into $TOOLS"
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/pip" install -q --disable-pip-version-check "uv==$MIA_UV_VERSION"
fi
cd "$MIA_ROOT"
"$UV" sync --frozen --all-packages --quiet
