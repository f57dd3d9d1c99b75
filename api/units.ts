/**
 * The unit directory over HTTP: `GET /units` (the directory with secrets masked, and the units nobody would hear
 * from), `PUT /units` (a new directory, replacing the stored one whole, as `duban units import` does). The body is the
 * coordinator's CSV (`Content-Type: text/csv`) or JSON `{units: [...]}`; both pass the same checks as the file, and a
 * directory with any problem answers 422 with every problem (row, column, code, fix) and stores nothing.
 *
 * In their own Fastify scope: only here is a CSV body read, and a directory may be larger than the API's 64 KB.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { parseCsv } from '../cli/csv';
import { unitsWithoutChannel } from '../domain/notify/contacts';
import {
  DirectoryTableError,
  UnitDirectory,
  directoryToRows,
  maskContacts,
  noContacts,
  readDirectoryTable,
  type DirectoryUnit,
} from '../domain/units';
import { loadDirectory, replaceDirectory } from '../infra/unit-store';
import { DIRECTORY_COLUMNS } from '../domain/units/directory-table';
import { AppError } from './errors';
import { component, problemSchema, type RouteDoc } from './openapi';

export interface UnitRouteOptions {
  pool: Pool;
  /** WEBHOOK_FORBID_PRIVATE: webhooks into the internal network are refused. */
  forbidPrivate: boolean;
}

/** The addresses served here, for the API's answer to other methods (405 with Allow). */
export const UNIT_ROUTES = [
  { method: 'GET', url: '/units' },
  { method: 'PUT', url: '/units' },
] as const;

/** Hundreds of offices with their robots' URLs: far above any real directory, far below what would hurt. */
export const DIRECTORY_BODY_LIMIT = 2 * 1024 * 1024;

const person = z.strictObject({ name: z.string(), email: z.string().optional() });
const webhook = z.strictObject({
  kind: z.enum(['json', 'dingtalk', 'wecom']),
  url: z.string(),
  secret: z.string().optional(),
});
const contacts = z.strictObject({
  head: person.optional(),
  liaisons: z.array(person).default([]),
  webhooks: z.array(webhook).default([]),
  digest: z.boolean().default(false),
});
const unitsBody = z.strictObject({
  units: z
    .array(
      z.strictObject({
        name: z.string(),
        aliases: z.array(z.string()).default([]),
        groups: z.array(z.string()).default([]),
        contacts: contacts.optional(),
      }),
    )
    .max(10_000),
});

const directoryDiff = z.object({
  units: z.number().int().describe('名录中的单位数'),
  groups: z.number().int().describe('分组数'),
  added: z.array(z.string()),
  changed: z.array(z.string()),
  removed: z.array(z.string()),
  unchanged: z.number().int(),
  withoutChannel: z.array(z.string()).describe('无人可收通知的单位：既无邮箱也无机器人'),
});

/** A directory refused: every problem, by row (and, for JSON, by index in `units`). */
const directoryProblems = component(
  'DirectoryProblems',
  problemSchema.extend({
    code: z.literal('INVALID_DIRECTORY'),
    problems: z.array(
      z.object({
        row: z.number().int().describe('表格中的行号（第 1 行为表头）'),
        index: z.number().int().optional().describe('JSON 请求中 units 数组的下标'),
        column: z.string().optional(),
        code: z.string(),
        message: z.string(),
      }),
    ),
  }),
);

export const UNIT_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'GET',
    url: '/units',
    summary: '单位名录：各单位的别名、分组和联系人（密钥已遮盖），以及无人可收通知的单位',
    tags: ['单位'],
    responses: {
      200: {
        description: '单位名录',
        schema: z.object({
          units: z.array(
            z.looseObject({ name: z.string(), aliases: z.array(z.string()), groups: z.array(z.string()) }),
          ),
          withoutChannel: z.array(z.string()),
        }),
      },
    },
    problems: ['SERVER_UNREACHABLE'],
  },
  {
    method: 'PUT',
    url: '/units',
    summary: '替换整个单位名录（与 duban units import 相同）',
    description:
      `请求体为表格（Content-Type: text/csv，首行列名：${DIRECTORY_COLUMNS.join('、')}及联系人各列）或 JSON ` +
      '{"units": [...]}；两者经过同样的检查，有任何问题时答复 422 并列出每处问题，不保存任何内容。' +
      'GET /units 答复中遮盖的密钥原样发回表示沿用已保存的密钥。',
    tags: ['单位'],
    body: unitsBody,
    bodyType: ['json', 'csv'],
    bodyLimit: DIRECTORY_BODY_LIMIT,
    example: {
      units: [
        {
          name: '市市场监管局',
          aliases: ['市场监管局'],
          groups: ['市直单位'],
          contacts: { liaisons: [{ name: '张伟', email: 'zhangwei@example.gov.cn' }] },
        },
      ],
    },
    responses: {
      200: { description: '已保存：与原名录相比增加、变更、删除的单位', schema: directoryDiff },
      422: {
        description: 'INVALID_DIRECTORY（单位名录有误）：每处问题的行、列、错误码和改正方法',
        schema: directoryProblems,
        contentType: 'application/problem+json',
      },
    },
    problems: ['SERVER_UNREACHABLE'],
  },
];

export const unitRoutes: FastifyPluginAsync<UnitRouteOptions> = async (scope, { pool, forbidPrivate }) => {
  scope.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  scope.get('/units', async () => {
    const units = await loadDirectory(pool);
    return {
      units: units.map((u) => ({ ...u, contacts: maskContacts(u.contacts) })),
      withoutChannel: unitsWithoutChannel(
        units,
        units.map((u) => u.name),
      ),
    };
  });

  scope.put('/units', { bodyLimit: DIRECTORY_BODY_LIMIT }, async (request, reply) => {
    const fromJson = typeof request.body !== 'string';
    const rows = fromJson ? jsonRows(request.body) : parseCsv(request.body as string);
    let units: DirectoryUnit[];
    try {
      // A masked secret sent back as GET /units showed it stands for the stored one (see readDirectoryTable).
      units = readDirectoryTable(rows, { forbidPrivate, stored: await loadDirectory(pool) });
    } catch (error) {
      if (!(error instanceof DirectoryTableError)) throw error;
      return reply
        .code(422)
        .type('application/problem+json')
        .send({
          status: 422,
          code: 'INVALID_DIRECTORY',
          title: '单位名录有误',
          detail: error.message,
          // For JSON, row n is units[n - 2] (row 1 being the header the file would have).
          problems: error.problems.map((p) => (fromJson && p.row >= 2 ? { ...p, index: p.row - 2 } : p)),
          requestId: request.id,
        });
    }
    const diff = await replaceDirectory(pool, units);
    return {
      units: units.length,
      groups: new UnitDirectory(units).groups().length,
      ...diff,
      withoutChannel: unitsWithoutChannel(
        units,
        units.map((u) => u.name),
      ),
    };
  });
};

/**
 * A JSON directory as the rows of a file, so it passes exactly the file's checks: the same problems, the same codes,
 * the same fixes.
 */
function jsonRows(body: unknown): string[][] {
  const parsed = unitsBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError(
      'INVALID_PAYLOAD',
      `单位名录应为 {"units": [{"name", "aliases", "groups", "contacts"}…]}，或以 Content-Type: text/csv 发送表格；` +
        `${issue.path.join('.') || '请求体'}：${issue.message}`,
    );
  }
  return directoryToRows(parsed.data.units.map((u) => ({ ...u, contacts: u.contacts ?? noContacts() })));
}
