/** The seed plans (the project's own copy in seeds/) and the golden files that hold what the reader makes of each. */
import path from 'node:path';
import type { SeedName } from '../../seeds';

export { readSeed, SEED_NAMES, seedPath, type SeedName } from '../../seeds';

export const GOLDEN_DIR = path.join(__dirname, 'golden');

export function goldenPath(name: SeedName): string {
  return path.join(GOLDEN_DIR, `${name}.json`);
}
