/**
 * `duban cycle …`: a supervision cycle from the coordinator's desk — launch it from a reviewed task table, watch it,
 * read its bulletins, pause, resume, cancel it or one of its items, and send every unit a notice. Each action names
 * who does it (`--by`, the coordinator's office; sign-in replaces it later) and, where a person decides, why.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { AssignmentService } from '../api/assignments';
import { RefusalLog, withCycleRefusalLog, withRefusalLog } from '../api/refusals';
import { CycleService } from '../api/cycles';
import { bulletinsOf } from '../api/read-models';
import { formatShanghai } from '../domain/calendar';
import { bulletinToXlsx } from '../domain/cycle/bulletin-xlsx';
import { formatBulletin } from '../domain/cycle/bulletin';
import { DUBAN_LIGHT, DUBAN_NEXT_DUE, DUBAN_STATUS, DUBAN_UNIT } from '../infra/search-attributes';
import type { CycleView } from '../workflows/cycle/messages';
import { one, parseArgs, required, UsageError } from './args';
import { withPool, withTemporal } from './connections';
import { cycleLaunch } from './cycle-launch';
import type { Io } from './plan-command';

export const CYCLE_USAGE = `  duban cycle launch TABLE --cycle NAME --by 督办单位 [--year YYYY] [--title 标题] [--dry-run]
      按任务分解表（plan parse/import 输出的 JSON、CSV 或 XLSX）发布督办周期：每项任务的每个牵头单位一项督办；
      --title 默认取计划标题，任务分解表没有标题时取周期名称；--dry-run 只列出将要发布的内容；
      同一周期再次发布不会重复，中断后再发布只补发缺少的
      [--acknowledge-days 2] 交办后几个工作日内应签收，逾期催签收；[--cooperation-days 3] 截止前几个工作日提醒配合单位
      提交协办意见（0 即不设）；[--yellow-when-left 30%] 报送期所剩不足这一比例且未报送时亮黄灯
  duban cycle status CYCLE [--unit 单位] [--light red|yellow|green]
      周期进展、各色灯数量，以及（按单位、灯色筛选的）督办事项
  duban cycle bulletin CYCLE --period 2017-Q2 [--format text|md|xlsx] [--out FILE]
      某一周期的督查通报
  duban cycle pause CYCLE --by 督办单位 --reason 原因       暂停整个周期：不再提醒和催办
  duban cycle resume CYCLE --by 督办单位 --reason 原因      恢复：暂停期间到期的事项只提醒一次
  duban cycle cancel CYCLE --by 督办单位 --reason 原因 [--item 编号 --unit 单位]
      撤销整个周期，或其中一项督办
  duban cycle notify CYCLE --by 督办单位 --subject 标题 --body 正文
      向周期内的每个单位发通知`;

const LIGHTS = ['red', 'yellow', 'green'] as const;
const LIGHT_WORD: Record<string, string> = { red: '红灯', yellow: '黄灯', green: '绿灯', none: '—' };
const STATUS_WORD: Record<string, string> = {
  assigned: '待签收',
  acknowledged: '已签收',
  paused: '暂停',
  completed: '办结',
  cancelled: '撤销',
};

/** A value for a visibility query, quoted; names with quotes or backslashes never reach one. */
function quoted(value: string): string {
  if (/["\\]/.test(value)) throw new UsageError(`“${value}”含有引号或反斜杠，不能用于查询`);
  return `"${value}"`;
}

export async function cycleCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  switch (sub) {
    case 'launch':
      return cycleLaunch(argv, io);
    case 'status':
      return cycleStatus(argv, io);
    case 'bulletin':
      return cycleBulletin(argv, io);
    case 'pause':
    case 'resume':
    case 'cancel':
    case 'notify':
      return cycleAction(sub, argv, io);
    case undefined:
    default:
      throw new UsageError(
        `未知的 cycle 子命令 ${sub ?? '（无）'}；可用：launch、status、bulletin、pause、resume、cancel、notify`,
      );
  }
}

async function cycleStatus(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['unit', 'light']);
  const cycleId = one(args, '周期名称');
  const unit = args.options.get('unit');
  const light = args.options.get('light');
  if (light !== undefined && !(LIGHTS as readonly string[]).includes(light)) {
    throw new UsageError(`--light 应为 red、yellow 或 green，不是“${light}”`);
  }
  return withTemporal(io, async (client, config) => {
    return withPool(io, async (pool) => {
      const cycles = new CycleService({ client, pool, taskQueue: config.TEMPORAL_TASK_QUEUE });
      const view = await cycles.status(cycleId);
      io.stdout(describeCycle(view));
      const base = `DubanCycle = ${quoted(cycleId)}`;
      const counts = await Promise.all(
        LIGHTS.map(async (l) => (await client.workflow.count(`${base} AND DubanLight = ${quoted(l)}`)).count),
      );
      io.stdout(`灯色：${LIGHTS.map((l, i) => `${LIGHT_WORD[l]} ${counts[i]}`).join('，')}\n`);
      const filters = [
        base,
        ...(unit ? [`DubanUnit = ${quoted(unit)}`] : []),
        ...(light ? [`DubanLight = ${quoted(light)}`] : []),
      ];
      if (unit || light) {
        const rows = await listAssignments(client, filters.join(' AND '));
        io.stdout(rows.length === 0 ? '没有符合条件的督办事项\n' : rows.join('\n') + '\n');
      }
      return 0;
    });
  });
}

function describeCycle(view: CycleView): string {
  const state: Record<CycleView['status'], string> = {
    launching: `正在发布：已发布 ${view.started + view.existing}/${view.items} 项`,
    running: '运行中',
    paused: `已暂停（${view.paused?.by}，${formatShanghai(new Date(view.paused?.at ?? 0))}：${view.paused?.reason}）`,
    cancelled: `已撤销（${view.cancelled?.by}：${view.cancelled?.reason}）`,
    finished: '已结束',
  };
  const bulletins = view.bulletins.map((b) => `${b.label}（${formatShanghai(new Date(b.issuedAt))}）`).join('、');
  const next = view.schedule.find((s) => !view.bulletins.some((b) => b.period === s.key));
  return (
    `督办周期 ${view.cycleId}：${view.title}\n` +
    `督办单位：${view.coordinator}；状态：${state[view.status]}；督办事项 ${view.items} 项\n` +
    `已发督查通报：${bulletins || '无'}` +
    (next ? `；下一期：${next.label}，${formatShanghai(new Date(next.at))}` : '') +
    '\n'
  );
}

/** Assignments found by a visibility query, one line each, at most 500. */
async function listAssignments(client: Client, query: string): Promise<string[]> {
  const rows: string[] = [];
  let total = 0;
  for await (const info of client.workflow.list({ query })) {
    total++;
    if (rows.length < 500) rows.push(assignmentLine(info));
  }
  if (total > rows.length) rows.push(`……共 ${total} 项，只列出前 ${rows.length} 项`);
  return rows;
}

function assignmentLine(info: WorkflowExecutionInfo): string {
  const attrs = info.typedSearchAttributes;
  const light = attrs.get(DUBAN_LIGHT) ?? 'none';
  const status = attrs.get(DUBAN_STATUS) ?? '';
  const next = attrs.get(DUBAN_NEXT_DUE);
  return [
    `  ${LIGHT_WORD[light] ?? light}`,
    info.workflowId,
    attrs.get(DUBAN_UNIT) ?? '',
    STATUS_WORD[status] ?? status,
    next ? `下次报送 ${formatShanghai(next).slice(0, 10)}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}

async function cycleBulletin(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['period', 'format', 'out']);
  const cycleId = one(args, '周期名称');
  const period = required(args, 'period', '哪一期的通报，如 --period 2017-Q2');
  const format = args.options.get('format') ?? 'text';
  if (format !== 'text' && format !== 'md' && format !== 'xlsx') {
    throw new UsageError(`--format 应为 text、md 或 xlsx，不是“${format}”`);
  }
  const out = args.options.get('out');
  if (format === 'xlsx' && out === undefined && io.isTty)
    throw new UsageError('xlsx 是二进制格式：请加 --out 文件名.xlsx');
  const bulletins = await withPool(io, (pool) => bulletinsOf(pool, cycleId));
  const bulletin = bulletins.find((b) => b.period.key === period);
  if (!bulletin) {
    const issued = bulletins.map((b) => b.period.key).join('、');
    throw new UsageError(`督办周期 ${cycleId} 还没有 ${period} 的督查通报${issued ? `；已有：${issued}` : ''}`);
  }
  const content = format === 'xlsx' ? await bulletinToXlsx(bulletin) : formatBulletin(bulletin, format);
  if (out !== undefined) {
    writeFileSync(resolve(io.cwd, out), content);
    io.stderr(`duban：${bulletin.period.label}督查通报 → ${out}\n`);
  } else {
    io.stdout(content);
  }
  return 0;
}

async function cycleAction(action: 'pause' | 'resume' | 'cancel' | 'notify', argv: string[], io: Io): Promise<number> {
  const names = {
    pause: ['by', 'reason'],
    resume: ['by', 'reason'],
    cancel: ['by', 'reason', 'item', 'unit'],
    notify: ['by', 'subject', 'body'],
  };
  const args = parseArgs(argv, names[action]);
  const cycleId = one(args, '周期名称');
  const by = required(args, 'by', '办理的督办单位，如 --by 市政府督查室');
  return withTemporal(io, async (client, config) => {
    if (action === 'cancel' && args.options.has('item')) {
      const unit = required(args, 'unit', '要撤销的是哪个单位的督办，如 --unit 市质监局');
      const id = `${cycleId}:${required(args, 'item', '任务编号')}:${unit}`;
      return withPool(io, async (pool) => {
        const assignments = withRefusalLog(
          new AssignmentService({ client, taskQueue: config.TEMPORAL_TASK_QUEUE, coordinator: by }),
          new RefusalLog(pool),
          'cli',
        );
        const view = await assignments.cancel(id, { by, reason: required(args, 'reason', '撤销的原因') });
        io.stdout(`已撤销 ${view.assignmentId}\n`);
        return 0;
      });
    }
    return withPool(io, async (pool) => {
      const cycles = withCycleRefusalLog(
        new CycleService({ client, pool, taskQueue: config.TEMPORAL_TASK_QUEUE }),
        new RefusalLog(pool),
        'cli',
      );
      const view =
        action === 'pause'
          ? await cycles.pause(cycleId, { by, reason: required(args, 'reason', '暂停的原因') })
          : action === 'resume'
            ? await cycles.resume(cycleId, { by, reason: required(args, 'reason', '恢复的原因') })
            : action === 'cancel'
              ? await cycles.cancel(cycleId, { by, reason: required(args, 'reason', '撤销的原因') })
              : await cycles.notify(cycleId, {
                  by,
                  subject: required(args, 'subject', '通知标题'),
                  body: required(args, 'body', '通知正文'),
                });
      io.stdout(describeCycle(view));
      return 0;
    });
  });
}
