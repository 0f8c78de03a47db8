#!/usr/bin/env bash
# A project-local Redis server from Debian's package.
# usage: redis.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/env.sh"

REDIS_HOME="$MIA_LOCAL/redis"
PIDFILE="$REDIS_HOME/redis.pid"

start() {
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$REDIS_HOME"
  if pid_alive "$PIDFILE"; then log "redis already running on $MIA_REDIS_PORT"; return 0; fi
  port_open "$MIA_REDIS_PORT" && die "port $MIA_REDIS_PORT is taken by another program (set MIA_REDIS_PORT)"
  log "starting redis on 127.0.0.1:$MIA_REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$MIA_REDIS_PORT" --dir "$REDIS_HOME" \
    --daemonize yes --pidfile "$PIDFILE" --logfile "$REDIS_HOME/redis.log" \
    --save "" --appendonly no --protected-mode no
  wait_for redis 20 port_open "$MIA_REDIS_PORT"
}

stop() {
  if pid_alive "$PIDFILE"; then
    log "stopping redis"
    local pid; pid="$(cat "$PIDFILE")"
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PIDFILE"
}

status() { pid_alive "$PIDFILE" && echo "redis: running on $MIA_REDIS_PORT" || echo "redis: stopped"; }

case "${1:-}" in
  start) start ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
