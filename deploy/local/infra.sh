#!/usr/bin/env bash
# The local infrastructure as one unit: Kafka, PostgreSQL (+pgvector) and Redis.
# usage: infra.sh up|down|status|clean
#   up     start what is not running, create the topics and the service databases
#   down   stop what this project started, and nothing else
#   clean  down, then wipe .local/ (data, logs, downloaded jars, tools)
set -euo pipefail
here="$(dirname "$0")"
source "$here/env.sh"

up() {
  "$here/bootstrap.sh"
  "$here/postgres.sh" start
  "$here/redis.sh" start
  "$here/kafka.sh" start
  "$MIA_ROOT/.venv/bin/python" -m mia_common.messaging.admin ensure-topics
  for dir in "$MIA_ROOT"/services/*/; do
    [ -f "$dir/pyproject.toml" ] || continue
    "$here/postgres.sh" createdb "$(basename "$dir" | tr '-' '_')"
  done
}

down() {
  "$here/kafka.sh" stop
  "$here/redis.sh" stop
  "$here/postgres.sh" stop
}

status() {
  "$here/kafka.sh" status
  "$here/postgres.sh" status
  "$here/redis.sh" status
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  clean) down; log "removing $MIA_LOCAL"; rm -rf "$MIA_LOCAL" ;;
  *) echo "usage: $0 up|down|status|clean" >&2; exit 2 ;;
esac
