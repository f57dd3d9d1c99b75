/** Real processes for durability tests: the worker as its own OS process, and the stack's servers by name. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './stack';

const run = promisify(execFile);

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
}

/** Starts `worker/main.ts` as a separate process and waits until it polls its task queue. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  // tsx as a loader in the same process, so a signal reaches the worker itself and not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start within 60s:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes('开始轮询任务队列')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited with ${code} while starting:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return { child, output: () => output };
}

/** SIGKILL: the process gets no chance to finish anything, as in a crash or an OOM kill. */
export async function killHard(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.child.once('exit', resolve));
  worker.child.kill('SIGKILL');
  await exited;
}

/**
 * Waits for `work` while the worker lives: a worker that exits meanwhile fails the test at once with what it printed,
 * instead of leaving an update waiting for a worker that will never come.
 */
export function whileAlive<T>(worker: WorkerProcess, work: Promise<T>): Promise<T> {
  const { child } = worker;
  const died = new Promise<never>((_, reject) => {
    const fail = () =>
      reject(new Error(`the worker exited (${child.exitCode ?? child.signalCode}):\n${worker.output().slice(-4_000)}`));
    if (child.exitCode !== null || child.signalCode !== null) fail();
    else child.once('exit', fail);
  });
  return Promise.race([work, died]);
}

/** Stops or starts one server of the local stack through the project's own script. */
export async function stack(
  action: 'start' | 'stop',
  server: 'temporal' | 'kafka' | 'postgres' | 'greenmail',
): Promise<void> {
  await run('bash', [path.join(ROOT, 'scripts', 'stack.sh'), action, server], { cwd: ROOT, timeout: 120_000 });
}
