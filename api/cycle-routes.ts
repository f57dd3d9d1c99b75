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
import { CYCLE_ID, LaunchRefused, withoutCalendar, type CycleDesk } from './cycle-desk';
import type { CycleService } from './cycles';
import { AppError } from './errors';
import { contentDisposition, readRawBody } from './evidence';

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
  /** The launching office, until sign-in gives it: the signed-in coordinator's office always wins. */
  by: z.string().trim().min(1).max(64).optional(),
});

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
    viewOf(await cycles.resume(cycleParam(request), actionBody(request, cycleResumeSchema))),
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
  if (!office) {
    throw new AppError(
      'INVALID_PAYLOAD',
      '请写明发布并督办这个周期的单位：?by=市政府督查室（登录后取登录账号的督办单位）',
    );
  }
  return office;
}

/** A body as the CLI's (`{by, reason}`, `{by}`, `{by, subject, body}`), with the signed-in office as `by`. */
function actionBody<S extends z.ZodType>(request: FastifyRequest, schema: S): z.infer<S> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const office = request.account?.office;
  return parsed(schema, typeof body === 'object' ? { ...body, ...(office && { by: office }) } : body, '请求体');
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
