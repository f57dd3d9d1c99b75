/**
 * `duban users …` and `duban token …` on the real PostgreSQL, in-process through cli/main.ts's `main` (and once as
 * its own process, to read a piped password as a shell would give it): accounts made with a piped or generated
 * password that then verifies, refusals that name the fix and store nothing, disable/enable, a new password, cycles
 * granted, and a token printed alone on stdout that the API's verification accepts until it is revoked.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import type { DirectoryUnit } from '../../domain/units';
import { findAccount, findForSignIn } from '../../infra/account-store';
import { verifyPassword } from '../../infra/auth/passwords';
import { loadAuthSecret } from '../../infra/auth/secret';
import { verifyToken } from '../../infra/auth/tokens';
import { loadDirectory, replaceDirectory } from '../../infra/unit-store';
import { dubanIn, dubanPiped } from '../support/duban-cli';
import { connectPostgres, ROOT, uniqueId } from '../support/stack';

jest.setTimeout(90_000);

let dir: string;
let pool: Pool;
let saved: DirectoryUnit[];
const duban = dubanIn(() => dir);
const piped = dubanPiped(() => dir);
const PASSWORD = '联络员的密码-liaison-2027';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-users-'));
  pool = await connectPostgres();
  saved = await loadDirectory(pool);
  await replaceDirectory(pool, [
    {
      name: '市质量技术监督局',
      aliases: ['市质监局'],
      groups: [],
      contacts: { liaisons: [], webhooks: [], digest: false },
    },
  ]);
});
afterAll(async () => {
  await pool.query('DELETE FROM units');
  if (saved.length > 0) await replaceDirectory(pool, saved);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

const passwordOf = async (id: string) => (await findForSignIn(pool, id))!.passwordHash;

test('users add with a piped password: the unit as the directory names it, listed, and the password verifies', async () => {
  const id = uniqueId('zhang.wei');
  const added = await piped(
    `${PASSWORD}\n`,
    'users',
    'add',
    id,
    '--role',
    'unit-member',
    '--name',
    '张伟',
    '--unit',
    '市质监局',
    '--password-stdin',
  );
  expect(added).toEqual({ code: 0, stdout: `已新建账号 ${id}（张伟，单位联络员，市质量技术监督局）\n`, stderr: '' });
  expect(await verifyPassword(PASSWORD, await passwordOf(id))).toBe(true);
  const list = await duban('users', 'list');
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/^账号：\d+ 个/);
  expect(list.stdout).toContain(`${id}  张伟  单位联络员（unit-member）  单位：市质量技术监督局\n`);
});

test('users add --generate-password shows the password once; a coordinator gets office and cycles', async () => {
  const id = uniqueId('wang');
  const added = await duban(
    'users',
    'add',
    id,
    '--role',
    'coordinator',
    '--name',
    '王督查',
    '--office',
    '市政府督查室',
    '--cycle',
    'ezhou-2017',
    '--cycle',
    'ezhou-2018',
    '--generate-password',
  );
  expect(added.code).toBe(0);
  const [first, cycles, secret] = added.stdout.split('\n');
  expect(first).toBe(`已新建账号 ${id}（王督查，督办人员，市政府督查室）`);
  expect(cycles).toBe('  督办周期：ezhou-2017、ezhou-2018');
  const password = /^初始密码（只显示这一次，请当面或经可信渠道交给本人）：([A-Za-z0-9]{16})$/.exec(secret!)![1]!;
  expect(await verifyPassword(password, await passwordOf(id))).toBe(true);
  expect((await findAccount(pool, id))!.cycles).toEqual(['ezhou-2017', 'ezhou-2018']);
});

test('refusals name the fix and store nothing', async () => {
  const id = uniqueId('refused');
  const add = (...args: string[]) => piped(PASSWORD, 'users', 'add', id, '--name', '某人', '--password-stdin', ...args);
  const cases: Array<[string[], RegExp]> = [
    [
      ['--role', 'boss'],
      /角色应为 admin（系统管理员）、coordinator（督办人员）、unit-head（单位负责人）、unit-member（单位联络员）、auditor（审计人员） 之一 \[INVALID_ACCOUNT\]/,
    ],
    [['--role', 'unit-head'], /单位负责人须写明所在单位（--unit 单位名称）/],
    [['--role', 'coordinator'], /督办人员须写明所在督办单位（--office 督办单位，如 市政府督查室）/],
    [['--role', 'auditor', '--unit', '市质监局'], /审计人员不属于某个单位/],
    [['--role', 'unit-member', '--unit', '市教育局'], /单位名录中没有单位“市教育局”：请写名录中的单位名称或别名/],
  ];
  for (const [args, message] of cases) {
    const run = await add(...args);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
  }
  const badId = await piped(
    PASSWORD,
    'users',
    'add',
    '张伟',
    '--role',
    'auditor',
    '--name',
    '张伟',
    '--password-stdin',
  );
  expect(badId.stderr).toMatch(/账号只能由字母、数字和 \. _ - 组成/);
  const short = await piped('short', 'users', 'add', id, '--role', 'auditor', '--name', '某人', '--password-stdin');
  expect(short.stderr).toMatch(/密码太短：至少 10 个字符（现有 5 个）.*\[PASSWORD_REFUSED\]/);
  const none = await duban('users', 'add', id, '--role', 'auditor', '--name', '某人');
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/^duban：请给出密码：从标准输入读入/);
  expect(await findAccount(pool, id)).toBeUndefined();

  expect(
    (await piped(PASSWORD, 'users', 'add', id, '--role', 'auditor', '--name', '某人', '--password-stdin')).code,
  ).toBe(0);
  const again = await piped(PASSWORD, 'users', 'add', id, '--role', 'admin', '--name', '别人', '--password-stdin');
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/账号 .* 已存在；换一个账号名，或用 duban users list 查看已有账号 \[ACCOUNT_EXISTS\]/);
  expect((await findAccount(pool, id))!.role).toBe('auditor');
});

test('disable, enable, a new password, cycles granted and taken back', async () => {
  const id = uniqueId('li');
  await piped(
    PASSWORD,
    'users',
    'add',
    id,
    '--role',
    'coordinator',
    '--name',
    '李',
    '--office',
    '市政府督查室',
    '--password-stdin',
  );
  expect((await duban('users', 'disable', id)).stdout).toBe(`已停用账号 ${id}：其登录与令牌即刻失效\n`);
  expect((await duban('users', 'disable', id)).stdout).toBe(`账号 ${id} 本已停用\n`);
  expect((await duban('users', 'list')).stdout).toMatch(
    new RegExp(
      `${id}  李  督办人员（coordinator）  督办单位：市政府督查室  督办周期：（无）  已停用（\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d）\\n`,
    ),
  );
  expect((await duban('users', 'enable', id)).stdout).toBe(`已启用账号 ${id}：可用原密码登录\n`);
  expect((await findAccount(pool, id))!.disabledAt).toBeUndefined();

  const changed = await piped('新的密码-new-password', 'users', 'password', id);
  expect(changed).toEqual({ code: 0, stdout: `已为账号 ${id} 设置新密码；其原有的登录和令牌均已失效\n`, stderr: '' });
  expect(await verifyPassword('新的密码-new-password', await passwordOf(id))).toBe(true);
  expect(await verifyPassword(PASSWORD, await passwordOf(id))).toBe(false);

  expect((await duban('users', 'grant', id, '--cycle', 'c-1', '--cycle', 'c-2')).stdout).toBe(
    `已授予账号 ${id} 督办周期：c-1、c-2\n`,
  );
  expect((await duban('users', 'ungrant', id, '--cycle', 'c-1')).stdout).toBe(`已收回账号 ${id} 督办周期：c-1\n`);
  expect((await findAccount(pool, id))!.cycles).toEqual(['c-2']);
  const unknown = await duban('users', 'disable', uniqueId('nobody'));
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(
    /没有账号 .*；用 duban users list 查看已有账号，或用 duban users add 新建 \[UNKNOWN_ACCOUNT\]/,
  );
});

test('token issue prints the token alone on stdout; the API accepts it until token revoke', async () => {
  const id = uniqueId('admin');
  await piped(PASSWORD, 'users', 'add', id, '--role', 'admin', '--name', '管理员', '--password-stdin');
  const issued = await duban('token', 'issue', id, '--minutes', '30');
  expect(issued.code).toBe(0);
  expect(issued.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  const jti = /令牌编号 ([0-9a-f]{32})，吊销：duban token revoke \1\n$/.exec(issued.stderr)![1]!;
  const secret = loadAuthSecret({ AUTH_SECRET_FILE: '.data/auth-secret' }, dir);
  const { account, claims } = await verifyToken(pool, secret, issued.stdout.trim());
  expect({ id: account.id, jti: claims.jti, minutes: (claims.exp - claims.iat) / 60 }).toEqual({
    id,
    jti,
    minutes: 30,
  });

  expect(await duban('token', 'revoke', jti)).toEqual({
    code: 0,
    stdout: `已吊销令牌 ${jti}（账号 ${id}）\n`,
    stderr: '',
  });
  await expect(verifyToken(pool, secret, issued.stdout.trim())).rejects.toThrow(/被吊销/);
  expect((await duban('token', 'issue', id, '--minutes', '2000')).stderr).toMatch(
    /--minutes 应为 1 到 1440 之间的整数/,
  );
});

test('as its own process, a password piped to `duban users add` is read from standard input', () => {
  const id = uniqueId('piped');
  const run = spawnSync('npx', ['--no-install', 'duban', 'users', 'add', id, '--role', 'auditor', '--name', '审计员'], {
    cwd: ROOT,
    input: `${PASSWORD}\n`,
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  expect(run.stdout).toBe(`已新建账号 ${id}（审计员，审计人员）\n`);
});
