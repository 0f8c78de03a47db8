#!/usr/bin/env bash
# Runs pytest once per workspace member (each has its own conftest, database and
# migrations) and tests-e2e; prints one total line. A member whose pytest collects
# no test fails the run: exit code 5 must never pass silently. With MIA_TEST_DASHBOARD=1
# (make test) the dashboard's tests run too, last.
#
# Two lanes by default (MIA_TEST_LANES=1: one suite after another). First the members'
# suites, one after another, beside the end-to-end suite; then, alone on the machine, the
# suites whose assertions are about time (the sender's: a number's calls in any one second
# at the sandbox, across a restart), then the dashboard's Vitest suite, which keeps both
# cores busy by itself. The end-to-end suite shares nothing with the members' tests but the
# PostgreSQL server (brokers of its own, databases named e2e_*, a Redis index of its own)
# and spends most of its time waiting on round trips between its processes: it runs on the
# core the members' suites leave idle. Its output is kept in
# .local/test-reports/tests-e2e.log and shown once it is over.
set -uo pipefail
here="$(dirname "$0")"
source "$here/env.sh"
cd "$MIA_ROOT"

reports="$MIA_LOCAL/test-reports"
rm -rf "$reports" && mkdir -p "$reports"
# Suites that assert how many calls went out in a second: they run with the machine to
# themselves (beside another lane, a starved sandbox stamps bunched arrivals).
alone=(services/sender/tests)
suites=(libs/common/tests)
for dir in services/*/tests tools/*/tests; do
  [ -d "$dir" ] && [[ ! " ${alone[*]} " == *" $dir "* ]] && suites+=("$dir")
done

# run_suite SUITE [pytest args]: one pytest; a failure is recorded in $reports/failed.
run_suite() {
  local suite="$1" name started code
  shift
  name="$(echo "$suite" | tr '/' '_')"
  started=$SECONDS
  echo "=== pytest $suite"
  .venv/bin/python -m pytest "$suite" -q -p no:cacheprovider --import-mode=importlib \
    --junitxml="$reports/$name.xml" "$@"
  code=$?
  echo "=== pytest $suite: $((SECONDS - started)) s"
  if [ $code -eq 5 ]; then
    echo "!!! $suite collected no tests" >&2
    echo "$suite (no tests)" >>"$reports/failed"
  elif [ $code -ne 0 ]; then
    echo "$suite" >>"$reports/failed"
  fi
}

end_to_end() {
  # The browser tests drive Debian's Chromium on the dashboard's build, as the gateway
  # serves it: both are made ready here (each a no-op when already so).
  "$here/chromium.sh" >/dev/null || echo "chromium (deploy/local/chromium.sh)" >>"$reports/failed"
  "$here/dashboard.sh" build || echo "dashboard build" >>"$reports/failed"
  run_suite tests-e2e "$@"
}

dashboard_tests() {
  if [ "${MIA_TEST_DASHBOARD:-0}" = 1 ]; then
    "$here/dashboard.sh" test || echo "dashboard tests" >>"$reports/failed"
  fi
}

started=$SECONDS
if [ "${MIA_TEST_LANES:-2}" = 1 ]; then
  for suite in "${suites[@]}" "${alone[@]}"; do run_suite "$suite" "$@"; done
  end_to_end "$@"
else
  echo "=== tests-e2e runs beside the members' suites (its output: $reports/tests-e2e.log)"
  # A job of its own (job control on for this one fork): SIGINT then reaches its pytest,
  # which stops the stacks it started, when this script is stopped early.
  set -m
  end_to_end "$@" >"$reports/tests-e2e.log" 2>&1 &
  e2e=$!
  set +m
  stop_e2e() { kill -0 "$e2e" 2>/dev/null && kill -INT -- "-$e2e" 2>/dev/null && wait "$e2e"; }
  trap stop_e2e EXIT
  trap 'exit 130' INT TERM
  for suite in "${suites[@]}"; do run_suite "$suite" "$@"; done
  wait "$e2e"
  trap - EXIT INT TERM
  cat "$reports/tests-e2e.log"
  for suite in "${alone[@]}"; do run_suite "$suite" "$@"; done
fi
dashboard_tests
echo "=== every suite: $((SECONDS - started)) s"

.venv/bin/python - "$reports" <<'PY'
import sys, pathlib, xml.etree.ElementTree as ET
totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for report in pathlib.Path(sys.argv[1]).glob("*.xml"):
    for suite in ET.parse(report).getroot().iter("testsuite"):
        for key in totals:
            totals[key] += int(suite.get(key, 0))
failed = totals["failures"] + totals["errors"]
passed = totals["tests"] - failed - totals["skipped"]
print(f"total: {passed} passed, {failed} failed, {totals['skipped']} skipped")
PY

if [ -s "$reports/failed" ]; then
  echo "failed: $(paste -sd ' ' "$reports/failed")" >&2
  exit 1
fi
