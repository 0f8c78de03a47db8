#!/usr/bin/env bash
# keep-running.sh NAME CMD...: runs CMD, and runs it again whenever it dies on its own.
#
# `make up` starts every service under honcho (one log, each line prefixed by its
# service), and honcho stops all of them when any one exits: one crashed service took
# the whole local run down, the Meta sandbox and its state with it. Each Procfile entry
# is therefore this wrapper around the service: a crash (even kill -9) is logged and the
# service started again, after a pause that doubles while it keeps dying within
# STABLE_SECONDS of starting (1 s up to 30 s), so a broken build does not spin. A TERM or
# INT (make down, Ctrl-C) is passed to the service and ends the wrapper.
set -uo pipefail

name="$1"
shift
STABLE_SECONDS="${MIA_RESTART_STABLE_SECONDS:-10}"
MAX_PAUSE="${MIA_RESTART_MAX_PAUSE:-30}"
child=""
stopping=""

stop() {
  stopping=1
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
}
trap stop TERM INT

pause=1
while true; do
  started=$SECONDS
  "$@" &
  child=$!
  # `wait` returns early when a trapped signal arrives: wait again until the child is gone.
  while true; do
    wait "$child"
    code=$?
    kill -0 "$child" 2>/dev/null || break
  done
  [ -n "$stopping" ] && exit 0
  if [ $((SECONDS - started)) -ge "$STABLE_SECONDS" ]; then
    pause=1
  fi
  echo "[keep-running] $name exited with code $code; starting it again in ${pause}s" >&2
  sleep "$pause" &
  child=$!
  wait "$child" 2>/dev/null
  [ -n "$stopping" ] && exit 0
  pause=$((pause * 2 > MAX_PAUSE ? MAX_PAUSE : pause * 2))
done
