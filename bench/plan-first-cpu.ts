/**
 * The first parse of a fresh process in CPU time, for a shared machine where wall times are noise:
 * `npx tsx bench/plan-first-cpu.ts [runs]` starts `runs` processes (default 15), one after another, each of which
 * parses the 50 KB+ plan of bench:plan once and reports process.cpuUsage() around that parse (every thread of the
 * process: the main one and V8's compiler threads). Prints the median, the quartiles and the extremes. To compare two
 * versions, run it on each, alternately, in the same minutes.
 */
import { spawnSync } from 'node:child_process';
import { parsePlan } from '../domain/plan';
import { ezhouAndHarbin } from './plan-document';

const CHILD = '--child';

if (process.argv.includes(CHILD)) {
  const bytes = ezhouAndHarbin();
  const before = process.cpuUsage();
  parsePlan(bytes);
  const used = process.cpuUsage(before);
  process.stdout.write(`${(used.user + used.system) / 1000}\n`);
} else {
  const runs = Number(process.argv[2] ?? 15);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    // the same loader (tsx) and flags as this process, so each child starts as bench:plan does
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, CHILD], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`the measuring process failed: ${child.stderr}`);
    ms.push(Number(child.stdout.trim()));
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
  const kb = ezhouAndHarbin().length / 1024;
  console.log(
    `first parse, ezhou + harbin (${kb.toFixed(1)} KB), CPU ms over ${runs} fresh processes: ` +
      `median ${at(0.5)}  quartiles ${at(0.25)}–${at(0.75)}  min ${ms[0]!.toFixed(1)}  max ${ms[ms.length - 1]!.toFixed(1)}`,
  );
}
