/**
 * The auditor's questions over HTTP, answered as `duban audit timeline|as-of|verify` answers them (the same functions,
 * infra/audit-read.ts and infra/audit-verify.ts), as JSON: an item's timeline, its state at a past moment, whether its
 * record can be trusted; and a search over the items to find one. Reads only: nothing here changes a record.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { isCalendarDate } from '../domain/calendar';
import { AuditError } from '../domain/audit/errors';
import { parseAuditTime } from '../domain/audit/time';
import { asOfOf, timelineOf } from '../infra/audit-read';
import { verdictSentence, type AuditVerifier, type StreamVerdict } from '../infra/audit-verify';
import { SEARCH_LIMITS, searchItems, type SearchPage } from '../read-models/unit-items';
import type { RouteDoc } from './openapi';
import { AppError, type AppErrorCode } from './errors';

export interface AuditRouteOptions {
  pool: Pool;
  /** Verification needs Temporal (the workflow histories); without it /verify answers 503. */
  verifier?: AuditVerifier;
  now?: () => Date;
}

/** The addresses served here, for the API's answer to other methods (405 with Allow) and the authorization table. */
export const AUDIT_ROUTES = [
  { method: 'GET', url: '/assignments/:id/timeline' },
  { method: 'GET', url: '/assignments/:id/as-of' },
  { method: 'GET', url: '/assignments/:id/verify' },
  { method: 'GET', url: '/search' },
] as const;

const idParams = z.object({ id: z.string().min(1).describe('督办事项编号（时间线也接受任务编号：计划:任务编号）') });
const searchQuery = z.object({
  q: z.string().describe('任务编号、标题中的词或牵头单位，空格分隔的每个词都须匹配'),
  page: z.string().optional().describe('第几页，从 1 起'),
  pageSize: z.string().optional().describe(`每页条数，最多 ${SEARCH_LIMITS.maxPageSize}`),
});

/** The routes' descriptions for the OpenAPI document (api/openapi.ts RouteDoc). */
export const AUDIT_DOCS: RouteDoc[] = [
  {
    method: 'GET',
    url: '/assignments/:id/timeline',
    summary: '时间线：每条事件的时间、办理方（及其账号）、理由、经过，以及为它发出的通知和投递结果',
    tags: ['审计'],
    params: idParams,
    responses: { 200: { description: '与 duban audit timeline --format json 相同' } },
    problems: ['UNKNOWN_TASK'],
  },
  {
    method: 'GET',
    url: '/assignments/:id/as-of',
    summary: '某一时刻的状态：按当时已存的事件重演',
    tags: ['审计'],
    params: idParams,
    query: z.object({
      at: z.string().describe('北京时间 2027-06-30 18:00、日期 2027-06-30（当日 24:00）或带时区的 ISO 时间'),
    }),
    responses: { 200: { description: '与 duban audit as-of --json 相同' } },
    problems: ['UNKNOWN_ASSIGNMENT', 'INVALID_TIME', 'AS_OF_BEFORE_ASSIGNMENT', 'AS_OF_IN_FUTURE'],
  },
  {
    method: 'GET',
    url: '/assignments/:id/verify',
    summary: '核验：哈希链、与 Temporal 历史比对、用当前代码重放；另附一句结论',
    tags: ['审计'],
    params: idParams,
    responses: { 200: { description: '与 duban audit verify --json 相同，另有 sentence' } },
    problems: ['UNKNOWN_ASSIGNMENT', 'SERVER_UNREACHABLE'],
  },
  {
    method: 'GET',
    url: '/search',
    summary: '查找督办事项：按任务编号、标题中的词或牵头单位，分页',
    tags: ['审计'],
    query: searchQuery,
    responses: { 200: { description: '{ query, page, pageSize, total, items }' } },
    problems: ['INVALID_PAYLOAD'],
  },
];

/** The audit's refusals the API answers with the same code (its table in api/errors.ts gives their status). */
const AUDIT_CODES = new Set([
  'UNKNOWN_TASK',
  'UNKNOWN_ASSIGNMENT',
  'UNKNOWN_CYCLE',
  'INVALID_TIME',
  'AS_OF_BEFORE_ASSIGNMENT',
  'AS_OF_IN_FUTURE',
] as const satisfies readonly AppErrorCode[]);

/** An audit refusal in the API's terms: the same code, the same Chinese message. */
export async function auditing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AuditError && (AUDIT_CODES as Set<string>).has(error.code)) {
      throw new AppError(error.code as AppErrorCode, error.message);
    }
    throw error;
  }
}

/**
 * The moment an auditor names (domain/audit/time.ts): a date alone means the end of that day, so today's date means
 * "today so far" — now — rather than a moment not yet come.
 */
export function asOfMoment(text: string, now: Date): Date {
  const moment = parseAuditTime(text);
  return isCalendarDate(text.trim()) && moment.getTime() > now.getTime() ? now : moment;
}

/** A verdict with its one sentence, as the page and the API show it. */
export type VerdictAnswer = StreamVerdict & { sentence: string };

export async function verifyAnswer(verifier: AuditVerifier | undefined, id: string): Promise<VerdictAnswer> {
  if (!verifier) {
    throw new AppError('SERVER_UNREACHABLE', '本服务未连接 Temporal，不能核验工作流历史；请用 duban audit verify 核验');
  }
  const verdict = await auditing(() => verifier.verify(id));
  return { ...verdict, sentence: verdictSentence(verdict) };
}

/** `q`, `page` and `pageSize` checked against the search's bounds, with what to change when they are not. */
export function searchRequest(query: unknown): { words: string[]; page: number; pageSize: number; q: string } {
  const { q, page, pageSize } = (query ?? {}) as Record<string, unknown>;
  const text = typeof q === 'string' ? q.trim() : '';
  if (text === '') throw new AppError('INVALID_PAYLOAD', '请给出要查找的内容：?q=任务编号、标题中的词或牵头单位');
  const words = [...new Set(text.split(/\s+/))];
  if (words.length > SEARCH_LIMITS.words || words.some((w) => w.length > SEARCH_LIMITS.wordLength)) {
    throw new AppError(
      'INVALID_PAYLOAD',
      `查找内容过长：最多 ${SEARCH_LIMITS.words} 个词，每个词最多 ${SEARCH_LIMITS.wordLength} 个字符`,
    );
  }
  const number = (value: unknown, name: string, fallback: number, max: number) => {
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new AppError(
        'INVALID_PAYLOAD',
        `${name} 应为 1 到 ${max} 之间的整数，而不是「${String(value).slice(0, 20)}」`,
      );
    }
    return n;
  };
  return {
    q: text,
    words,
    page: number(page, 'page', 1, SEARCH_LIMITS.maxPages),
    pageSize: number(pageSize, 'pageSize', SEARCH_LIMITS.pageSize, SEARCH_LIMITS.maxPageSize),
  };
}

export async function search(pool: Pool, query: unknown): Promise<SearchPage> {
  const { q, words, page, pageSize } = searchRequest(query);
  const { total, items } = await searchItems(pool, words, page, pageSize);
  return { query: q, page, pageSize, total, items };
}

export const auditRoutes: FastifyPluginAsync<AuditRouteOptions> = async (scope, { pool, verifier, now }) => {
  const clock = now ?? (() => new Date());
  const idOf = (params: unknown) => (params as { id: string }).id;

  scope.get('/assignments/:id/timeline', async (request) => auditing(() => timelineOf(pool, idOf(request.params))));

  scope.get('/assignments/:id/as-of', async (request) => {
    const { at } = (request.query ?? {}) as { at?: unknown };
    if (typeof at !== 'string' || at.trim() === '') {
      throw new AppError('INVALID_PAYLOAD', '请给出时刻：?at=2027-06-30 18:00（北京时间）、?at=2027-06-30 或 ISO 时间');
    }
    return auditing(async () => asOfOf(pool, idOf(request.params), asOfMoment(at, clock()), clock()));
  });

  scope.get('/assignments/:id/verify', async (request) => verifyAnswer(verifier, idOf(request.params)));

  scope.get('/search', async (request) => search(pool, request.query));
};
