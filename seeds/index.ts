/**
 * The five seed plans the project carries (see README.md here): one place names where they are, so the tests, the
 * demo and the benchmarks read the same files and a clone anywhere finds them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SEEDS_DIR = __dirname;

export const SEED_NAMES = ['harbin-2017', 'hebei-2015', 'xian-2017', 'ezhou-2017', 'tianjin-2013'] as const;
export type SeedName = (typeof SEED_NAMES)[number];

export function seedPath(name: SeedName): string {
  return path.join(SEEDS_DIR, `${name}.txt`);
}

export function readSeed(name: SeedName): Buffer {
  return readFileSync(seedPath(name));
}
