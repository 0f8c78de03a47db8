#!/usr/bin/env bash
# `make down`: stops the services and the infrastructure this project started, nothing else.
set -euo pipefail
here="$(dirname "$0")"
source "$here/env.sh"

PIDFILE="$MIA_LOCAL/services.pid"
if pid_alive "$PIDFILE"; then
  pid="$(cat "$PIDFILE")"
  log "stopping services ($pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
  deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && kill -KILL -- "-$pid" 2>/dev/null
    sleep 0.2
  done
fi
rm -f "$PIDFILE"
"$here/infra.sh" down
