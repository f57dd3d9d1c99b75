/**
 * The documentation of the routes api/server.ts registers itself: the assignment and its 督办 conversation, the
 * refusal log, the read models and the deliveries. Bodies are the very schemas the application functions parse
 * with (api/assignments.ts, workflows/assignment/messages.ts); answers are described by documentation schemas
 * (the fields a caller relies on; the objects may carry more).
 */
import { z } from 'zod';
import { DELIVERY_STATES } from '../infra/delivery-store';
import { evidenceRefSchema } from '../domain/evidence/ref';
import { unitName } from '../workflows/assignment/caller';
import * as payloads from '../workflows/assignment/payloads';
import { assignRequestSchema } from './assignments';
import type { AppErrorCode } from './errors';
import { component, type RouteDoc } from './openapi';

const COORDINATOR = '市政府督查室';
const UNIT = '市市场监管局';

const idParams = z.object({
  id: z
    .string()
    .describe('督办事项编号：计划编号:任务编号:牵头单位，如 ezhou-2017:五.(二).29:市市场监管局（URL 编码）'),
});
const unitParams = z.object({ unit: unitName.describe('单位名称，如 市市场监管局（URL 编码）') });
const idempotencyHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/)
    .optional()
    .describe('幂等键（如一个 UUID）：重试同一请求时原样发送，只办理一次；用于另一请求时答复 422'),
});

const dateText = z.string().describe('日期，写作 YYYY-MM-DD');

/** What callers see of an assignment (workflows/assignment/messages.ts AssignmentView). */
export const assignmentViewSchema = component(
  'AssignmentView',
  z
    .looseObject({
      assignmentId: z.string(),
      status: z.enum(['unassigned', 'assigned', 'acknowledged', 'completed', 'cancelled', 'reassigned']),
      light: z.enum(['green', 'yellow', 'red', 'none']).describe('灯：绿（按时）、黄（将到期未报）、红（逾期未报）'),
      spec: z
        .looseObject({
          ref: z.string(),
          title: z.string(),
          unit: z.string().describe('牵头单位'),
          coordinator: z.string().describe('督办单位'),
          due: dateText,
          deadlineText: z.string(),
        })
        .optional(),
      periods: z.array(
        z.looseObject({
          period: z.string().describe('报送周期，如 2027-Q1'),
          label: z.string(),
          due: dateText,
          report: z
            .looseObject({
              at: z.string(),
              summary: z.string(),
              percentComplete: z.number(),
              late: z.boolean(),
              evidence: z.array(evidenceRefSchema).optional(),
            })
            .optional(),
        }),
      ),
      nextAlarm: z.object({ at: z.string(), command: z.string(), period: z.string() }).optional(),
      warnings: z.array(z.string()).describe('督办人员和单位须知的事项（如缺少某年的工作日历）'),
    })
    .describe('督办事项的当前状态'),
);

const refusalSchema = z.object({
  id: z.number().int(),
  refusedAt: z.string().describe('拒绝时间（ISO 8601）'),
  caller: z.string(),
  operation: z.string(),
  assignmentId: z.string(),
  code: z.string(),
  detail: z.string(),
  source: z.enum(['api', 'cli']),
  request: z.string().describe('原样的请求体（JSON 文本）'),
});

/** Every update on an assignment's workflow may meet these: the item gone, ended, or the key reused. */
const UPDATE_PROBLEMS: AppErrorCode[] = [
  'UNKNOWN_TASK',
  'ALREADY_COMPLETED',
  'ALREADY_CANCELLED',
  'ALREADY_REASSIGNED',
  'OUT_OF_ORDER',
  'IDEMPOTENCY_KEY_REUSED',
  'SERVER_UNREACHABLE',
];

interface Turn {
  path: string;
  summary: string;
  description?: string;
  body: z.ZodType;
  example: unknown;
  problems: AppErrorCode[];
}

/** The turns of the 督办 conversation (server.ts registers one POST route for each). */
const TURNS: Turn[] = [
  {
    path: 'acknowledge',
    summary: '签收：牵头单位确认收到任务',
    body: payloads.acknowledgePayloadSchema,
    example: { unit: UNIT },
    problems: ['WRONG_UNIT'],
  },
  {
    path: 'reports',
    summary: '报送进展：一个报送周期的进展情况、完成进度、指标值和佐证材料',
    description: '佐证材料须先用 POST /evidence 上传，再引用其答复中的 sha256；未审核的报告可重新报送替换。',
    body: payloads.progressReportPayloadSchema,
    example: { unit: UNIT, summary: '已完成第一季度抽检 120 批次，合格率 96%。', percentComplete: 25 },
    problems: [
      'WRONG_UNIT',
      'UNKNOWN_PERIOD',
      'NOTHING_TO_REPORT',
      'ALREADY_REPORTED',
      'PERIOD_NOT_OPEN',
      'UNKNOWN_TARGET',
      'WRONG_MEASURE',
      'EVIDENCE_NOT_STORED',
    ],
  },
  {
    path: 'complete',
    summary: '办结（销号）：督办单位直接办结任务，流程结束',
    body: payloads.completePayloadSchema,
    example: { by: COORDINATOR, summary: '经核实已全部完成，予以销号。' },
    problems: ['NOT_COORDINATOR'],
  },
  {
    path: 'reviews',
    summary: '审核报告：通过，或退回重报（须写明意见）',
    body: payloads.reviewPayloadSchema,
    example: { by: COORDINATOR, period: '2027-Q1', decision: 'accept' },
    problems: ['NOT_COORDINATOR', 'UNKNOWN_PERIOD', 'NO_REPORT', 'ALREADY_REVIEWED', 'COMMENT_REQUIRED'],
  },
  {
    path: 'extensions',
    summary: '延期申请：某一报送周期或任务完成时限延后',
    body: payloads.extensionPayloadSchema,
    example: { unit: UNIT, to: '2027-12-31', reason: '设备采购流程较长，需延后一个月。' },
    problems: ['WRONG_UNIT', 'REQUEST_PENDING', 'UNKNOWN_PERIOD', 'INVALID_DATE', 'ALREADY_REPORTED'],
  },
  {
    path: 'extensions/decision',
    summary: '答复延期申请：同意，或不同意（须写明意见）',
    body: payloads.decisionPayloadSchema,
    example: { by: COORDINATOR, decision: 'refuse', comment: '请按原时限完成。' },
    problems: ['NOT_COORDINATOR', 'NO_REQUEST', 'COMMENT_REQUIRED'],
  },
  {
    path: 'deadline',
    summary: '调整时限：督办单位调整某一报送周期或任务的截止日期',
    body: payloads.moveDeadlinePayloadSchema,
    example: { by: COORDINATOR, to: '2027-11-30', reason: '按市政府常务会议要求提前。' },
    problems: ['NOT_COORDINATOR', 'UNKNOWN_PERIOD', 'INVALID_DATE', 'ALREADY_REPORTED'],
  },
  {
    path: 'closure',
    summary: '申请办结：牵头单位报告完成情况，附佐证材料',
    body: payloads.closureRequestPayloadSchema,
    example: { unit: UNIT, summary: '各项整改措施均已落实。' },
    problems: ['WRONG_UNIT', 'REQUEST_PENDING', 'EVIDENCE_NOT_STORED'],
  },
  {
    path: 'closure/decision',
    summary: '答复办结申请：办结（销号），或退办（须写明意见）',
    body: payloads.decisionPayloadSchema,
    example: { by: COORDINATOR, decision: 'refuse', comment: '佐证材料不全，请补充验收报告。' },
    problems: ['NOT_COORDINATOR', 'NO_REQUEST', 'COMMENT_REQUIRED'],
  },
  {
    path: 'contributions',
    summary: '协办意见：配合单位对牵头单位报送的补充',
    body: payloads.contributionPayloadSchema,
    example: { unit: '市住建局', summary: '已配合完成在建工地抽查 15 处。' },
    problems: ['NOT_COOPERATING', 'UNKNOWN_PERIOD', 'NOTHING_TO_REPORT', 'ALREADY_REVIEWED', 'EVIDENCE_NOT_STORED'],
  },
  {
    path: 'policy',
    summary: '调整督办规则：本事项的提醒和升级设置',
    body: payloads.changePolicyPayloadSchema,
    example: {
      by: COORDINATOR,
      policy: {
        reminderDaysBefore: 5,
        noticeTime: '09:00',
        ladder: [{ level: 'urge', afterDays: 1 }],
        days: 'working',
      },
      reason: '该事项为年度重点，提前提醒。',
    },
    problems: ['NOT_COORDINATOR', 'INVALID_SPEC'],
  },
  {
    path: 'cooperating',
    summary: '调整配合单位：增加或减少',
    body: payloads.changeCooperatingPayloadSchema,
    example: { by: COORDINATOR, add: ['市住建局'], reason: '涉及在建工地，请市住建局配合。' },
    problems: ['NOT_COORDINATOR', 'INVALID_SPEC', 'SAME_UNIT', 'NOT_COOPERATING'],
  },
  {
    path: 'send-back',
    summary: '退回：单位认为任务不属本单位职责，退回督办单位',
    body: payloads.sendBackPayloadSchema,
    example: { unit: UNIT, reason: '该事项属市住建局职责。' },
    problems: ['WRONG_UNIT', 'REQUEST_PENDING'],
  },
  {
    path: 'send-back/insist',
    summary: '坚持交办：督办单位答复退回，任务仍由原单位办理（须写明意见）',
    body: payloads.insistPayloadSchema,
    example: { by: COORDINATOR, comment: '按市政府分工方案，仍由你单位牵头。' },
    problems: ['NOT_COORDINATOR', 'NO_REQUEST', 'COMMENT_REQUIRED'],
  },
  {
    path: 'reassign',
    summary: '改派：交由另一牵头单位办理，本事项结束，新事项开始',
    body: payloads.reassignPayloadSchema,
    example: { by: COORDINATOR, to: '市住建局', reason: '按职责调整改由市住建局牵头。' },
    problems: ['NOT_COORDINATOR', 'SAME_UNIT', 'NOTHING_TO_REPORT'],
  },
];

const viewAnswer = { 200: { description: '办理后的督办事项', schema: assignmentViewSchema } };

export const ASSIGNMENT_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'POST',
    url: '/assignments',
    summary: '交办：把一项任务交给一个牵头单位',
    description:
      '任务已记录后才答复（201）。未给出报送日期时，按完成时限前的每个季度末和完成时限本身报送。文本首尾空白会被去掉；' +
      '日期须为真实存在的日期。',
    tags: ['督办事项'],
    body: assignRequestSchema,
    example: {
      planId: 'ezhou-2027',
      ref: '五.(二).29',
      title: '开展食品安全专项整治',
      unit: UNIT,
      deadlineText: '2027年12月底前',
      due: '2027-12-31',
    },
    responses: { 201: { description: '已交办的督办事项', schema: assignmentViewSchema } },
    problems: ['INVALID_SPEC', 'ALREADY_ASSIGNED', 'SERVER_UNREACHABLE'],
  },
  {
    method: 'GET',
    url: '/assignments/:id',
    summary: '查询督办事项的当前状态和灯色',
    tags: ['督办事项'],
    params: idParams,
    responses: { 200: { description: '督办事项', schema: assignmentViewSchema } },
    problems: ['UNKNOWN_TASK', 'SERVER_UNREACHABLE'],
  },
  ...TURNS.map((turn): RouteDoc => ({
    method: 'POST',
    url: `/assignments/:id/${turn.path}`,
    summary: turn.summary,
    ...(turn.description && { description: turn.description }),
    tags: ['督办事项'],
    params: idParams,
    headers: idempotencyHeaders,
    body: turn.body,
    example: turn.example,
    responses: viewAnswer,
    problems: [...turn.problems, ...UPDATE_PROBLEMS],
  })),
];

export const REFUSAL_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'GET',
    url: '/assignments/:id/refusals',
    summary: '某一督办事项被拒绝的操作：谁、何时、做什么、为何被拒',
    tags: ['拒绝记录'],
    params: idParams,
    responses: { 200: { description: '拒绝记录，最新的在前', schema: z.array(refusalSchema) } },
    problems: ['SERVER_UNREACHABLE'],
  },
  {
    method: 'GET',
    url: '/refusals',
    summary: '按任务、操作人或督办事项查询拒绝记录',
    description: 'task、caller、assignment 至少给出一个，可同时给出；都不给时答复 400。',
    tags: ['拒绝记录'],
    query: z.object({
      task: z.string().optional().describe('任务编号（计划编号:任务编号），含改派后的事项'),
      caller: z.string().optional().describe('操作人（单位或督办单位名称）'),
      assignment: z.string().optional().describe('督办事项编号'),
    }),
    responses: { 200: { description: '拒绝记录', schema: z.array(refusalSchema) } },
    problems: ['INVALID_PAYLOAD', 'SERVER_UNREACHABLE'],
  },
];

const lagNote = '答复头 Read-Model-Lag 说明读模型落后多少（events=…, notices=…, seconds=…）。';

export const READ_MODEL_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'GET',
    url: '/units/:unit/supporting',
    summary: '配合单位参与的事项：进行中的在前，再按完成时限',
    description: lagNote,
    tags: ['单位'],
    params: unitParams,
    responses: {
      200: {
        description: '事项列表',
        schema: z.array(
          z.object({
            assignmentId: z.string(),
            ref: z.string(),
            title: z.string(),
            leadUnit: z.string().describe('牵头单位'),
            status: z.string(),
            due: dateText,
            deadlineText: z.string(),
          }),
        ),
      },
    },
    problems: ['INVALID_PAYLOAD', 'SERVER_UNREACHABLE'],
  },
  {
    method: 'GET',
    url: '/units/:unit/inbox',
    summary: '单位收到的通知（提醒、催办、督办、通报），最新的在前',
    description: lagNote,
    tags: ['单位'],
    params: unitParams,
    responses: {
      200: {
        description: '通知列表',
        schema: z.array(
          z.object({
            occurredAt: z.string(),
            kind: z.string(),
            subject: z.string(),
            body: z.string(),
            assignmentId: z.string(),
          }),
        ),
      },
    },
    problems: ['INVALID_PAYLOAD', 'SERVER_UNREACHABLE'],
  },
  {
    method: 'GET',
    url: '/deliveries',
    summary: '通知送达情况：各状态的数量和明细（如 ?state=failed 查未送达的）',
    tags: ['通知送达'],
    query: z.object({
      state: z
        .enum(DELIVERY_STATES as [string, ...string[]])
        .optional()
        .describe('只看最近一次结果为此的'),
      recipient: z.string().optional().describe('收件单位或人'),
      assignment: z.string().optional().describe('督办事项编号'),
    }),
    responses: {
      200: {
        description: '数量和明细',
        schema: z.object({
          counts: z.record(z.string(), z.number().int()),
          deliveries: z.array(
            z.looseObject({
              deliveryId: z.string(),
              assignmentId: z.string(),
              recipient: z.string(),
              subject: z.string(),
              channel: z.string(),
              address: z.string(),
              state: z.string(),
              at: z.string(),
              detail: z.string(),
            }),
          ),
        }),
      },
    },
    problems: ['INVALID_PAYLOAD', 'SERVER_UNREACHABLE'],
  },
  {
    method: 'GET',
    url: '/readmodels/status',
    summary: '读模型落后多少：未应用的事件、通知及其时长',
    tags: ['运维'],
    query: z.object({ assignment: z.string().optional().describe('只看这一督办事项') }),
    responses: {
      200: {
        description: '读模型的落后情况',
        schema: z.object({
          events: z.number().int(),
          oldestStoredAt: z.string().optional(),
          seconds: z.number(),
          notices: z.number().int(),
          parked: z.number().int(),
          unreadable: z.number().int(),
        }),
      },
    },
    problems: ['SERVER_UNREACHABLE'],
  },
];
