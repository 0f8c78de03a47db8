#!/usr/bin/env bash
# Runs pytest once per workspace member (each has its own conftest, database and
# migrations) and then tests-e2e; prints one total line. A member whose pytest collects
# no test fails the run: exit code 5 must never pass silently.
set -uo pipefail
here="$(dirname "$0")"
source "$here/env.sh"
cd "$MIA_ROOT"

reports="$MIA_LOCAL/test-reports"
rm -rf "$reports" && mkdir -p "$reports"
suites=(libs/common/tests)
for dir in services/*/tests tools/*/tests; do [ -d "$dir" ] && suites+=("$dir"); done
suites+=(tests-e2e)

failed_suites=()
for suite in "${suites[@]}"; do
  name="$(echo "$suite" | tr '/' '_')"
  if [ "$suite" = tests-e2e ]; then
    # The browser tests drive Debian's Chromium on the dashboard's build, as the gateway
    # serves it: both are made ready here (each a no-op when already so).
    "$here/chromium.sh" >/dev/null || failed_suites+=("chromium (deploy/local/chromium.sh)")
    "$here/dashboard.sh" build || failed_suites+=("dashboard build")
  fi
  echo "=== pytest $suite"
  .venv/bin/python -m pytest "$suite" -q -p no:cacheprovider --import-mode=importlib \
    --junitxml="$reports/$name.xml" "$@"
  code=$?
  if [ $code -eq 5 ]; then
    echo "!!! $suite collected no tests" >&2
    failed_suites+=("$suite (no tests)")
  elif [ $code -ne 0 ]; then
    failed_suites+=("$suite")
  fi
done

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

if [ ${#failed_suites[@]} -gt 0 ]; then
  echo "failed: ${failed_suites[*]}" >&2
  exit 1
fi
