/**
 * The unit directory over HTTP on the real PostgreSQL: PUT /units with the coordinator's CSV or with JSON replaces it
 * after the file's own checks (422 with every problem, nothing stored), GET /units shows it with secrets masked and
 * names the units nobody would hear from. The directory is one per database: the test puts back the one it found.
 * The directory is the admin's to change and the auditor's (among others) to read: each call is signed in as such.
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { AssignmentService } from '../../api/assignments';
import { buildApi } from '../../api/server';
import type { DirectoryUnit } from '../../domain/units';
import { loadDirectory, replaceDirectory } from '../../infra/unit-store';
import { jsonCaller } from '../support/http';
import { namedAccounts, type SignIn } from '../support/named-accounts';
import { connectPostgres, testLogger } from '../support/stack';

let pool: Pool;
let saved: DirectoryUnit[];
const apps: FastifyInstance[] = [];

async function api(forbidPrivateWebhooks = false): Promise<string> {
  const app = buildApi({ assignments: {} as AssignmentService, pool, logger: testLogger, forbidPrivateWebhooks });
  apps.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

let base: string;
let signIn: SignIn;
const call = jsonCaller(
  () => base,
  () => signIn,
);
/** A CSV upload, as an admin sends it (PUT /units is the admin's). */
const csvTo = async (at: string, text: string) => {
  const response = await fetch(`${at}/units`, {
    method: 'PUT',
    headers: { 'content-type': 'text/csv', ...(await signIn('PUT', '/units')) },
    body: text,
  });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
};
const putCsv = (text: string) => csvTo(base, text);

beforeAll(async () => {
  pool = await connectPostgres();
  signIn = namedAccounts(pool);
  saved = await loadDirectory(pool);
  await pool.query('DELETE FROM units');
  base = await api();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await pool.query('DELETE FROM units');
  if (saved.length > 0) await replaceDirectory(pool, saved);
  await pool.end();
});

const CSV =
  '单位,别名,联络员,联络员邮箱,钉钉机器人,钉钉加签密钥,接收方式\n' +
  '市质量技术监督局,市质监局,张三,zhangsan@zhijian.gov.cn,' +
  'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef,SECabcdef123456,每日汇总\n' +
  '市工商局,,,,,,\n';

test('PUT /units with the CSV replaces the directory; GET /units shows it with secrets masked', async () => {
  const put = await putCsv(CSV);
  expect(put).toEqual({
    status: 200,
    type: 'application/json; charset=utf-8',
    body: {
      units: 2,
      groups: 0,
      added: ['市质量技术监督局', '市工商局'],
      changed: [],
      removed: [],
      unchanged: 0,
      withoutChannel: ['市工商局'],
    },
  });
  const got = await call('GET', '/units');
  expect(got.status).toBe(200);
  expect(got.body).toEqual({
    units: [
      {
        name: '市质量技术监督局',
        aliases: ['市质监局'],
        groups: [],
        contacts: {
          liaisons: [{ name: '张三', email: 'zhangsan@zhijian.gov.cn' }],
          webhooks: [
            {
              kind: 'dingtalk',
              url: 'https://oapi.dingtalk.com/robot/send?access_token=012****ef',
              secret: 'SEC****56',
            },
          ],
          digest: true,
        },
      },
      { name: '市工商局', aliases: [], groups: [], contacts: { liaisons: [], webhooks: [], digest: false } },
    ],
    withoutChannel: ['市工商局'],
  });
  // The stored secret is the real one.
  const stored = await loadDirectory(pool);
  expect(stored[0]!.contacts.webhooks[0]!.secret).toBe('SECabcdef123456');

  // What GET showed, sent back with one change: the masked secret stands for the stored one.
  const edited = {
    units: got.body.units.map((u: DirectoryUnit) => (u.name === '市工商局' ? { ...u, aliases: ['工商局'] } : u)),
  };
  const back = await call('PUT', '/units', edited);
  expect(back.body).toMatchObject({ changed: ['市工商局'], unchanged: 1 });
  expect((await loadDirectory(pool))[0]!.contacts).toEqual(stored[0]!.contacts);
});

test('PUT /units with JSON passes the same checks: 422 with every problem and its unit, nothing stored', async () => {
  await putCsv(CSV);
  const before = await loadDirectory(pool);
  const refused = await call('PUT', '/units', {
    units: [
      { name: '市质量技术监督局', contacts: { liaisons: [{ name: '张三', email: 'zhangsan＃zhijian' }] } },
      { name: '市工商局', contacts: { webhooks: [{ kind: 'wecom', url: 'ftp://robot' }], digest: false } },
    ],
  });
  expect(refused.status).toBe(422);
  expect(refused.type).toBe('application/problem+json; charset=utf-8');
  expect(refused.body).toMatchObject({
    status: 422,
    code: 'INVALID_DIRECTORY',
    title: '单位名录有误',
    problems: [
      { row: 2, index: 0, column: '联络员邮箱', code: 'INVALID_EMAIL' },
      { row: 3, index: 1, column: '企业微信机器人', code: 'INVALID_URL' },
    ],
  });
  expect(await loadDirectory(pool)).toEqual(before);

  const ok = await call('PUT', '/units', {
    units: [{ name: '市质量技术监督局', aliases: ['市质监局'] }, { name: '市政府督查室' }],
  });
  expect(ok.body).toMatchObject({ added: ['市政府督查室'], changed: ['市质量技术监督局'], removed: ['市工商局'] });
});

test('a body that is no directory is refused with the shape expected; other methods are named', async () => {
  const bad = await call('PUT', '/units', { units: [{ name: '市质监局', contact: {} }] });
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe('INVALID_PAYLOAD');
  expect(bad.body.detail).toContain('或以 Content-Type: text/csv 发送表格');
  const del = await call('DELETE', '/units');
  expect(del.status).toBe(405);
  expect(del.headers.get('allow')).toBe('GET, PUT, HEAD');
});

test('with WEBHOOK_FORBID_PRIVATE, a webhook into the internal network is refused', async () => {
  const guarded = await api(true);
  const response = await csvTo(guarded, '单位,Webhook\n市质监局,http://10.0.0.5/hook\n');
  expect(response.status).toBe(422);
  const body = response.body as { problems: { code: string; message: string }[] };
  expect(body.problems).toEqual([
    expect.objectContaining({ code: 'INVALID_URL', message: expect.stringContaining('内网地址（RFC 1918）') }),
  ]);
});
