/**
 * `duban units import` refusing a file, in-process through cli/main.ts's `main`: every problem named by row and fix,
 * exit code 2, and — this tier forbids sockets — not one connection to PostgreSQL, so nothing can have been stored.
 * Importing and listing for real are in units-cli.int.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { dubanIn } from '../support/duban-cli';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-units-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const duban = dubanIn(() => dir);

describe('duban units import refuses a bad file before reaching the database', () => {
  it('a CSV with an unknown column and a unit twice: each named with its row and fix', async () => {
    writeFileSync(
      path.join(dir, 'bad.csv'),
      '\uFEFF单位,别名,电话\r\n市质监局,市质量技术监督局,027-1234\r\n市质监局,,027-5678\r\n',
    );
    const r = await duban('units', 'import', 'bad.csv');
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'duban：单位名录有 1 处问题，未导入任何内容：\n' +
        '  第1行（第3列）：不认识的列“电话”：改为 单位、别名、所属分组、负责人、负责人邮箱、联络员、联络员邮箱、' +
        '钉钉机器人、钉钉加签密钥、企业微信机器人、Webhook、Webhook密钥、接收方式 之一，或删去该列 [UNKNOWN_COLUMN]\n',
    });
    writeFileSync(path.join(dir, 'twice.csv'), '单位,别名\n市质监局,市质量技术监督局\n市质监局,\n');
    const twice = await duban('units', 'import', 'twice.csv');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('第3行：单位“市质监局”重复出现：合并为一行（别名、所属分组都用、分隔）（见第2行）');
  });

  it('an XLSX workbook whose first row is not a header', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('单位名录');
    ws.addRow(['鄂城区人民政府', '鄂城区', '各区人民政府']);
    await wb.xlsx.writeFile(path.join(dir, 'no-header.xlsx'));
    const r = await duban('units', 'import', 'no-header.xlsx');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('第1行：第1行应是表头，现在是“鄂城区人民政府，鄂城区，各区人民政府”');
  });

  it('a file that is not an XLSX workbook, a file of another kind, a missing file', async () => {
    writeFileSync(path.join(dir, 'fake.xlsx'), '单位\n市质监局\n');
    expect(await duban('units', 'import', 'fake.xlsx')).toMatchObject({ code: 2 });
    expect((await duban('units', 'import', 'fake.xlsx')).stderr).toMatch(
      /^duban：fake\.xlsx 不是可读取的 \.xlsx 工作簿：用 Excel 或 WPS 另存为 \.xlsx 后重试\n/,
    );
    writeFileSync(path.join(dir, 'units.json'), '[]');
    expect((await duban('units', 'import', 'units.json')).stderr).toMatch(
      /^duban：不能导入“\.json”：单位名录请用 \.csv 或 \.xlsx 文件\n/,
    );
    expect((await duban('units', 'import', 'none.csv')).stderr).toMatch(/^duban：找不到文件 none\.csv：请检查路径\n/);
    expect((await duban('units', 'import')).stderr).toMatch(/^duban：units import 需要一个文件（收到 0 个）\n/);
  });

  it('an unknown subcommand or option is a usage error', async () => {
    expect(await duban('units', 'export')).toMatchObject({ code: 2 });
    expect((await duban('units', 'export')).stderr).toMatch(/^duban：未知的 units 子命令 export；可用：import、list\n/);
    expect((await duban('units', 'list', '--format', 'xml')).stderr).toMatch(/^duban：--format 只能是 text 或 csv/);
  });

  it('help lists the units commands', async () => {
    const r = await duban('--help');
    expect(r.stdout).toContain('duban units import FILE.(csv|xlsx)');
    expect(r.stdout).toContain('duban units list [--group 分组] [--format text|csv]');
  });
});
