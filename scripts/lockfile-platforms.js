#!/usr/bin/env node
/**
 * Records every platform-specific optional dependency in package-lock.json, so `npm ci` works on a fresh clone.
 *
 * The npm registry reachable here does not serve some platform builds (for example @swc/core-darwin-arm64 answers
 * 404), so `npm install` leaves them out of the lock file, and `npm ci` then refuses the lock file as out of sync.
 * An entry with its os and cpu is what npm would have written: npm ci skips it on every other platform without
 * fetching anything. Run this after any `npm install` that changes the lock file; a unit test checks it was run.
 */
const fs = require('node:fs');
const path = require('node:path');

const LOCK = path.join(__dirname, '..', 'package-lock.json');
const PLATFORM = /-(aix|android|darwin|freebsd|linux|netbsd|openbsd|openharmony|sunos|win32|wasm32)-([a-z0-9]+)/;

/** The optional dependencies named in the lock file that have no entry of their own. */
function missingPlatformEntries(lock) {
  const missing = [];
  for (const meta of Object.values(lock.packages)) {
    for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
      if (!lock.packages[`node_modules/${name}`]) missing.push({ name, version });
    }
  }
  return missing;
}

function addEntries(lock) {
  const added = [];
  for (const { name, version } of missingPlatformEntries(lock)) {
    const m = PLATFORM.exec(name);
    if (!m) throw new Error(`${name} is an optional dependency without a platform in its name; add its entry by hand`);
    const [, os, cpu] = m;
    lock.packages[`node_modules/${name}`] =
      os === 'wasm32'
        ? { version, cpu: ['wasm32'], optional: true }
        : { version, cpu: [cpu], os: [os], optional: true };
    added.push(name);
  }
  return added;
}

module.exports = { missingPlatformEntries };

if (require.main === module) {
  const lock = JSON.parse(fs.readFileSync(LOCK, 'utf8'));
  const added = addEntries(lock);
  fs.writeFileSync(LOCK, JSON.stringify(lock, null, 2) + '\n');
  console.log(
    added.length
      ? `package-lock.json: recorded ${added.length} platform entries`
      : 'package-lock.json: nothing missing',
  );
}
