/**
 * What the browser tests pay for their browser (`npm run bench:browser -- [--runs 5]`): Debian's Chromium launched
 * headless through playwright-core as tests/support/browser.ts launches it, `runs` times, each time to a first page
 * with Chinese text drawn and a screenshot taken, then closed. Prints the first launch (cold: the binary and the
 * fonts read from disk) and the median of the rest, per step. No server of the stack is needed.
 *
 * Figures, not assertions: the README quotes what this prints.
 */
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { chromiumPath, launchBrowser, newPage } from '../tests/support/browser';
import { option } from './options';

const RUNS = option('runs', 5);
const PAGE =
  '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><h1>督办事项一览</h1><p>市市场监管局 按期推进</p>';

const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const launch: number[] = [];
  const firstPage: number[] = [];
  const shot: number[] = [];
  const close: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const browser = await launchBrowser();
    const t1 = performance.now();
    const page = await newPage(browser, { width: 1280 });
    await page.setContent(PAGE);
    const t2 = performance.now();
    await page.screenshot();
    const t3 = performance.now();
    await browser.close();
    const t4 = performance.now();
    launch.push(t1 - t0);
    firstPage.push(t2 - t1);
    shot.push(t3 - t2);
    close.push(t4 - t3);
  }
  const browser = await launchBrowser();
  const version = browser.version();
  await browser.close();
  console.log(`Chromium ${version} at ${chromiumPath()}; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`);
  const rest = (xs: number[]) => (xs.length > 1 ? ms(median(xs.slice(1))) : '      —');
  console.log(`step                       first   median of the other ${RUNS - 1}`);
  for (const [name, xs] of [
    ['launch (to a Browser)', launch],
    ['new page, Chinese drawn', firstPage],
    ['screenshot (1280 × 800)', shot],
    ['close', close],
  ] as const) {
    console.log(`${name.padEnd(24)} ${ms(xs[0]!)}   ${rest(xs)}`);
  }
  const total = launch.map((l, i) => l + firstPage[i]!);
  console.log(`${'launch + first page'.padEnd(24)} ${ms(total[0]!)}   ${rest(total)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
