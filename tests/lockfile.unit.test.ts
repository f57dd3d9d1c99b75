/** `npm ci` on a fresh clone needs an entry for every optional platform dependency (scripts/lockfile-platforms.js). */
import lock from '../package-lock.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { missingPlatformEntries } = require('../scripts/lockfile-platforms.js') as {
  missingPlatformEntries: (lock: unknown) => Array<{ name: string }>;
};

test('every optional platform dependency has a lock entry, or npm ci refuses the lock file', () => {
  const missing = missingPlatformEntries(lock).map((m) => m.name);
  if (missing.length > 0) {
    throw new Error(`package-lock.json lacks ${missing.join(', ')}: run node scripts/lockfile-platforms.js`);
  }
});
