#!/usr/bin/env bash
# Runs a command on a Node.js the project supports (package.json's engines, NODE_MIN_MAJOR in stack.sh). When the
# machine's Node is older, the Node that `scripts/stack.sh install` fetches into .tools/node (fetched now if missing)
# goes first on PATH, so the command and everything it starts through `#!/usr/bin/env node` — tsx, jest, tsc,
# eslint, npx — runs on it.
#   scripts/with-node.sh tsx worker/main.ts
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_MIN_MAJOR=$(sed -n 's/^NODE_MIN_MAJOR=\([0-9]*\)$/\1/p' "$ROOT/scripts/stack.sh")

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt "$NODE_MIN_MAJOR" ]; then
  bash "$ROOT/scripts/stack.sh" install node
  export PATH="$ROOT/.tools/node/bin:$PATH"
fi
exec "$@"
