#!/usr/bin/env bash
# A project-local PostgreSQL cluster with pgvector, from Debian's packages.
# usage: postgres.sh start|stop|status|createdb NAME
set -euo pipefail
source "$(dirname "$0")/env.sh"

PG_HOME="$MIA_LOCAL/postgres"
DATA="$PG_HOME/data"
RUN="$PG_HOME/run"

# PostgreSQL refuses to run as root: as root the cluster is owned by a service user.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$MIA_PG_SERVICE_USER" -- "$@"; else "$@"; fi
}

ensure_server() {
  [ -x "$MIA_PG_BIN/initdb" ] || apt_install "postgresql-$MIA_PG_VERSION"
  if [ "$(id -u)" -eq 0 ] && ! id "$MIA_PG_SERVICE_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$MIA_PG_SERVICE_USER"
  fi
}

psql_admin() {
  as_pg env PGOPTIONS="--client-min-messages=warning" \
    "$MIA_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN" -p "$MIA_POSTGRES_PORT" \
    -U postgres "$@"
}

# pgvector is built from Debian's source package (trixie has it, bookworm does not),
# and only when the extension's files are not installed for this server. It runs before
# the server starts: the build's packages (server-dev) may upgrade the server's own, and a
# server already running would then load the new plpgsql.so into the old binary
# ("undefined symbol" on every function call) until restarted.
ensure_pgvector() {
  local sharedir
  sharedir="$("$MIA_PG_BIN/pg_config" --sharedir)"
  [ -f "$sharedir/extension/vector.control" ] && return 0
  log "building pgvector from Debian's source package"
  apt_install "postgresql-server-dev-$MIA_PG_VERSION" build-essential dpkg-dev
  local sources=/etc/apt/sources.list.d/mia-trixie-src.sources
  if [ ! -f "$sources" ]; then
    as_root tee "$sources" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    as_root apt-get update -qq >/dev/null
  fi
  local build="$MIA_LOCAL/build/pgvector"
  rm -rf "$build" && mkdir -p "$build"
  (cd "$build" && apt-get source -qq pgvector >/dev/null 2>&1) || die "apt-get source pgvector failed"
  local src; src="$(find "$build" -maxdepth 1 -type d -name 'pgvector-*' | head -1)"
  make -s -C "$src" PG_CONFIG="$MIA_PG_BIN/pg_config" >/dev/null
  as_root make -s -C "$src" install PG_CONFIG="$MIA_PG_BIN/pg_config" >/dev/null
}

start() {
  ensure_server
  ensure_pgvector
  mkdir -p "$PG_HOME" "$RUN"
  if [ "$(id -u)" -eq 0 ]; then chown "$MIA_PG_SERVICE_USER" "$PG_HOME" "$RUN"; fi
  if as_pg "$MIA_PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    log "postgres already running on $MIA_POSTGRES_PORT"
  else
    port_open "$MIA_POSTGRES_PORT" && die "port $MIA_POSTGRES_PORT is taken by another program (set MIA_POSTGRES_PORT)"
    if [ ! -f "$DATA/PG_VERSION" ]; then
      log "creating the postgres cluster in $DATA"
      as_pg "$MIA_PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$PG_HOME/initdb.log" 2>&1 || { cat "$PG_HOME/initdb.log" >&2; die "initdb failed"; }
    fi
    log "starting postgres on 127.0.0.1:$MIA_POSTGRES_PORT"
    # fsync off: this cluster holds local and test data only, and tests create many databases.
    as_pg "$MIA_PG_BIN/pg_ctl" -D "$DATA" -l "$PG_HOME/server.log" -w -t 60 start -o \
      "-p $MIA_POSTGRES_PORT -k $RUN -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
      || { tail -20 "$PG_HOME/server.log" >&2; die "postgres did not start"; }
  fi
  psql_admin -d postgres -tc "SELECT 1 FROM pg_roles WHERE rolname='mia'" | grep -q 1 \
    || psql_admin -d postgres -c "CREATE ROLE mia LOGIN CREATEDB PASSWORD 'mia'"
  # Databases made from template1 get pgvector, so a service just declares it in a migration.
  psql_admin -d template1 -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
}

createdb() {
  local name="$1"
  psql_admin -d postgres -tc "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1 \
    || psql_admin -d postgres -c "CREATE DATABASE \"$name\" OWNER mia"
}

stop() {
  if [ -f "$DATA/postmaster.pid" ]; then
    log "stopping postgres"
    as_pg "$MIA_PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

status() {
  if [ -f "$DATA/PG_VERSION" ] && as_pg "$MIA_PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    echo "postgres: running on $MIA_POSTGRES_PORT"
  else
    echo "postgres: stopped"
  fi
}

case "${1:-}" in
  start) start ;; stop) stop ;; status) status ;;
  createdb) createdb "${2:?database name}" ;;
  *) echo "usage: $0 start|stop|status|createdb NAME" >&2; exit 2 ;;
esac
