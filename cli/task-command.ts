/**
 * `duban task …`: one assignment (督办事项) and the 督办 conversation on it, as a unit's liaison and the coordinator's
 * office would script it — 签收, 报送进展 with evidence, 审核 (accept or 退回重报), 延期申请 and its answer, 调整时限,
 * 申请办结 and its answer, and the coordinator's 办结, 暂停, 恢复, 撤销. Each turn goes through AssignmentService, as the
 * HTTP API's do, so it is the same validated Temporal update; this file only reads the arguments, checks them before
 * anything connects (so a mistyped command changes nothing and needs no server), stores the evidence files, and says
 * in a line what changed.
 */
import { basename } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { z } from 'zod';
import { AssignmentService } from '../api/assignments';
import { AppError } from '../api/errors';
import { IdempotencyKeys } from '../api/idempotency';
import { RefusalLog, withRefusalLog } from '../api/refusals';
import { evidenceName } from '../domain/evidence/name';
import type { EscalationLevel } from '../workflows/assignment/events';
import type { EvidenceRef } from '../domain/evidence/ref';
import { EvidenceRefused, sniffEvidence } from '../domain/evidence/sniff';
import { trimStrings } from '../domain/text';
import type { Config } from '../infra/config';
import { assignmentEventsOf } from '../infra/audit-store';
import { resolveEvidence, storeEvidence } from '../infra/evidence-store';
import type { AssignmentView } from '../workflows/assignment/messages';
import {
  acknowledgePayloadSchema,
  closureRequestPayloadSchema,
  completePayloadSchema,
  coordinatorActionSchema,
  decisionPayloadSchema,
  extensionPayloadSchema,
  moveDeadlinePayloadSchema,
  progressReportPayloadSchema,
  resumePayloadSchema,
  reviewPayloadSchema,
  sendBackPayloadSchema,
  changePolicyPayloadSchema,
  changeCooperatingPayloadSchema,
  contributionPayloadSchema,
  insistPayloadSchema,
  reassignPayloadSchema,
} from '../workflows/assignment/payloads';
import { one, parseArgs, required, UsageError, type ParsedArgs } from './args';
import { configOf, withPool, withTemporal } from './connections';
import { readInputFile } from './files';
import type { Io } from './plan-command';
import { dateWhat, describeAssignment, lastDateChange, lastReported } from './task-format';

export const TASK_USAGE = `  duban task show ID [--json]
      督办事项（ID 如 ezhou-2017:五.(二).29:市质监局）的全貌：单位、状态、灯色、各报送周期（截止日期、报送、审核、
      佐证材料）、待答复的延期和办结申请、时限调整、下一步和提示
  duban task ack ID --unit 单位                                       签收
  duban task report ID --unit 单位 [--period 2017-Q1] --summary 进展 --percent 0-100 [--evidence FILE]...
      [--value 指标=数值单位]...   量化指标的完成值，如 --value 重点产品抽检合格率=96.4%
      报送进展（不写 --period 即最早未报的周期）；每个佐证材料先检查类型和大小（EVIDENCE_MAX_BYTES）并存入材料库
  duban task review ID --by 督办单位 --period 2017-Q1 --accept|--return [--comment 意见]
      审核报告：通过，或退回重报（须写明意见）
  duban task extend ID --unit 单位 [--period 2017-Q1] --to YYYY-MM-DD --reason 理由
      延期申请（不写 --period 即申请延长完成时限）
  duban task extension ID --by 督办单位 --approve|--refuse [--comment 意见]      答复延期申请（不同意须写明意见）
  duban task move-deadline ID --by 督办单位 [--period 2017-Q1] --to YYYY-MM-DD --reason 原因     调整时限
  duban task close-request ID --unit 单位 --summary 办结情况 [--evidence FILE]...     申请办结
  duban task closure ID --by 督办单位 --approve|--refuse [--comment 意见]
      答复办结申请：同意即办结（销号），不同意即退办（须写明意见），继续报送
  duban task complete ID --by 督办单位 --summary 办结说明                       直接办结
  duban task contribute ID --unit 配合单位 [--period 2017-Q1] --summary 协办意见 [--evidence FILE]...
      配合单位提交协办意见（不写 --period 即牵头单位当前的报送周期）
  duban task policy ID --by 督办单位 --reminder-days 5 --ladder 催办:1,督办:3,通报:5 [--days working|calendar]
      [--notice-time 09:00] --reason 原因          调整本事项的提醒和升级规则（此后生效）
  duban task cooperating ID --by 督办单位 [--add 单位]... [--remove 单位]... --reason 原因     调整配合单位
  duban task send-back ID --unit 单位 --reason 理由                          退回（认为不属本单位职责）
  duban task insist ID --by 督办单位 --comment 理由                         坚持交办（答复退回）
  duban task reassign ID --by 督办单位 --to 单位 --reason 理由
      改派：本事项结束，新单位以当前的时限接办（新事项编号随输出给出）
  duban task pause|cancel ID --by 督办单位 --reason 原因 ；task resume ID --by 督办单位
      暂停（不再提醒、催办）、撤销、恢复
      以上各项均可加 --json（输出办理后的督办事项）和 --idempotency-key KEY（重试同一操作只办理一次）`;

type Service = AssignmentService;
type Body = Record<string, unknown>;

/** One turn of the conversation: its options, the body the service takes, the call, and what to say after. */
interface Turn {
  options: string[];
  flags?: string[];
  /** Takes `--evidence FILE`, repeatable: files stored before the turn is recorded. */
  evidence?: boolean;
  /** Other options that may be given more than once. */
  repeated?: string[];
  schema: z.ZodType;
  body(args: ParsedArgs): Body;
  call(service: Service, id: string, body: Body, requestId?: string): Promise<AssignmentView>;
  /** The pending request a decision answers is read first, to name it in the answer. */
  readBefore?: boolean;
  said(view: AssignmentView, body: Body, before?: AssignmentView): string;
}

const UNIT = '办理的单位，如 --unit 市质监局';
const BY = '办理的督办单位，如 --by 市政府督查室';
const PERIOD = '报送周期，如 --period 2017-Q1';
const TO = '新的日期，如 --to 2017-07-15';

const optional = (args: ParsedArgs, name: string): Body => {
  const value = args.options.get(name);
  return value === undefined ? {} : { [name]: value };
};

/** Exactly one of two flags: `--accept|--return`, `--approve|--refuse`. */
function either(args: ParsedArgs, yes: string, no: string, what: string): string {
  const given = [yes, no].filter((f) => args.flags.has(f));
  if (given.length !== 1) throw new UsageError(`请给出 --${yes} 或 --${no} 之一：${what}`);
  return given[0]!;
}

function percent(args: ParsedArgs): number {
  const text = required(args, 'percent', '完成进度（0 到 100），如 --percent 30');
  const value = Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`--percent 应为 0 到 100 之间的数字，不是“${text}”`);
  return value;
}

const decision = (kind: 'extension' | 'closure'): Turn => ({
  options: ['by', 'comment'],
  flags: ['approve', 'refuse'],
  schema: decisionPayloadSchema,
  body: (args) => ({
    by: required(args, 'by', BY),
    decision: either(args, 'approve', 'refuse', kind === 'extension' ? '同意或不同意延期' : '同意办结（销号）或退办'),
    comment: args.options.get('comment') ?? '',
  }),
  call: (s, id, body, key) =>
    kind === 'extension' ? s.decideExtension(id, body, key) : s.decideClosure(id, body, key),
  readBefore: true,
  said: (view, body, before) => {
    const comment = body.comment ? `；意见：${String(body.comment)}` : '';
    if (kind === 'closure') {
      return body.decision === 'approve'
        ? `已同意办结（销号）：${view.assignmentId}${comment}`
        : `已退办：${view.assignmentId} 继续报送${comment}`;
    }
    const asked = before?.extensionRequest;
    const what = asked ? `${dateWhat(asked.period)}由 ${asked.from} 延至 ${asked.to}` : '';
    return body.decision === 'approve'
      ? `已同意延期：${what || dateChangeText(view)}${comment}`
      : `已不同意延期${what ? `（${what}）` : ''}${comment}`;
  },
});

function dateChangeText(view: AssignmentView): string {
  const change = lastDateChange(view);
  return change ? `${dateWhat(change.period)}由 ${change.from} 改为 ${change.to}` : '';
}

const TURNS: Record<string, Turn> = {
  ack: {
    options: ['unit'],
    schema: acknowledgePayloadSchema,
    body: (args) => ({ unit: required(args, 'unit', UNIT) }),
    call: (s, id, body, key) => s.acknowledge(id, body, key),
    said: (view) => `已签收：${view.assignmentId}（${view.spec?.unit ?? ''}）`,
  },
  report: {
    options: ['unit', 'period', 'summary', 'percent'],
    evidence: true,
    repeated: ['value'],
    schema: progressReportPayloadSchema,
    body: (args) => ({
      unit: required(args, 'unit', UNIT),
      ...optional(args, 'period'),
      summary: required(args, 'summary', '进展情况，如 --summary "已完成抽检 120 批次"'),
      percentComplete: percent(args),
      ...(args.repeated.has('value') && { values: (args.repeated.get('value') ?? []).map(valueOf) }),
    }),
    call: (s, id, body, key) => s.submitReport(id, body, key),
    said: (view, body) => {
      const period = typeof body.period === 'string' ? view.periods.find((p) => p.period === body.period) : undefined;
      const p = period ?? lastReported(view);
      if (!p?.report) return `已报送：${view.assignmentId}`;
      const names = p.report.evidence?.map((e) => e.name).join('、');
      return (
        `已报送：${p.period}（${p.label}），完成 ${p.report.percentComplete}%` +
        `${p.report.late ? '，逾期报送' : ''}，待审核${names ? `；佐证材料：${names}` : ''}`
      );
    },
  },
  review: {
    options: ['by', 'period', 'comment'],
    flags: ['accept', 'return'],
    schema: reviewPayloadSchema,
    body: (args) => ({
      by: required(args, 'by', BY),
      period: required(args, 'period', PERIOD),
      decision: either(args, 'accept', 'return', '审核通过或退回重报'),
      comment: args.options.get('comment') ?? '',
    }),
    call: (s, id, body, key) => s.reviewReport(id, body, key),
    said: (view, body) => {
      const p = view.periods.find((q) => q.period === body.period);
      if (body.decision === 'accept') return `已审核通过：${String(body.period)}`;
      return `已退回重报：${String(body.period)}，重报截止 ${p?.due ?? '—'}；意见：${String(body.comment)}`;
    },
  },
  extend: {
    options: ['unit', 'period', 'to', 'reason'],
    schema: extensionPayloadSchema,
    body: (args) => ({
      unit: required(args, 'unit', UNIT),
      ...optional(args, 'period'),
      to: required(args, 'to', TO),
      reason: required(args, 'reason', '延期理由'),
    }),
    call: (s, id, body, key) => s.requestExtension(id, body, key),
    said: (view) => {
      const asked = view.extensionRequest;
      if (!asked) return `已申请延期：${view.assignmentId}`;
      return `已申请延期：${dateWhat(asked.period)}由 ${asked.from} 延至 ${asked.to}，待${view.spec?.coordinator ?? '督办单位'}答复`;
    },
  },
  extension: decision('extension'),
  'move-deadline': {
    options: ['by', 'period', 'to', 'reason'],
    schema: moveDeadlinePayloadSchema,
    body: (args) => ({
      by: required(args, 'by', BY),
      ...optional(args, 'period'),
      to: required(args, 'to', TO),
      reason: required(args, 'reason', '调整原因'),
    }),
    call: (s, id, body, key) => s.moveDeadline(id, body, key),
    said: (view) => `已调整时限：${dateChangeText(view)}`,
  },
  'close-request': {
    options: ['unit', 'summary'],
    evidence: true,
    schema: closureRequestPayloadSchema,
    body: (args) => ({
      unit: required(args, 'unit', UNIT),
      summary: required(args, 'summary', '办结情况，如 --summary "整改任务已全部完成"'),
    }),
    call: (s, id, body, key) => s.requestClosure(id, body, key),
    said: (view) => {
      const names = view.closureRequest?.evidence.map((e) => e.name).join('、');
      return `已申请办结：${view.assignmentId}，待${view.spec?.coordinator ?? '督办单位'}答复${names ? `；佐证材料：${names}` : ''}`;
    },
  },
  closure: decision('closure'),
  complete: {
    options: ['by', 'summary'],
    schema: completePayloadSchema,
    body: (args) => ({ by: required(args, 'by', BY), summary: required(args, 'summary', '办结说明') }),
    call: (s, id, body, key) => s.complete(id, body, key),
    said: (view) => `已办结：${view.assignmentId}`,
  },
  pause: {
    options: ['by', 'reason'],
    schema: coordinatorActionSchema,
    body: (args) => ({ by: required(args, 'by', BY), reason: required(args, 'reason', '暂停的原因') }),
    call: (s, id, body, key) => s.pause(id, body, key),
    said: (view) => `已暂停：${view.assignmentId}，暂停期间不提醒、不催办`,
  },
  resume: {
    options: ['by'],
    schema: resumePayloadSchema,
    body: (args) => ({ by: required(args, 'by', BY) }),
    call: (s, id, body, key) => s.resume(id, body, key),
    said: (view) => `已恢复：${view.assignmentId}`,
  },
  contribute: {
    options: ['unit', 'period', 'summary'],
    evidence: true,
    schema: contributionPayloadSchema,
    body: (args) => ({
      unit: required(args, 'unit', '配合单位，如 --unit 市工商局'),
      ...optional(args, 'period'),
      summary: required(args, 'summary', '协办意见，如 --summary "已配合完成抽查 300 户"'),
    }),
    call: (s, id, body, key) => s.contribute(id, body, key),
    said: (view, body) => {
      const p = view.periods.find((q) =>
        q.contributions?.some((c) => c.unit === body.unit && c.summary === body.summary),
      );
      return `已提交协办意见：${String(body.unit)}，${p ? `${p.period}（${p.label}）` : view.assignmentId}`;
    },
  },
  policy: {
    options: ['by', 'reminder-days', 'notice-time', 'ladder', 'days', 'reason'],
    schema: changePolicyPayloadSchema,
    body: (args) => ({
      by: required(args, 'by', BY),
      policy: {
        reminderDaysBefore: Number(required(args, 'reminder-days', '截止前几天提醒，如 --reminder-days 5')),
        noticeTime: args.options.get('notice-time') ?? '09:00',
        days: args.options.get('days') ?? 'working',
        ladder: ladderOf(required(args, 'ladder', '升级阶梯，如 --ladder 催办:1,督办:3,通报:5')),
      },
      reason: required(args, 'reason', '调整原因'),
    }),
    call: (s, id, body, key) => s.changePolicy(id, body, key),
    said: (view) => `已调整督办规则：${view.assignmentId}`,
  },
  cooperating: {
    options: ['by', 'reason'],
    repeated: ['add', 'remove'],
    schema: changeCooperatingPayloadSchema,
    body: (args) => ({
      by: required(args, 'by', BY),
      add: args.repeated.get('add') ?? [],
      remove: args.repeated.get('remove') ?? [],
      reason: required(args, 'reason', '调整原因'),
    }),
    call: (s, id, body, key) => s.changeCooperating(id, body, key),
    said: (view) => `已调整配合单位：${view.spec?.cooperating.join('、') || '（无）'}`,
  },
  'send-back': {
    options: ['unit', 'reason'],
    schema: sendBackPayloadSchema,
    body: (args) => ({ unit: required(args, 'unit', UNIT), reason: required(args, 'reason', '退回理由') }),
    call: (s, id, body, key) => s.sendBack(id, body, key),
    said: (view) => `已退回：${view.assignmentId}，待${view.spec?.coordinator ?? '督办单位'}改派或坚持交办`,
  },
  insist: {
    options: ['by', 'comment'],
    schema: insistPayloadSchema,
    body: (args) => ({ by: required(args, 'by', BY), comment: required(args, 'comment', '坚持交办的理由') }),
    call: (s, id, body, key) => s.insist(id, body, key),
    said: (view) => `已坚持交办：${view.assignmentId} 仍由${view.spec?.unit ?? ''}牵头`,
  },
  reassign: {
    options: ['by', 'to', 'reason'],
    schema: reassignPayloadSchema,
    body: (args) => ({
      by: required(args, 'by', BY),
      to: required(args, 'to', '改派给的单位，如 --to 市工商局'),
      reason: required(args, 'reason', '改派理由'),
    }),
    call: (s, id, body, key) => s.reassign(id, body, key),
    said: (view) =>
      `已改派：${view.assignmentId} 改由${view.reassigned?.to ?? ''}牵头，新的督办事项 ${view.reassigned?.successor ?? ''}`,
  },
  cancel: {
    options: ['by', 'reason'],
    schema: coordinatorActionSchema,
    body: (args) => ({ by: required(args, 'by', BY), reason: required(args, 'reason', '撤销的原因') }),
    call: (s, id, body, key) => s.cancel(id, body, key),
    said: (view) => `已撤销：${view.assignmentId}`,
  },
};

const SUBCOMMANDS = ['show', ...Object.keys(TURNS)];

const LEVELS: Record<string, EscalationLevel> = {
  催办: 'urge',
  督办: 'notify-head',
  通报: 'report-coordinator',
  urge: 'urge',
  'notify-head': 'notify-head',
  'report-coordinator': 'report-coordinator',
};

/** `重点产品抽检合格率=96.4%` → the value reached for one target: its indicator, the number, its unit of measure. */
function valueOf(text: string): { indicator: string; value: number; unit: string } {
  const match = /^(.+?)\s*[=＝]\s*(-?\d+(?:\.\d+)?)\s*(.*)$/.exec(text.trim());
  if (!match)
    throw new UsageError(`--value「${text}」无法识别；应写作 指标=数值单位，如 --value 重点产品抽检合格率=96.4%`);
  return { indicator: match[1]!, value: Number(match[2]), unit: match[3]!.trim() };
}

/** `催办:1,督办:3,通报:5` → the ladder's steps; a step the schema cannot take is refused there, by name. */
function ladderOf(text: string): Array<{ level: string; afterDays: number }> {
  return text.split(/[,，]/).map((step) => {
    const [word, days] = step.split(/[:：]/).map((part) => part.trim());
    const level = LEVELS[word ?? ''];
    if (!level) throw new UsageError(`--ladder 的「${step}」无法识别；应写作 催办:1,督办:3,通报:5（级别:天数）`);
    return { level, afterDays: Number(days) };
  });
}

export async function taskCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  if (sub === 'show') return taskShow(argv, io);
  if (sub === '--help' || sub === 'help') {
    io.stdout(`${TASK_USAGE}\n`);
    return 0;
  }
  const turn = sub === undefined ? undefined : TURNS[sub];
  if (!turn) throw new UsageError(`未知的 task 子命令 ${sub ?? '（无）'}；可用：${SUBCOMMANDS.join('、')}`);
  return taskTurn(turn, argv, io);
}

async function taskShow(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, [], ['json']);
  const id = one(args, '督办事项编号（如 ezhou-2017:五.(二).29:市质监局）');
  return withTemporal(io, async (client, config) =>
    withPool(io, async (pool) => {
      const view = await serviceOf(client, config, pool).status(id);
      io.stdout(args.flags.has('json') ? `${JSON.stringify(view, null, 2)}\n` : describeAssignment(view));
      return 0;
    }),
  );
}

/** A file named by --evidence, read and checked — name, size and type — before anything connects. */
interface Upload {
  file: string;
  name: string;
  bytes: Buffer;
}

async function taskTurn(turn: Turn, argv: string[], io: Io): Promise<number> {
  const args = parseArgs(
    argv,
    [...turn.options, 'idempotency-key'],
    [...(turn.flags ?? []), 'json'],
    [...(turn.evidence ? ['evidence'] : []), ...(turn.repeated ?? [])],
  );
  const id = one(args, '督办事项编号（如 ezhou-2017:五.(二).29:市质监局）');
  const body = turn.body(args);
  check(turn.schema, body);
  const requestId = args.options.get('idempotency-key');
  const uploads = (args.repeated.get('evidence') ?? []).map((file) => checkedUpload(io, file));

  // PostgreSQL too: for the evidence and the Idempotency-Key, and for the refusal log (a refused turn is recorded).
  return withTemporal(io, async (client, config) =>
    withPool(io, async (pool) => {
      const service = withRefusalLog(serviceOf(client, config, pool), new RefusalLog(pool), 'cli');
      if (uploads.length > 0) {
        const evidence: EvidenceRef[] = [];
        for (const upload of uploads) {
          const stored = await storeEvidence(pool, upload, { maxBytes: config.EVIDENCE_MAX_BYTES });
          evidence.push(stored.ref);
        }
        body.evidence = evidence;
      }
      const before = turn.readBefore ? await service.status(id) : undefined;
      const view = await turn.call(service, id, body, requestId);
      io.stdout(args.flags.has('json') ? `${JSON.stringify(view, null, 2)}\n` : `${turn.said(view, body, before)}\n`);
      return 0;
    }),
  );
}

function serviceOf(client: Client, config: Config, pool?: Pool): AssignmentService {
  return new AssignmentService({
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    coordinator: config.DUBAN_COORDINATOR,
    ...(pool && {
      idempotency: new IdempotencyKeys(pool),
      resolveEvidence: (cited) => resolveEvidence(pool, cited),
      storedEvents: (id) => assignmentEventsOf(pool, id),
    }),
  });
}

/** The options the fields come from, for refusals that name what to retype. */
const OPTION_OF: Record<string, string> = { percentComplete: 'percent' };

/**
 * The body checked as the service will check it, before any server is reached or any evidence is stored: a bad
 * value is refused naming its option, and nothing anywhere has changed.
 */
function check(schema: z.ZodType, body: Body): void {
  const result = schema.safeParse(trimStrings(body));
  if (result.success) return;
  const problems = result.error.issues.map((i) => {
    const field = String(i.path[0] ?? '');
    return `--${OPTION_OF[field] ?? field}：${i.message}`;
  });
  throw new AppError('INVALID_PAYLOAD', `参数有误：${problems.join('；')}`);
}

function checkedUpload(io: Io, file: string): Upload {
  const bytes = readInputFile(io, file, '佐证材料文件（PDF、OFD、图片或 Office/WPS 文档）');
  try {
    const name = evidenceName(basename(file));
    sniffEvidence(bytes, { maxBytes: configOf(io).EVIDENCE_MAX_BYTES });
    return { file, name, bytes };
  } catch (error) {
    if (error instanceof EvidenceRefused) throw new AppError(error.code, `佐证材料 ${file}：${error.message}`);
    throw error;
  }
}
