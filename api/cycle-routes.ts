/**
 * Supervision cycles over HTTP, for the coordinator: launch one from an uploaded task table, list them, one cycle's
 * dashboard, pause, resume, cancel, notify its units, and its bulletins as JSON or as the XLSX the office prints.
 * Thin: each route validates, calls the CycleDesk or the CycleService (api/cycle-desk.ts, api/cycles.ts), answers.
 *
 * POST /cycles takes the task table's bytes as the body (any Content-Type: the file name's extension says how to read
 * it, as `duban cycle launch` does) with its name in X-File-Name, percent-encoded UTF-8 like an evidence upload, and
 * `?cycle=NAME&title=…&year=YYYY` in the query. Only that route reads a raw body, up to TABLE_MAX_BYTES, in a scope of
 * its own; the others read JSON within the API's 64 KB.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { bulletinToXlsx } from '../domain/cycle/bulletin-xlsx';
import { cycleActionSchema, cycleNoticeSchema, cycleResumeSchema, type CycleView } from '../workflows/cycle/messages';
import type { Account } from './auth/account';
import { yellowWhenLeftOf, yellowWhenLeftProblem } from './cycle-launch';
import { CYCLE_ID, LaunchRefused, withoutCalendar, type CycleDesk } from './cycle-desk';
import type { CycleService } from './cycles';
import type { RouteDoc } from './openapi';
import { AppError, type AppErrorCode } from './errors';
import { contentDisposition, readRawBody } from './evidence';

/** A resume says why, as a pause and a cancel do (the workflow takes one without, as resumes sent before were). */
const resumeBodySchema = cycleResumeSchema.required({ reason: true });

/** A task table of a whole city's plan is some hundred KB as XLSX; far above that is not a task table. */
export const TABLE_MAX_BYTES = 5 * 1024 * 1024;

/** The addresses served here, for the API's answer to other methods (405 with Allow) and the authorization table. */
export const CYCLE_ROUTES = [
  { method: 'GET', url: '/cycles' },
  { method: 'POST', url: '/cycles' },
  { method: 'GET', url: '/cycles/:cycle' },
  { method: 'POST', url: '/cycles/:cycle/pause' },
  { method: 'POST', url: '/cycles/:cycle/resume' },
  { method: 'POST', url: '/cycles/:cycle/cancel' },
  { method: 'POST', url: '/cycles/:cycle/notify' },
  { method: 'GET', url: '/cycles/:cycle/bulletins' },
  { method: 'GET', url: '/cycles/:cycle/bulletins/:period' },
  { method: 'GET', url: '/cycles/:cycle/bulletins/:period/xlsx' },
  { method: 'GET', url: '/escalations' },
] as const;

export interface CycleRouteOptions {
  desk: CycleDesk;
  /** The service the actions go through (with the refusal log around it, as buildApi gives it). */
  cycles: CycleService;
  /** Called once a launch is stored and its workflow started: the lead grants the cycle to who launched it. */
  onLaunched?: (cycleId: string, account: Account | undefined) => Promise<void> | void;
  /**
   * The cycles a request may see in lists (GET /cycles, /escalations), undefined for all. By default a coordinator's
   * granted cycles (Account.cycles), everyone else all; the authorization table decides who may call at all.
   */
  cyclesOf?: (request: FastifyRequest) => readonly string[] | undefined;
}

/** A coordinator sees its own cycles; other roles that may list (auditor) see all. */
export function grantedCycles(request: FastifyRequest): readonly string[] | undefined {
  const account = request.account;
  return account?.role === 'coordinator' ? (account.cycles ?? []) : undefined;
}

const launchQuery = z.strictObject({
  cycle: z
    .string({ error: '缺少 ?cycle=：督办周期的名称，如 ?cycle=ezhou-2027' })
    .regex(CYCLE_ID, '周期名称只能由文字、数字和 . _ - 组成，最长 64 个字符，如 ezhou-2027'),
  title: z.string().trim().min(1).max(200, '标题最长 200 个字符').optional(),
  year: z
    .string()
    .regex(/^(19|20|21)\d{2}$/, 'year 应为年份，如 2027')
    .transform(Number)
    .optional(),
  yellowWhenLeft: z
    .string()
    .transform((text, ctx) => {
      const lights = yellowWhenLeftOf(text);
      if (!lights) ctx.addIssue({ code: 'custom', message: yellowWhenLeftProblem('yellowWhenLeft', text) });
      return lights ?? z.NEVER;
    })
    .optional(),
  /** The launching office, until sign-in gives it: the signed-in coordinator's office always wins. */
  by: z.string().trim().min(1).max(64).optional(),
});

const cycleParams = z.object({ cycle: z.string().describe('督办周期名称，如 ezhou-2027') });
const periodParams = cycleParams.extend({
  period: z.string().describe('报送周期，如 2027-Q1、2027-06、2027-H1，或一次性报送的日期'),
});
const CYCLE_PROBLEMS: readonly AppErrorCode[] = ['UNKNOWN_CYCLE', 'SERVER_UNREACHABLE'];
const ACTION_PROBLEMS: readonly AppErrorCode[] = [
  'INVALID_PAYLOAD',
  'NOT_COORDINATOR',
  'UNKNOWN_CYCLE',
  'CYCLE_LAUNCHING',
  'CYCLE_NOT_RUNNING',
  'CYCLE_NOT_PAUSED',
  'CYCLE_CLOSED',
  'SERVER_UNREACHABLE',
];

/**
 * These routes described for the OpenAPI document: the zod schemas each route validates with, its answers and its
 * refusals.
 */
export const CYCLE_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'GET',
    url: '/cycles',
    summary: '督办周期列表：督办人员只看到授权给自己的周期',
    tags: ['督办周期'],
    responses: { 200: { description: '各周期：名称、标题、督办单位、发布时间和发布人、督办事项数、状态、通报期数' } },
    problems: ['SERVER_UNREACHABLE'],
  },
  {
    method: 'POST',
    url: '/cycles',
    summary: '上传任务分解表，发布督办周期',
    description:
      '请求体是任务分解表文件本身（duban plan parse 输出并审核过的 .xlsx、.csv 或 .json），文件名在 X-File-Name 头中' +
      '（UTF-8 百分号编码），按扩展名读取。按 PostgreSQL 中的单位名录和节假日安排规划；任一事项有问题则整表退回（422，' +
      'problems 列出每处问题），不发布任何督办。答复 201：周期、督办事项数和提示（单位不在名录中、无联系方式、节假日未知等）；' +
      '同一周期以同一份表再次发布答复 200，不重复发布。',
    tags: ['督办周期'],
    query: launchQuery,
    headers: z.object({
      'X-File-Name': z.string().min(1).describe('任务分解表的文件名，UTF-8 百分号编码，如 %E4%BB%BB%E5%8A%A1.xlsx'),
    }),
    bodyType: 'binary',
    bodyLimit: TABLE_MAX_BYTES,
    responses: {
      201: { description: '已发布：周期、督办事项数、提示' },
      200: { description: '此前已用同一份表发布过：不重复发布' },
    },
    problems: ['INVALID_PAYLOAD', 'INVALID_TABLE', 'PAYLOAD_TOO_LARGE', 'CYCLE_EXISTS', 'SERVER_UNREACHABLE'],
  },
  {
    method: 'GET',
    url: '/cycles/:cycle',
    summary: '周期进展：灯色、各期按时报送率、各单位灯色和得分、逾期和督办事项',
    description:
      '灯色取自 Temporal 的可见性（各督办事项工作流随时更新的 DubanLight），按时报送率：已印发通报的期取通报所载，' +
      '其余取截至目前的报送（进展报送读模型）。',
    tags: ['督办周期'],
    params: cycleParams,
    responses: {
      200: {
        description:
          '周期、灯色计数（awaiting：刚交办、灯色尚未显示的项数）、各期按时报送率、各单位、逾期与督办事项、已印发的通报',
      },
    },
    problems: CYCLE_PROBLEMS,
  },
  ...(
    [
      ['pause', '暂停周期：不再提醒和催办', cycleActionSchema, { by: '市政府督查室', reason: '汛期集中抢险' }],
      [
        'resume',
        '恢复周期：暂停期间到期的事项只提醒一次',
        resumeBodySchema,
        { by: '市政府督查室', reason: '汛期抢险结束' },
      ],
      ['cancel', '撤销周期', cycleActionSchema, { by: '市政府督查室', reason: '计划调整，另行发布' }],
      [
        'notify',
        '向周期内每个单位发通知',
        cycleNoticeSchema,
        { by: '市政府督查室', subject: '关于报送二季度进展的通知', body: '请于6月30日前报送。' },
      ],
    ] as const
  ).map(([action, summary, body, example]) => ({
    method: 'POST' as const,
    url: `/cycles/:cycle/${action}`,
    summary,
    description: '以登录账号的督办单位办理：by 可省略；写明的 by 须是该单位，否则 403 FORBIDDEN。',
    tags: ['督办周期'],
    params: cycleParams,
    // Signed in (as every caller of these routes is), the office is the account's: `by` may be left out.
    body: (body as z.ZodObject).partial({ by: true }),
    example,
    responses: { 200: { description: '周期的当前状态' } },
    problems: ACTION_PROBLEMS,
  })),
  {
    method: 'GET',
    url: '/cycles/:cycle/bulletins',
    summary: '周期已印发的督查通报',
    tags: ['督查通报'],
    params: cycleParams,
    responses: {
      200: { description: '各期：周期、名称、印发时间、参加排名的单位数、按时报送率、表扬和通报批评的单位' },
    },
    problems: CYCLE_PROBLEMS,
  },
  {
    method: 'GET',
    url: '/cycles/:cycle/bulletins/:period',
    summary: '某一期督查通报（JSON）',
    tags: ['督查通报'],
    params: periodParams,
    responses: { 200: { description: '通报：各单位的报送情况、得分、扣分和排名' } },
    problems: [...CYCLE_PROBLEMS, 'UNKNOWN_PERIOD'],
  },
  {
    method: 'GET',
    url: '/cycles/:cycle/bulletins/:period/xlsx',
    summary: '下载某一期督查通报（XLSX，A4 横向）',
    tags: ['督查通报'],
    params: periodParams,
    responses: {
      200: {
        description: '通报的 .xlsx 文件，文件名（filename*）为「周期标题+期名+督查通报.xlsx」',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    },
    problems: [...CYCLE_PROBLEMS, 'UNKNOWN_PERIOD'],
  },
  {
    method: 'GET',
    url: '/escalations',
    summary: '逾期与督办：授权给自己的各周期中逾期未报的事项及其已到的督办层级（催办、督办、通报）',
    tags: ['督办周期'],
    responses: { 200: { description: '逾期事项：周期、任务、单位、逾期的报送周期、已到的督办层级' } },
    problems: ['SERVER_UNREACHABLE'],
  },
];

export const cycleRoutes: FastifyPluginAsync<CycleRouteOptions> = async (
  app,
  { desk, cycles, onLaunched, cyclesOf = grantedCycles },
) => {
  // 发布: the only route here that reads a raw body, in its own scope.
  await app.register(async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', (request: FastifyRequest, payload: Readable) =>
      readRawBody(request, payload, TABLE_MAX_BYTES, (declared) => tableTooLarge(declared)),
    );
    upload.post('/cycles', { bodyLimit: TABLE_MAX_BYTES }, async (request, reply) => {
      const query = parsed(launchQuery, request.query, '发布参数');
      const by = officeOf(request, query.by);
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (bytes.length === 0) {
        throw new AppError('INVALID_TABLE', '请求体为空：请把任务分解表（.csv、.xlsx 或 .json）作为请求体上传');
      }
      try {
        const answer = await desk.launch({
          cycleId: query.cycle,
          fileName: fileName(request.headers['x-file-name']),
          bytes,
          by,
          ...(query.title && { title: query.title }),
          ...(query.year !== undefined && { year: query.year }),
          ...(query.yellowWhenLeft && { lights: query.yellowWhenLeft }),
        });
        await onLaunched?.(query.cycle, request.account);
        return reply.code(answer.fresh ? 201 : 200).send({ ...answer, cycle: withoutCalendar(answer.cycle) });
      } catch (error) {
        if (!(error instanceof LaunchRefused)) throw error;
        return launchRefused(reply, request.id, error);
      }
    });
  });

  app.get('/cycles', async (request) => ({ cycles: await desk.list(cyclesOf(request)) }));

  app.get('/cycles/:cycle', async (request) => desk.dashboard(cycleParam(request)));

  app.post('/cycles/:cycle/pause', async (request) =>
    viewOf(await cycles.pause(cycleParam(request), actionBody(request, cycleActionSchema))),
  );
  app.post('/cycles/:cycle/resume', async (request) =>
    viewOf(await cycles.resume(cycleParam(request), actionBody(request, resumeBodySchema))),
  );
  app.post('/cycles/:cycle/cancel', async (request) =>
    viewOf(await cycles.cancel(cycleParam(request), actionBody(request, cycleActionSchema))),
  );
  app.post('/cycles/:cycle/notify', async (request) =>
    viewOf(await cycles.notify(cycleParam(request), actionBody(request, cycleNoticeSchema))),
  );

  app.get('/cycles/:cycle/bulletins', async (request) => {
    const bulletins = await desk.bulletins(cycleParam(request));
    return {
      bulletins: bulletins.map((b) => ({
        period: b.period.key,
        label: b.period.label,
        issuedAt: b.issuedAt,
        units: b.totals.units,
        onTimeRate: b.totals.onTimeRate,
        praised: b.praised,
        criticized: b.criticized,
      })),
    };
  });

  app.get('/cycles/:cycle/bulletins/:period', async (request) =>
    desk.bulletin(cycleParam(request), periodParam(request)),
  );

  app.get('/cycles/:cycle/bulletins/:period/xlsx', async (request, reply) => {
    const bulletin = await desk.bulletin(cycleParam(request), periodParam(request));
    const name = `${bulletin.cycleTitle}${bulletin.period.label}督查通报.xlsx`;
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', contentDisposition('attachment', name))
      .header('x-content-type-options', 'nosniff')
      .send(await bulletinToXlsx(bulletin));
  });

  app.get('/escalations', async (request) => {
    const visible = cyclesOf(request) ?? (await desk.list()).map((c) => c.cycleId);
    return { items: await desk.escalations(visible) };
  });
};

/** The view without the calendar slice, as every answer here gives it. */
const viewOf = (view: CycleView) => withoutCalendar(view);

/**
 * The office acting: the signed-in coordinator's, never one a body or a query names; before sign-in (and for a
 * script's call without an account), the `by` it gives.
 */
function officeOf(request: FastifyRequest, given: string | undefined): string {
  const office = request.account?.office ?? given;
  if (request.account?.office && given && given !== request.account.office) {
    throw new AppError(
      'FORBIDDEN',
      `您的账号属于「${request.account.office}」，不能以「${given}」的名义发布；去掉 ?by=，或用「${given}」的账号登录`,
    );
  }
  if (!office) {
    throw new AppError(
      'INVALID_PAYLOAD',
      '请写明发布并督办这个周期的单位：?by=市政府督查室（登录后取登录账号的督办单位）',
    );
  }
  return office;
}

/**
 * A body as the CLI's (`{by, reason}`, `{by}`, `{by, subject, body}`); without `by`, the signed-in office's. A `by`
 * naming another office is refused where the actor is decided (api/caller.ts), as on the assignments' routes.
 */
function actionBody<S extends z.ZodType>(request: FastifyRequest, schema: S): z.infer<S> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const office = request.account?.office;
  return parsed(schema, typeof body === 'object' ? { ...(office && { by: office }), ...body } : body, '请求体');
}

function parsed<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value, { error: z.locales.zhCN().localeError });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new AppError('INVALID_PAYLOAD', `${what}有误：${issue.path.join('.') || what}：${issue.message}`);
}

function cycleParam(request: FastifyRequest): string {
  const { cycle } = request.params as { cycle: string };
  if (!CYCLE_ID.test(cycle)) {
    throw new AppError('UNKNOWN_CYCLE', `没有名为 ${cycle.slice(0, 80)} 的督办周期；周期名称只含文字、数字和 . _ -`);
  }
  return cycle;
}

function periodParam(request: FastifyRequest): string {
  const { period } = request.params as { period: string };
  if (!/^[\w.-]{1,32}$/.test(period)) {
    throw new AppError('UNKNOWN_PERIOD', `报送周期 ${period.slice(0, 40)} 有误：应写作 2027-Q1、2027-06 或 2027-H1`);
  }
  return period;
}

function fileName(header: string | string[] | undefined): string {
  const how =
    '请在 X-File-Name 头中给出任务分解表的文件名，按 UTF-8 百分号编码（如 encodeURIComponent("任务分解表.xlsx")）';
  if (typeof header !== 'string' || header.trim() === '') throw new AppError('INVALID_TABLE', `缺少文件名；${how}`);
  try {
    return decodeURIComponent(header).trim();
  } catch {
    throw new AppError('INVALID_TABLE', `文件名的百分号编码有误；${how}`);
  }
}

function tableTooLarge(declared?: number): AppError {
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    `任务分解表${declared ? `（${declared} 字节）` : ''}超过 ${TABLE_MAX_BYTES / 1024 / 1024} MB 上限；` +
      '请只上传任务分解表本身（duban plan parse 输出的 .csv 或 .xlsx）',
  );
}

/** 422 with every problem of the table, each naming the item, its row and the fix; nothing was started. */
function launchRefused(reply: FastifyReply, requestId: string, error: LaunchRefused) {
  return reply.code(422).type('application/problem+json').send({
    status: 422,
    code: 'INVALID_TABLE',
    title: '任务分解表有误',
    detail: error.message,
    problems: error.problems,
    requestId,
  });
}
