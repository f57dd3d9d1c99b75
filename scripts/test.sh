#!/usr/bin/env bash
# Every test on the real servers: brings the local stack up (installing what is missing), type-checks and lints,
# then runs all tiers in one jest run, in band — the durability test stops and starts servers, and time skipping
# is global to its environment — and ends with the line "N passed, N failed" taken from jest's results.
# Extra arguments go to jest, e.g. `npm test -- tests/workflows`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/stack.sh up || { echo "the local stack did not come up: see the lines above and .data/logs/"; exit 1; }

status=0
echo "[test] type-checking and linting…"
npx tsc --noEmit -p . || status=1
npm run --silent lint || status=1

mkdir -p .data
results=.data/test-results.json
rm -f "$results"
started=$(date +%s)
npx jest --runInBand --json --outputFile="$results" "$@" || status=1
echo "[test] jest took $(( $(date +%s) - started ))s"

if [ ! -f "$results" ]; then
  echo "0 passed, 1 failed" | tee .data/test-summary.txt
  exit 1
fi
# Suites that could not run (a compile error, a server that did not answer in beforeAll) count as failures too.
node -e '
  const r = require(require("path").resolve(process.argv[1]));
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  console.log(`${r.numPassedTests} passed, ${failed} failed`);
' "$results" | tee .data/test-summary.txt
exit $status
