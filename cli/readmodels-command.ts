/**
 * `duban readmodels rebuild` and `duban readmodels status`: the read models built again from offset zero of the
 * events topic, and how far behind the live projector is.
 */
import { formatShanghai } from '../domain/calendar';
import { createKafka } from '../infra/kafka';
import { rebuildReadModels, RebuildError } from '../read-models/rebuild';
import { readModelLag } from '../read-models/status';
import { parseArgs, UsageError } from './args';
import { configOf, withPool } from './connections';
import { progressBar } from './progress';
import type { Io } from './plan-command';

export const READMODELS_USAGE = `  duban readmodels rebuild
      清空读模型（待办列表、进展报告、配合单位、督查通报、收件箱），从 Kafka 事件主题的第 0 条重建；
      重建期间 worker 的读模型进程暂停，完成后从原位置继续
  duban readmodels status
      读模型落后多少：已存储但尚未应用的事件数、最早一条的时长，尚未进收件箱的通知数`;

export async function readmodelsCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  if (sub === 'status') {
    const args = parseArgs(argv, []);
    if (args.positionals.length > 0)
      throw new UsageError(`readmodels status 不接受参数：${args.positionals.join(' ')}`);
    const lag = await withPool(io, (pool) => readModelLag(pool));
    const oldest = lag.oldestStoredAt
      ? `，最早一条存储于 ${formatShanghai(lag.oldestStoredAt)}（${lag.seconds} 秒前）`
      : '';
    io.stdout(
      `未应用的事件：${lag.events} 个${oldest}\n未进收件箱的通知：${lag.notices} 条\n` +
        `等待前序事件的消息：${lag.parked} 条\n无法解析的消息：${lag.unreadable} 条` +
        (lag.unreadable > 0
          ? '（见 read_model_unreadable；部署能读懂它们的版本后执行 duban readmodels rebuild）'
          : '') +
        '\n',
    );
    return lag.unreadable > 0 ? 1 : 0;
  }
  if (sub === 'rebuild') {
    const args = parseArgs(argv, []);
    if (args.positionals.length > 0)
      throw new UsageError(`readmodels rebuild 不接受参数：${args.positionals.join(' ')}`);
    const config = configOf(io);
    try {
      const result = await withPool(io, async (pool) => {
        let progress: ((done: number, last?: boolean) => void) | undefined;
        return rebuildReadModels({
          pool,
          kafka: createKafka(config),
          topic: config.KAFKA_EVENTS_TOPIC,
          brokers: config.KAFKA_BROKERS,
          onWaiting: () => io.stderr('等待读模型进程完成当前批次……\n'),
          onProgress: (done, total) => {
            progress ??= progressBar(io, '重建中', total);
            progress(done, done >= total);
          },
        });
      });
      io.stdout(
        `读模型已从 ${config.KAFKA_EVENTS_TOPIC} 重建：${result.messages} 条消息，应用 ${result.events} 个事件，` +
          `${result.streams} 个流，${result.notices} 条通知` +
          (result.skipped > 0 ? `，${result.skipped} 条无法解析已跳过` : '') +
          (result.parked > 0 ? `，${result.parked} 个事件缺前序、暂存` : '') +
          `\n用时 ${result.seconds.toFixed(1)} 秒，${Math.round(result.eventsPerSecond)} 事件/秒\n`,
      );
      return result.skipped > 0 || result.parked > 0 ? 1 : 0;
    } catch (error) {
      if (error instanceof RebuildError) {
        io.stderr(`duban：${error.message}\n`);
        return 1;
      }
      throw error;
    }
  }
  throw new UsageError(`未知的 readmodels 子命令 ${sub ?? '（无）'}；可用：rebuild、status`);
}
