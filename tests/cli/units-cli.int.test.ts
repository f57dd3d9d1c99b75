/**
 * `duban units import` and `duban units list` on the real PostgreSQL of the local stack, in-process through
 * cli/main.ts's `main`: an import replaces the directory and says what it added, changed and removed; a refused
 * file changes nothing; listing by group accepts the forms plans write. The directory is one per database, so the
 * test keeps the one it found and puts it back at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Pool } from 'pg';
import { noContacts, type DirectoryUnit } from '../../domain/units';
import { loadDirectory, replaceDirectory } from '../../infra/unit-store';
import { dubanIn } from '../support/duban-cli';
import { connectPostgres } from '../support/stack';

jest.setTimeout(60_000);

let dir: string;
let pool: Pool;
let saved: DirectoryUnit[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-units-'));
  pool = await connectPostgres();
  saved = await loadDirectory(pool);
  await pool.query('DELETE FROM units');
});
afterAll(async () => {
  await pool.query('DELETE FROM units');
  if (saved.length > 0) await replaceDirectory(pool, saved);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

const duban = dubanIn(() => dir);

const FIRST = `单位,别名,所属分组
鄂城区人民政府,鄂城区,各区人民政府
华容区人民政府,华容区,各区人民政府
梁子湖区人民政府,梁子湖区,各区人民政府
市质量技术监督局,市质监局,市质强委成员单位
市工商局,,市质强委成员单位
市政府办公室,,
`;

test('an import stores the directory and says what it added; list shows it, whole or by group', async () => {
  writeFileSync(path.join(dir, 'units.csv'), FIRST);
  expect(await duban('units', 'import', 'units.csv')).toEqual({
    code: 0,
    stdout:
      '单位名录已导入：6 个单位、2 个分组；新增 6，变更 0，删除 0，未变 0\n' +
      '  新增：鄂城区人民政府、华容区人民政府、梁子湖区人民政府、市质量技术监督局、市工商局、市政府办公室\n',
    stderr:
      '注意：名录中的 6 个单位都没有通知渠道，通知只在系统收件箱中可见；' +
      '要发邮件或群消息，在名录中补上联络员和联络员邮箱，或钉钉、企业微信机器人、Webhook 地址，再导入\n',
  });
  expect((await duban('units', 'list')).stdout).toBe(
    '单位名录：6 个单位、2 个分组\n' +
      '鄂城区人民政府  又作：鄂城区  分组：各区人民政府\n' +
      '华容区人民政府  又作：华容区  分组：各区人民政府\n' +
      '梁子湖区人民政府  又作：梁子湖区  分组：各区人民政府\n' +
      '市质量技术监督局  又作：市质监局  分组：市质强委成员单位\n' +
      '市工商局  分组：市质强委成员单位\n' +
      '市政府办公室\n',
  );
  expect((await duban('units', 'list', '--group', '各区')).stdout).toBe(
    '分组“各区人民政府”（按“各区”匹配）：3 个单位\n' +
      '鄂城区人民政府  又作：鄂城区  分组：各区人民政府\n' +
      '华容区人民政府  又作：华容区  分组：各区人民政府\n' +
      '梁子湖区人民政府  又作：梁子湖区  分组：各区人民政府\n',
  );
  const csv = await duban('units', 'list', '--group', '市质强委相关成员单位', '--format', 'csv');
  expect(csv.stdout).toBe(
    '\uFEFF单位,别名,所属分组\r\n市质量技术监督局,市质监局,市质强委成员单位\r\n市工商局,,市质强委成员单位\r\n',
  );
  const unknown = await duban('units', 'list', '--group', '各县级市');
  expect(unknown).toMatchObject({ code: 2, stdout: '' });
  expect(unknown.stderr).toBe(
    'duban：单位名录中没有分组“各县级市”；已有分组：各区人民政府、市质强委成员单位。' +
      '在名录文件的“所属分组”列写上它，再运行 duban units import\n',
  );
});

test('a second import replaces the directory: added, changed, removed, and unchanged units keep their time', async () => {
  writeFileSync(path.join(dir, 'units.csv'), FIRST);
  await duban('units', 'import', 'units.csv');
  const stamp = async (name: string) =>
    (await pool.query<{ t: Date }>('SELECT updated_at AS t FROM units WHERE name = $1', [name])).rows[0]?.t;
  const [kept, changed] = [await stamp('鄂城区人民政府'), await stamp('市质量技术监督局')];
  writeFileSync(
    path.join(dir, 'units-2.csv'),
    FIRST.replace('市工商局,,市质强委成员单位', '市市场监管局,市工商局,市质强委成员单位')
      .replace('市质量技术监督局,市质监局,', '市质量技术监督局,市质监局、市質監局,')
      .replace('市政府办公室,,\n', ''),
  );
  expect((await duban('units', 'import', 'units-2.csv')).stdout).toBe(
    '单位名录已导入：5 个单位、2 个分组；新增 1，变更 1，删除 2，未变 3\n' +
      '  新增：市市场监管局\n' +
      '  变更：市质量技术监督局\n' +
      '  删除：市工商局、市政府办公室\n',
  );
  expect(await stamp('鄂城区人民政府')).toEqual(kept);
  expect((await stamp('市质量技术监督局'))!.getTime()).toBeGreaterThan(changed!.getTime());
  expect((await loadDirectory(pool)).map((u) => u.name)).toEqual([
    '鄂城区人民政府',
    '华容区人民政府',
    '梁子湖区人民政府',
    '市质量技术监督局',
    '市市场监管局',
  ]);
  expect(await duban('units', 'import', 'units-2.csv')).toMatchObject({
    stdout: '单位名录已导入：5 个单位、2 个分组；新增 0，变更 0，删除 0，未变 5\n',
  });
});

test('a refused file changes nothing in the stored directory', async () => {
  writeFileSync(path.join(dir, 'units.csv'), FIRST);
  await duban('units', 'import', 'units.csv');
  const stored = await loadDirectory(pool);
  writeFileSync(path.join(dir, 'bad.csv'), `${FIRST}市政府办公室,市质监局,\n`);
  const r = await duban('units', 'import', 'bad.csv');
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('第8行：单位“市政府办公室”重复出现');
  expect(r.stderr).toContain('第8行：别名“市质监局”已用于“市质量技术监督局”');
  expect(await loadDirectory(pool)).toEqual(stored);
});

test('an XLSX workbook imports like the CSV (sheet 单位名录, else the first sheet)', async () => {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('说明').addRow(['本工作簿第二张表是单位名录']);
  const ws = wb.addWorksheet('单位名录');
  for (const line of FIRST.trim().split('\n')) ws.addRow(line.split(','));
  await wb.xlsx.writeFile(path.join(dir, 'units.xlsx'));
  await pool.query('DELETE FROM units');
  expect((await duban('units', 'import', 'units.xlsx')).stdout).toMatch(
    /^单位名录已导入：6 个单位、2 个分组；新增 6，/,
  );
  expect(await loadDirectory(pool)).toContainEqual({
    name: '市质量技术监督局',
    aliases: ['市质监局'],
    groups: ['市质强委成员单位'],
    contacts: noContacts(),
  });
});

test('contacts: stored with the directory, listed with secrets masked, exported whole with --with-secrets', async () => {
  const ding = 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef';
  writeFileSync(
    path.join(dir, 'contacts.csv'),
    '单位,联络员,联络员邮箱,钉钉机器人,钉钉加签密钥,接收方式\n' +
      `市质监局,张三,zhangsan@zhijian.gov.cn,${ding},SECabcdef123456,每日汇总\n` +
      '市工商局,,,,,\n市政府督查室,孙八,dcs@gov.cn,,,\n',
  );
  await pool.query('DELETE FROM units');
  const imported = await duban('units', 'import', 'contacts.csv');
  expect(imported.code).toBe(0);
  expect(imported.stderr).toBe(
    '注意：1 个单位没有通知渠道，通知只在系统收件箱中可见：市工商局；' +
      '要发邮件或群消息，在名录中补上联络员和联络员邮箱，或钉钉、企业微信机器人、Webhook 地址，再导入\n',
  );
  const [zhijian] = await loadDirectory(pool);
  expect(zhijian!.contacts).toEqual({
    liaisons: [{ name: '张三', email: 'zhangsan@zhijian.gov.cn' }],
    webhooks: [{ kind: 'dingtalk', url: ding, secret: 'SECabcdef123456' }],
    digest: true,
  });
  const list = await duban('units', 'list');
  expect(list.stdout).toContain(
    '市质监局  联络员：张三 <zhangsan@zhijian.gov.cn>  ' +
      '钉钉：https://oapi.dingtalk.com/robot/send?access_token=012****ef（密钥 SEC****56）  接收方式：每日汇总\n',
  );
  expect(list.stdout).not.toContain('SECabcdef123456');
  const masked = await duban('units', 'list', '--format', 'csv');
  expect(masked.stdout).not.toContain('SECabcdef123456');
  // A masked listing imported back stands for the stored secrets: no change.
  writeFileSync(path.join(dir, 'masked.csv'), masked.stdout);
  expect((await duban('units', 'import', 'masked.csv')).stdout).toContain('未变 3');
  expect((await loadDirectory(pool))[0]!.contacts.webhooks[0]!.secret).toBe('SECabcdef123456');

  // The full export imports back to the same directory: no change.
  const full = await duban('units', 'list', '--format', 'csv', '--with-secrets');
  writeFileSync(path.join(dir, 'exported.csv'), full.stdout);
  expect((await duban('units', 'import', 'exported.csv')).stdout).toBe(
    '单位名录已导入：3 个单位、0 个分组；新增 0，变更 0，删除 0，未变 3\n',
  );
  // A contact change is a change.
  writeFileSync(path.join(dir, 'changed.csv'), full.stdout.replace('每日汇总', '逐条'));
  expect((await duban('units', 'import', 'changed.csv')).stdout).toContain('变更 1');
});
