/**
 * `duban audit refusals`: the refusal log for auditors — who tried what on a task, an assignment, or as a caller,
 * when, and why it was refused. A refused call leaves no event in the task's stream; this is where it shows.
 */
import { RefusalLog, type Refusal } from '../api/refusals';
import { formatShanghai } from '../domain/calendar';
import { parseArgs, UsageError } from './args';
import { withPool } from './connections';
import type { Io } from './plan-command';

export const REFUSALS_USAGE = `  duban audit refusals (--task TASK | --assignment ASSIGNMENT | --caller UNIT)… [--format text|json]
      拒绝记录：被拒绝的办理操作（谁、何时、做什么、拒绝代码和原因），按任务、督办事项或操作者查；可同时给出几项`;

export async function auditRefusals(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['task', 'assignment', 'caller', 'format']);
  if (args.positionals.length > 0) {
    throw new UsageError(
      `audit refusals 不接受参数 ${args.positionals.join(' ')}；用 --task、--assignment 或 --caller`,
    );
  }
  const format = args.options.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format 只能是 text 或 json，而不是 ${format}`);
  const filter = {
    taskId: args.options.get('task'),
    assignmentId: args.options.get('assignment'),
    caller: args.options.get('caller'),
  };
  if (!filter.taskId && !filter.assignmentId && !filter.caller) {
    throw new UsageError('请写明查哪些拒绝记录：--task 任务编号、--assignment 督办事项编号 或 --caller 单位名称');
  }
  const refusals = await withPool(io, (pool) => new RefusalLog(pool).list(filter));
  if (format === 'json') {
    io.stdout(`${JSON.stringify(refusals, null, 2)}\n`);
    return 0;
  }
  io.stdout(
    refusals.length === 0 ? '没有拒绝记录\n' : `拒绝记录 ${refusals.length} 条：\n${refusals.map(line).join('\n')}\n`,
  );
  return 0;
}

function line(r: Refusal): string {
  const via = r.source === 'api' ? 'API' : '命令行';
  return `  ${formatShanghai(r.refusedAt)}  ${r.caller} 经${via}对 ${r.assignmentId} 执行 ${r.operation}，被拒绝 [${r.code}]：${r.detail}`;
}
