/**
 * Plan parsing speed: `npx tsx bench/plan-parse.ts`. First the first parse of a fresh process (a 50 KB+ simplified
 * plan, then a traditional one, which builds the 繁→简 converter), then the Ezhou seed (45 KB) and the 50 KB+ document
 * built from it many times after warm-up: median and p95 milliseconds per parse and KB/s. Target: < 50 ms per 50 KB,
 * the first parse included.
 */
import { performance } from 'node:perf_hooks';
import { parsePlan } from '../domain/plan';
import { readSeed } from '../seeds';
import { ezhouAndHarbin } from './plan-document';

const WARMUP = 20;
const RUNS = 100;
const TARGET_MS = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function bench(label: string, bytes: Buffer): boolean {
  for (let i = 0; i < WARMUP; i++) parsePlan(bytes);
  const times: number[] = [];
  let tasks = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    tasks = parsePlan(bytes).plan.tasks.length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = percentile(times, 50);
  const p95 = percentile(times, 95);
  const kb = bytes.length / 1024;
  const ok = kb < 50 || (median * 50) / kb < TARGET_MS;
  console.log(
    `${label.padEnd(28)} ${kb.toFixed(1).padStart(6)} KB  ${String(tasks).padStart(4)} tasks  ` +
      `median ${median.toFixed(2)} ms  p95 ${p95.toFixed(2)} ms  ${(kb / (median / 1000)).toFixed(0)} KB/s` +
      (kb >= 50 ? `  ${ok ? 'OK' : 'SLOW'} (target < ${TARGET_MS} ms per 50 KB)` : ''),
  );
  return ok;
}

const ezhou = readSeed('ezhou-2017');
const bigger = ezhouAndHarbin();

const t0 = performance.now();
parsePlan(bigger);
const first = performance.now() - t0;
const firstOk = (first * 50) / (bigger.length / 1024) < TARGET_MS;
console.log(
  `first parse after start-up, ezhou + harbin (${(bigger.length / 1024).toFixed(1)} KB, simplified): ` +
    `${first.toFixed(1)} ms  ${firstOk ? 'OK' : 'SLOW'} (target < ${TARGET_MS} ms per 50 KB)`,
);
const tianjin = readSeed('tianjin-2013');
const t1 = performance.now();
parsePlan(tianjin);
console.log(
  `first traditional plan, tianjin-2013.txt (${(tianjin.length / 1024).toFixed(1)} KB, builds the 繁→简 converter): ` +
    `${(performance.now() - t1).toFixed(1)} ms`,
);
console.log(`plan parse benchmark: ${WARMUP} warm-up runs, ${RUNS} measured runs each`);
const results = [firstOk, bench('ezhou-2017.txt', ezhou), bench('ezhou + harbin (50 KB+)', bigger)];
process.exitCode = results.every(Boolean) ? 0 : 1;
