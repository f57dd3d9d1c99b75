#!/usr/bin/env bash
# Every test on the real servers: brings the local stack up (installing what is missing), type-checks and lints,
# then runs all tiers in one jest run, in band — the durability test stops and starts servers, and time skipping
# is global to its environment — and ends with the line "N passed, N failed" taken from jest's results.
# Extra arguments go to jest, e.g. `npm test -- tests/workflows`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mkdir -p .data
rm -f .data/test-summary.txt
if ! bash scripts/stack.sh up; then
  echo "[test] the local stack did not come up: see the lines above and .data/logs/"
  echo "0 passed, 1 failed" | tee .data/test-summary.txt
  exit 1
fi

status=0 checks_failed=0
echo "[test] type-checking and linting…"
npx tsc --noEmit -p . || checks_failed=1
npm run --silent lint || checks_failed=1
[ "$checks_failed" = 0 ] || status=1

results=.data/test-results.json
rm -f "$results"
started=$(date +%s)
npx jest --runInBand --json --outputFile="$results" "$@" || status=1
echo "[test] jest took $(( $(date +%s) - started ))s"

if [ ! -f "$results" ]; then
  echo "0 passed, 1 failed" | tee .data/test-summary.txt
  exit 1
fi
# Suites that could not run (a compile error, a server that did not answer in beforeAll) count as failures too, and
# so does a failed type check or lint, as one.
node -e '
  const r = require(require("path").resolve(process.argv[1]));
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites + Number(process.argv[2]);
  console.log(`${r.numPassedTests} passed, ${failed} failed`);
' "$results" "$checks_failed" | tee .data/test-summary.txt
exit $status
