#!/usr/bin/env node
// The `duban` command. TypeScript runs through tsx so `npx duban …` works right after `npm ci`, with no build step.
require('tsx/cjs');
require('../cli/main.ts').run();
