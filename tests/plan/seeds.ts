/** The seed plans (the project's own copy in seeds/) and the golden files that hold what the reader makes of each. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SeedName } from '../../seeds';

export { readSeed, SEED_NAMES, seedPath, type SeedName } from '../../seeds';

export const GOLDEN_DIR = path.join(__dirname, 'golden');

export function goldenPath(name: SeedName): string {
  return path.join(GOLDEN_DIR, `${name}.json`);
}

/**
 * The golden file's content. A missing file is a failure, never a silent pass: a test that wrote what the code
 * produced and then compared it with itself would prove nothing. With UPDATE_GOLDEN=1 it writes `actual` first —
 * the only way a golden file is made or changed, after which every line is checked by hand.
 */
export function readGolden(file: string, actual: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  if (env.UPDATE_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
  else if (!existsSync(file)) {
    throw new Error(
      `golden file ${file} is missing: create it on purpose with ` +
        '`UPDATE_GOLDEN=1 npx jest tests/plan/golden`, check every line by hand, then commit it',
    );
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}
