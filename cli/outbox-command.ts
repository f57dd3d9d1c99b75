/**
 * `duban outbox status` and `duban outbox retry`: what the outbox relay has not published yet, and putting back the
 * events it set aside because Kafka refused them, once the cause is dealt with.
 */
import { formatShanghai } from '../domain/calendar';
import { outboxStatus, retrySetAside } from '../worker/outbox-relay';
import { parseArgs, UsageError } from './args';
import { withPool } from './connections';
import type { Io } from './plan-command';

export const OUTBOX_USAGE = `  duban outbox status
      发件箱：还有多少事件等待发布到 Kafka、最早的一条等了多久，以及被搁置的事件和原因
  duban outbox retry [--stream ASSIGNMENT_ID]
      把被搁置的事件（全部，或一个任务的）放回发件箱，由 worker 的发布进程重新发布`;

export async function outboxCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  if (sub === 'status') {
    const args = parseArgs(argv, []);
    if (args.positionals.length > 0) throw new UsageError(`outbox status 不接受参数：${args.positionals.join(' ')}`);
    const status = await withPool(io, (pool) => outboxStatus(pool));
    const oldest = status.oldestPending ? `，最早一条入箱于 ${formatShanghai(status.oldestPending)}` : '';
    io.stdout(`待发布：${status.pending} 条${oldest}\n被搁置：${status.setAside.length} 条\n`);
    for (const row of status.setAside) {
      io.stdout(
        `  ${row.assignmentId}/${row.seq} → ${row.topic}，${formatShanghai(row.setAsideAt)} 搁置，` +
          `已试 ${row.attempts} 次：${row.lastError}\n`,
      );
    }
    return status.setAside.length > 0 ? 1 : 0;
  }
  if (sub === 'retry') {
    const args = parseArgs(argv, ['stream']);
    if (args.positionals.length > 0) throw new UsageError(`outbox retry 不接受参数：${args.positionals.join(' ')}`);
    const count = await withPool(io, (pool) => retrySetAside(pool, args.options.get('stream')));
    io.stdout(count > 0 ? `已放回 ${count} 条被搁置的事件，等待重新发布\n` : '没有被搁置的事件\n');
    return 0;
  }
  throw new UsageError(`未知的 outbox 子命令 ${sub ?? '（无）'}；可用：status、retry`);
}
