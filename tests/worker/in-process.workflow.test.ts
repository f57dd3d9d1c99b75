/**
 * The worker that runs its workflows in the process's own thread (worker/in-process.ts), as `duban simulate` runs
 * them: the same workflow code comes to the same result, without the SDK's per-call watchdog threads and its
 * stack-trace hook — and a production worker, built beside it in the same process, keeps both.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { formatShanghai } from '../../domain/calendar';
import { skipDebugModeWatchdog } from '../../worker/in-process';
import { ROOT } from '../support/stack';
import type { ProbeRun } from './stack-trace-probe';

jest.setTimeout(120_000);

test('a workflow sleeps a day in either worker; only the production ones answer a stack trace, one built after an in-process one too', async () => {
  // In a process of its own: jest's sandbox hides the hook of its main thread from the SDK.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join('tests', 'worker', 'stack-trace-probe.ts')],
    { cwd: ROOT, timeout: 90_000 },
  );
  const runs = JSON.parse(stdout.trim().split('\n').at(-1)!) as ProbeRun[];
  expect(runs.map((r) => [r.inProcess, r.debugMode])).toEqual([
    [false, false],
    [true, true],
    [false, false],
  ]);
  expect(runs.map((r) => [formatShanghai(new Date(r.slept)), formatShanghai(new Date(r.woke))])).toEqual([
    ['2017-03-01 09:00', '2017-03-02 09:00'],
    ['2017-03-02 09:00', '2017-03-03 09:00'],
    ['2017-03-03 09:00', '2017-03-04 09:00'],
  ]);
  expect(
    runs.map((r) => (r.stackTrace.includes('at sleepUntilWorkflow') ? 'stack' : JSON.stringify(r.stackTrace))),
  ).toEqual(['stack', '""', 'stack']);
});

test("a call into a sandbox with debug mode's timeout runs without a watchdog thread; any other timeout keeps its own", () => {
  skipDebugModeWatchdog();
  // The threads of this process, counted from inside a call into the sandbox, while Node's watchdog (if any) runs.
  const context = vm.createContext({ threads: () => readdirSync('/proc/self/task').length });
  const script = new vm.Script('threads()');
  const count = (options?: vm.RunningScriptOptions) => script.runInContext(context, options) as number;
  // Other threads come and go on their own (the Temporal runtime's pools): a reading counts only when the process had
  // as many threads just before and just after it.
  const during = (options: vm.RunningScriptOptions): number => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const before = count();
      const reading = count(options);
      if (count() === before) return reading - before;
    }
    throw new Error('the thread count never held still for three readings');
  };
  expect(during({ timeout: 4294967295 })).toBe(0);
  expect(during({ timeout: 5000 })).toBe(1);
});
