/**
 * The `duban plan` commands as a user runs them: spawned through bin/duban.js (and once through npx), checking output,
 * exit codes (0 ok, 2 bad usage/input, 1 unexpected) and the CSV/XLSX round trips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeGbk } from '../plan/gbk';
import { goldenPath, seedPath, type SeedName } from '../plan/seeds';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/duban.js');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function duban(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const golden = (name: SeedName) => JSON.parse(readFileSync(goldenPath(name), 'utf8'));
const tmp = (name: string) => path.join(dir, name);

describe('duban plan parse', () => {
  it('prints a readable Chinese summary by default', () => {
    const r = duban('plan', 'parse', seedPath('hebei-2015'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('文号: 冀政办字〔2015〕84号');
    expect(r.stdout).toContain('任务: 15 项');
    expect(r.stdout).toContain('一.(一)  进一步简政放权  (第12行)');
  });

  it('prints JSON equal to the golden file', () => {
    const r = duban('plan', 'parse', seedPath('tianjin-2013'), '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(golden('tianjin-2013'));
    expect(r.stderr).toBe('duban: 21 tasks, 28 units, 3 warnings\n');
  });

  it('round-trips through CSV: parse → csv → import gives the same tasks', () => {
    for (const seed of ['harbin-2017', 'ezhou-2017'] as const) {
      const csv = tmp(`${seed}.csv`);
      expect(duban('plan', 'parse', seedPath(seed), '--format', 'csv', '--out', csv).code).toBe(0);
      expect(readFileSync(csv, 'utf8').split('\r\n')[0]).toBe(
        '\uFEFF序号,编号,任务,任务内容,牵头单位,配合单位,完成时限,时限类型,截止日期,行号,备注',
      );
      const r = duban('plan', 'import', csv, '--out', tmp(`${seed}.csv.json`));
      expect(r.code).toBe(0);
      const back = JSON.parse(readFileSync(tmp(`${seed}.csv.json`), 'utf8'));
      expect(back.tasks).toEqual(golden(seed).tasks);
      expect(back.planYear).toBe(2017);
    }
  });

  it('round-trips through XLSX, keeping the plan metadata', () => {
    const xlsx = tmp('ezhou.xlsx');
    expect(duban('plan', 'parse', seedPath('ezhou-2017'), '--out', xlsx).code).toBe(0);
    const r = duban('plan', 'import', xlsx);
    expect(r.code).toBe(0);
    const back = JSON.parse(r.stdout);
    const g = golden('ezhou-2017');
    expect(back.tasks).toEqual(g.tasks);
    expect([back.title, back.docNumber, back.issuer, back.issuedOn, back.planYear]).toEqual([
      g.title,
      g.docNumber,
      g.issuer,
      g.issuedOn,
      g.planYear,
    ]);
  });

  it('reads a GBK file and says it converted it', () => {
    const file = tmp('gbk.txt');
    writeFileSync(file, encodeGbk('某市2017年行动计划\n一、任务\n(一)加强监督抽查。(市质监局负责)\n'));
    const r = duban('plan', 'parse', file, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).tasks[0].lead).toEqual(['市质监局']);
    expect(r.stderr).toContain('converted from GBK/GB18030');
  });
});

describe('duban plan import refuses bad tables with exit code 2', () => {
  it('names the rows of tasks without a lead unit', () => {
    const csv = tmp('xian.csv');
    expect(duban('plan', 'parse', seedPath('xian-2017'), '--out', csv).code).toBe(0);
    const r = duban('plan', 'import', csv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('row 2, column 牵头单位: no lead unit');
    expect(r.stderr).toContain('row 21, column 牵头单位: no lead unit');
    expect(r.stdout).toBe('');
  });

  it('names an unknown column and a bad date', () => {
    const csv = tmp('bad.csv');
    writeFileSync(csv, '编号,任务,牵头单位,截止日期,备注2\n一.(一),甲,市甲局,2017-02-30,x\n');
    const r = duban('plan', 'import', csv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('row 1, column 备注2: unknown column');
    const csv2 = tmp('bad2.csv');
    writeFileSync(csv2, '编号,任务,牵头单位,截止日期\n一.(一),甲,市甲局,2017-02-30\n');
    const r2 = duban('plan', 'import', csv2, '--plan-year', '2017');
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('row 2, column 截止日期: "2017-02-30" is not a date; write it as YYYY-MM-DD');
  });

  it('validates a plan JSON against the schema, naming the path', () => {
    const json = tmp('plan.json');
    const g = golden('hebei-2015');
    g.tasks[0].deadline.due = '2015-13-01';
    writeFileSync(json, JSON.stringify(g));
    const r = duban('plan', 'import', json);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tasks.0.deadline.due');
  });
});

describe('bad usage and bad input: one message, exit code 2, no stack trace', () => {
  it.each([
    [['plan', 'parse', '/no/such/plan.txt'], /no such file: \/no\/such\/plan\.txt/],
    [['plan', 'parse', seedPath('hebei-2015'), '--format', 'pdf'], /--format must be text, json, csv or xlsx/],
    [['plan', 'parse', seedPath('hebei-2015'), '--colour'], /unknown option --colour/],
    [['plan', 'frobnicate'], /unknown plan command frobnicate/],
    [['launch'], /unknown command launch/],
    [['plan', 'import', seedPath('hebei-2015')], /cannot import "\.txt"/],
  ])('%j', (args, message) => {
    const r = duban(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses empty, binary and task-less files, naming the problem', () => {
    const empty = tmp('empty.txt');
    writeFileSync(empty, '');
    const binary = tmp('plan.doc');
    writeFileSync(binary, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    const notice = tmp('notice.txt');
    writeFileSync(notice, '关于召开会议的通知\n请各单位于3月5日参加会议。\n');
    for (const [file, msg] of [
      [empty, /文件是空的.*\[EMPTY_INPUT\]/],
      [binary, /文件看起来是.*\[BINARY_INPUT\]/],
      [notice, /no task items found.*\[NO_TASKS\]/],
    ] as const) {
      const r = duban('plan', 'parse', file);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
    }
  });
});

it('works through npx, as after npm ci', () => {
  const r = spawnSync('npx', ['--no-install', 'duban', 'plan', '--help'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('duban plan parse FILE');
});
