#!/usr/bin/env bash
# `make up`: infrastructure, migrations, then every service in the background (honcho,
# logs prefixed by service in .local/logs/services.log); waits until each /readyz answers.
set -euo pipefail
here="$(dirname "$0")"
source "$here/env.sh"

"$here/infra.sh" up
PY="$MIA_ROOT/.venv/bin/python"
"$PY" "$here/services.py" migrate
# Before the services: the gateway serves dashboard/dist at / when it exists at its start.
"$here/dashboard.sh" build

# The local run talks to the Meta sandbox (tools/meta-sandbox) unless pointed at Meta.
export MIA_META_GRAPH_URL="${MIA_META_GRAPH_URL:-http://127.0.0.1:8090}"
export MIA_SENDER_PUBLIC_URL="${MIA_SENDER_PUBLIC_URL:-http://127.0.0.1:8002}"

PIDFILE="$MIA_LOCAL/services.pid"
mkdir -p "$MIA_LOCAL/logs"
count="$("$PY" "$here/services.py" procfile)"
if [ "$count" -gt 0 ]; then
  if pid_alive "$PIDFILE"; then
    log "services already running (pid $(cat "$PIDFILE")); make down first to restart them"
  else
    # setsid: the runner leads its own process group, so `make down` stops all of it.
    setsid nohup "$MIA_ROOT/.venv/bin/honcho" -f "$MIA_LOCAL/Procfile" -d "$MIA_ROOT" start \
      >>"$MIA_LOCAL/logs/services.log" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
  fi
  "$PY" "$here/services.py" wait-ready || die "some services did not become ready"
fi
sandbox_line=""
if [ -d "$MIA_ROOT/tools/meta-sandbox" ] && [ -d "$MIA_ROOT/services/sender" ]; then
  sandbox_line="$("$PY" "$here/sandbox_setup.py")" || die "could not connect the sandbox number"
fi

cat <<MSG

Master IA is up.
  Kafka       127.0.0.1:$MIA_KAFKA_PORT
  PostgreSQL  127.0.0.1:$MIA_POSTGRES_PORT  (user mia, password mia, one database per service)
  Redis       127.0.0.1:$MIA_REDIS_PORT
MSG
if [ "$count" -gt 0 ]; then
  echo "  Services:"
  "$PY" "$here/services.py" urls
  if [ -d "$MIA_ROOT/services/gateway" ]; then
    cat <<LOGIN
  Dashboard:  http://127.0.0.1:8000/   (log in there; the API: http://127.0.0.1:8000/api/docs)
  Log in as:  email ${MIA_ADMIN_EMAIL:-admin@example.com}  password ${MIA_ADMIN_PASSWORD:-change-me-please-42}
              (set MIA_ADMIN_EMAIL / MIA_ADMIN_PASSWORD before the first run to choose them)
LOGIN
  fi
  if [ -n "$sandbox_line" ]; then
    echo "$sandbox_line"
    echo "              a customer writes: make simulate   (tools/meta-sandbox/README.md)"
  fi
  echo "  Logs: make logs     Stop: make down"
else
  echo "  No service is built yet: the infrastructure is ready for them.  Stop: make down"
fi
