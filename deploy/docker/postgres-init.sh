#!/usr/bin/env bash
# Creates the platform's databases in the postgres image's first start
# (/docker-entrypoint-initdb.d): pgvector in template1, then one database per service,
# named in POSTGRES_MULTIPLE_DATABASES (comma separated, e.g. "gateway,meta_ingest").
# docker-compose.yml mounts this file; deploy/k8s/postgres.yaml carries a copy of it
# (tests-e2e/test_deploy_manifests.py keeps the two identical).
#
# Idempotent: after adding a service to an existing volume, run it again with
#   docker compose exec postgres /docker-entrypoint-initdb.d/10-mia-databases.sh
# The entrypoint sources a script that is not executable, so no `exit` and no `set -u`.
set -Eeo pipefail

mia_psql() {
  # The local socket, as the entrypoint does: during initialisation the server listens on
  # nothing else, and local connections are trusted.
  PGHOST= PGHOSTADDR= PGOPTIONS='-c client_min_messages=warning' psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password \
    --username "$POSTGRES_USER" "$@"
}

mia_create_databases() {
  # Databases made from template1 get pgvector: a service only declares it in a migration.
  mia_psql --dbname template1 --quiet --command 'CREATE EXTENSION IF NOT EXISTS vector'

  local raw name
  local -a names
  IFS=',' read -r -a names <<<"${POSTGRES_MULTIPLE_DATABASES:-}"
  for raw in "${names[@]}"; do
    name="${raw//[[:space:]]/}"
    [ -n "$name" ] || continue
    if [[ ! "$name" =~ ^[a-z_][a-z0-9_]*$ ]]; then
      echo "postgres-init: '$name' is not a database name (a-z, 0-9, _)" >&2
      return 1
    fi
    if [ "$(mia_psql --dbname postgres --tuples-only --no-align \
      --command "SELECT 1 FROM pg_database WHERE datname = '$name'")" = "1" ]; then
      echo "postgres-init: database $name exists"
    else
      mia_psql --dbname postgres --quiet \
        --command "CREATE DATABASE \"$name\" OWNER \"$POSTGRES_USER\""
      echo "postgres-init: created database $name"
    fi
  done
}

mia_create_databases
