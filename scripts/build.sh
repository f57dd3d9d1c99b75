#!/usr/bin/env bash
# npm run build: what production runs, made ahead of time. The TypeScript compiled to JavaScript (tsconfig.build.json:
# the application's folders, no tests or scripts), the SQL migrations beside the code that applies them, and the
# workflow bundle (bundleWorkflowCode), which the compiled worker loads instead of bundling workflows/ at every start.
# Then `node dist/worker/main.js` and `node dist/api/main.js` run it, with no TypeScript tooling.
#   scripts/build.sh [OUT]   into OUT (default dist/, git-ignored); OUT must be inside the project, where node_modules is found
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-dist}

started=$(date +%s)
rm -rf "$out"
npx tsc -p tsconfig.build.json --outDir "$out"
mkdir -p "$out/infra/migrations"
cp infra/migrations/*.sql "$out/infra/migrations/"
npx tsx scripts/build-workflow-bundle.ts "$out/workflow-bundle.js"
echo "[build] $out/ built in $(( $(date +%s) - started ))s"
