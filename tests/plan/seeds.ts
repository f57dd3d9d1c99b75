/**
 * Where the seed plans live: ../shared/seeds beside the repository (CI keeps them there too). Every test that reads a
 * seed goes through this helper so the location is written once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SEEDS_DIR = path.resolve(__dirname, '../../../shared/seeds');

export const SEED_NAMES = ['harbin-2017', 'hebei-2015', 'xian-2017', 'ezhou-2017', 'tianjin-2013'] as const;
export type SeedName = (typeof SEED_NAMES)[number];

export function seedPath(name: SeedName): string {
  return path.join(SEEDS_DIR, `${name}.txt`);
}

export function readSeed(name: SeedName): Buffer {
  return readFileSync(seedPath(name));
}

export const GOLDEN_DIR = path.join(__dirname, 'golden');

export function goldenPath(name: SeedName): string {
  return path.join(GOLDEN_DIR, `${name}.json`);
}
