#!/usr/bin/env node
// The `duban` command. TypeScript runs through tsx so `npx duban …` works right after `npm ci`, with no build step.
// On a Node.js older than the project supports (package.json's engines), it runs itself again through
// scripts/with-node.sh, on the Node that scripts/stack.sh fetches into .tools/node.
const path = require('node:path');
const { engines } = require('../package.json');

const needed = Number(/\d+/.exec(engines.node)[0]);
if (Number(process.versions.node.split('.')[0]) < needed) {
  const { spawnSync } = require('node:child_process');
  const withNode = path.join(__dirname, '..', 'scripts', 'with-node.sh');
  const result = spawnSync('bash', [withNode, 'node', path.join(__dirname, 'duban.js'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (result.error) {
    process.stderr.write(
      `duban：需要 Node.js ${engines.node}（当前为 ${process.version}），改由 scripts/with-node.sh 运行也失败了：${result.error.message}\n`,
    );
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}
require('tsx/cjs');
require('../cli/main.ts').run();
