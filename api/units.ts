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
import { AppError } from './errors';

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
