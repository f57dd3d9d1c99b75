/**
 * Where a phase's CPU went on this machine: the CPU seconds of each of the stack's processes between two instants,
 * read from /proc (Linux only). The benchmark's worker and client share its own process; PostgreSQL is all of its
 * processes (the backends of the pools, the WAL writer, the checkpointer); Kafka is the Java process whose command
 * line names it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const GROUPS = ['Temporal 开发服务器', 'PostgreSQL', 'Kafka', '本进程（worker 与客户端）', '其他进程'] as const;
type Group = (typeof GROUPS)[number];

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux the project runs on

interface Sample {
  at: number;
  /** CPU ticks (user + system) of each live process, and its group. */
  ticks: Map<number, { group: Group; ticks: number }>;
  /** The whole machine's busy ticks, every core and the kernel's own work included. */
  busy: number;
  /** This process's threads: ticks by thread id, with the thread's name. */
  threads: Map<number, { name: string; ticks: number }>;
}

function groupOf(pid: number, comm: string): Group | undefined {
  if (pid === process.pid) return '本进程（worker 与客户端）';
  if (comm === 'temporal') return 'Temporal 开发服务器';
  if (comm === 'postgres') return 'PostgreSQL';
  if (comm === 'java') {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    return /kafka/i.test(cmdline) ? 'Kafka' : '其他进程';
  }
  return undefined;
}

function machineBusy(): number {
  const [cpu] = readFileSync('/proc/stat', 'latin1').split('\n', 1);
  // user nice system idle iowait irq softirq steal: all but the idle and the waiting for I/O
  const [user, nice, system, , , irq, softirq, steal] = cpu!.trim().split(/\s+/).slice(1).map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

/** A process's or thread's name and CPU ticks (user + system) from its stat file; undefined once it has ended. */
function readStat(path: string): { name: string; ticks: number } | undefined {
  try {
    const stat = readFileSync(path, 'latin1');
    const close = stat.lastIndexOf(')'); // the name is in parentheses and may hold spaces or parentheses itself
    const fields = stat.slice(close + 2).split(' '); // the state first, utime the 12th, stime the 13th
    return { name: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function sample(groups: Map<number, Group | null>): Sample {
  const ticks = new Map<number, { group: Group; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || groups.get(pid) === null) continue; // a kernel worker, seen before
    const stat = readStat(`/proc/${pid}/stat`);
    if (!stat) continue;
    let group = groups.get(pid);
    if (group === undefined) {
      group = groupOf(pid, stat.name) ?? (stat.name.startsWith('kworker') ? null : '其他进程');
      groups.set(pid, group);
    }
    if (group !== null) ticks.set(pid, { group, ticks: stat.ticks });
  }
  const threads = new Map<number, { name: string; ticks: number }>();
  for (const entry of readdirSync('/proc/self/task')) {
    const stat = readStat(`/proc/self/task/${entry}/stat`);
    if (stat) threads.set(Number(entry), stat);
  }
  return { at: Date.now(), ticks, busy: machineBusy(), threads };
}

/**
 * What a thread of this process does, by the name Node and the SDK give it: the main thread (the client, the
 * activities, the SDK's calls into its core, the relay and the projector), the workflow thread (Node names worker
 * threads WorkerThread; the SDK runs the workflows' code in one), V8's helpers (garbage collection, compilation),
 * the SDK core's Rust threads, and the rest (libuv's pool).
 */
function threadKind(tid: number, name: string): string {
  if (tid === process.pid) return '主线程';
  if (name === 'WorkerThread') return '工作流线程';
  if (name.startsWith('V8')) return 'V8 后台（回收、编译）';
  if (name.startsWith('tokio') || name.startsWith('workflow-proces')) return 'SDK core';
  return '其他';
}

/** Samples every process's CPU every `everyMs` until stopped; `between` answers for any window inside that. */
export class ProcessCpu {
  private readonly samples: Sample[] = [];
  private readonly groups = new Map<number, Group | null>();
  private timer: NodeJS.Timeout | undefined;

  start(everyMs = 200): this {
    this.samples.push(sample(this.groups));
    this.timer = setInterval(() => this.samples.push(sample(this.groups)), everyMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * CPU seconds per group between the samples nearest `from` and `to` (wall-clock ms), and the machine's busy seconds.
   * A process that ended in between loses its share after its last sample (the pools' connections live throughout).
   */
  between(
    from: number,
    to: number,
  ): {
    seconds: Record<Group, number>;
    busy: number;
    wallSeconds: number;
    /** This process's CPU seconds by kind of thread (`threadKind`). */
    threads: Map<string, number>;
  } {
    this.samples.push(sample(this.groups));
    const nearest = (t: number) =>
      this.samples.reduce((best, s) => (Math.abs(s.at - t) < Math.abs(best.at - t) ? s : best));
    const a = nearest(from);
    const b = nearest(to);
    const seconds = Object.fromEntries(GROUPS.map((g) => [g, 0])) as Record<Group, number>;
    for (const [pid, { group, ticks }] of b.ticks) {
      seconds[group] += (ticks - (a.ticks.get(pid)?.ticks ?? 0)) / TICKS_PER_SECOND;
    }
    const threads = new Map<string, number>();
    for (const [tid, { name, ticks }] of b.threads) {
      const kind = threadKind(tid, name);
      threads.set(kind, (threads.get(kind) ?? 0) + (ticks - (a.threads.get(tid)?.ticks ?? 0)) / TICKS_PER_SECOND);
    }
    return { seconds, busy: (b.busy - a.busy) / TICKS_PER_SECOND, wallSeconds: (b.at - a.at) / 1000, threads };
  }
}

/** One line: each group's CPU seconds in the window and per item, and the machine's busy share of its cores. */
export function describeCpu(
  { seconds, busy, wallSeconds, threads }: ReturnType<ProcessCpu['between']>,
  items: number,
): string {
  const cores = cpus().length;
  const parts = GROUPS.filter((g) => seconds[g] >= 0.05).map(
    (g) => `${g} ${seconds[g].toFixed(1)} 秒（每项 ${((seconds[g] * 1000) / items).toFixed(2)} 毫秒）`,
  );
  const share = wallSeconds > 0 ? (busy / (wallSeconds * cores)) * 100 : 0;
  const own = [...threads]
    .filter(([, s]) => s >= 0.05)
    .sort((x, y) => y[1] - x[1])
    .map(([kind, s]) => `${kind} ${s.toFixed(1)}`)
    .join('，');
  return `${parts.join('，')}；本进程按线程：${own}；整机 ${wallSeconds.toFixed(1)} 秒内忙 ${busy.toFixed(1)} CPU 秒（${cores} 核的 ${share.toFixed(0)}%）`;
}
