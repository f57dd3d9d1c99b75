/**
 * The `duban plan` commands as a user runs them, in-process through cli/main.ts's `main` (the same function
 * bin/duban.js calls): output, exit codes (0 ok, 2 bad usage/input, 1 unexpected) and the CSV/XLSX round trips, in a
 * temporary working directory. The command as its own process is in duban-command.int.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../cli/main';
import { encodeGbk } from '../plan/gbk';
import { goldenPath, seedPath, type SeedName } from '../plan/seeds';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `duban ARGS…` in the temporary directory, collecting what it prints. */
async function duban(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => (stdout += s.toString()),
    stderr: (s) => (stderr += s),
    cwd: dir,
  });
  return { code, stdout, stderr };
}

const golden = (name: SeedName) => JSON.parse(readFileSync(goldenPath(name), 'utf8'));
/** A file of the working directory, where the commands below write with relative names. */
const tmp = (name: string) => path.join(dir, name);

describe('duban plan parse', () => {
  it('prints a readable Chinese summary by default', async () => {
    const r = await duban('plan', 'parse', seedPath('hebei-2015'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('文号：冀政办字〔2015〕84号');
    expect(r.stdout).toContain('任务：15 项');
    expect(r.stdout).toContain('一.(一)  进一步简政放权  （第12行）');
  });

  it('prints JSON equal to the golden file', async () => {
    const r = await duban('plan', 'parse', seedPath('tianjin-2013'), '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(golden('tianjin-2013'));
    expect(r.stderr).toBe('duban：21 项任务，28 个单位，3 条提示\n');
  });

  it('round-trips through CSV: parse → csv → import gives the same tasks', async () => {
    for (const seed of ['harbin-2017', 'ezhou-2017'] as const) {
      const r1 = await duban('plan', 'parse', seedPath(seed), '--format', 'csv', '--out', `${seed}.csv`);
      expect(r1).toMatchObject({ code: 0, stdout: '' });
      expect(r1.stderr).toMatch(new RegExp(`→ ${seed}\\.csv\n$`));
      expect(readFileSync(tmp(`${seed}.csv`), 'utf8').split('\r\n')[0]).toBe(
        '\uFEFF序号,编号,任务,任务内容,牵头单位,配合单位,完成时限,时限类型,截止日期,行号,备注',
      );
      const r = await duban('plan', 'import', `${seed}.csv`, '--out', `${seed}.csv.json`);
      expect(r.code).toBe(0);
      const back = JSON.parse(readFileSync(tmp(`${seed}.csv.json`), 'utf8'));
      expect(back.tasks).toEqual(golden(seed).tasks);
      expect(back.planYear).toBe(2017);
    }
  });

  it('round-trips through XLSX, keeping the plan metadata', async () => {
    expect((await duban('plan', 'parse', seedPath('ezhou-2017'), '--out', 'ezhou.xlsx')).code).toBe(0);
    const r = await duban('plan', 'import', 'ezhou.xlsx');
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

  it('refuses to print xlsx to a terminal, asking for --out', async () => {
    let stderr = '';
    const code = await main(['plan', 'parse', seedPath('hebei-2015'), '--format', 'xlsx'], {
      stdout: () => undefined,
      stderr: (s) => (stderr += s),
      cwd: dir,
      isTty: true,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('duban：xlsx 是二进制格式，不能输出到终端：请加 --out FILE.xlsx\n');
  });

  it('reads a GBK file and says it converted it', async () => {
    writeFileSync(tmp('gbk.txt'), encodeGbk('某市2017年行动计划\n一、任务\n(一)加强监督抽查。(市质监局负责)\n'));
    const r = await duban('plan', 'parse', 'gbk.txt', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).tasks[0].lead).toEqual(['市质监局']);
    expect(r.stderr).toBe('duban：1 项任务，1 个单位，0 条提示，已从 GBK/GB18030 转换\n');
  });
});

describe('duban plan import refuses bad tables with exit code 2', () => {
  it('names the rows of tasks without a lead unit', async () => {
    expect((await duban('plan', 'parse', seedPath('xian-2017'), '--out', 'xian.csv')).code).toBe(0);
    const r = await duban('plan', 'import', 'xian.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('  第 2 行“牵头单位”列：没有牵头单位，请至少填写一个');
    expect(r.stderr).toContain('  第 21 行“牵头单位”列：没有牵头单位，请至少填写一个');
    expect(r.stdout).toBe('');
  });

  it('names an unknown column and a bad date', async () => {
    writeFileSync(tmp('bad.csv'), '编号,任务,牵头单位,截止日期,备注2\n一.(一),甲,市甲局,2017-02-30,x\n');
    const r = await duban('plan', 'import', 'bad.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('  第 1 行“备注2”列：未知的列名（第 5 列），请改为 序号/编号/');
    writeFileSync(tmp('bad2.csv'), '编号,任务,牵头单位,截止日期\n一.(一),甲,市甲局,2017-02-30\n');
    const r2 = await duban('plan', 'import', 'bad2.csv', '--plan-year', '2017');
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('  第 2 行“截止日期”列：“2017-02-30”不是有效日期，请写作 YYYY-MM-DD，如 2017-12-31');
  });

  it('validates a plan JSON against the schema, naming the path', async () => {
    const g = golden('hebei-2015');
    g.tasks[0].deadline.due = '2015-13-01';
    writeFileSync(tmp('plan.json'), JSON.stringify(g));
    const r = await duban('plan', 'import', 'plan.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('不符合计划结构（1 处问题），请改正后重试：\n');
    expect(r.stderr).toContain(
      '  tasks.0.deadline.due：应为实际存在的日期，写作 YYYY-MM-DD，如 2027-03-31 [INVALID_TABLE]\n',
    );
  });
});

describe('help', () => {
  it('prints the usage: exit code 0 when asked for, 2 when no command is given', async () => {
    for (const [args, code] of [
      [['--help'], 0],
      [['help'], 0],
      [[], 2],
    ] as const) {
      const r = await duban(...args);
      expect(r.code).toBe(code);
      expect(r.stdout).toContain('duban plan parse FILE');
      expect(r.stdout).toContain(
        '退出码：0 成功；2 用法或输入有误（提示中写明如何改正）；3 审计核验未通过（写明哪一条不符）；1 意外错误',
      );
      expect(r.stdout).toContain('duban audit timeline 任务或督办事项编号');
      expect(r.stdout).toContain('duban audit verify 督办事项编号 | --cycle 周期');
    }
    expect((await duban('plan', '--help')).stdout).toContain('duban plan import FILE.(csv|xlsx|json)');
  });
});

describe('bad usage and bad input: one message, exit code 2, no stack trace', () => {
  it.each([
    [['plan', 'parse', '/no/such/plan.txt'], /^duban：找不到文件 \/no\/such\/plan\.txt：请检查路径\n/],
    [['plan', 'parse', 'no-such-plan.txt'], /^duban：找不到文件 no-such-plan\.txt：请检查路径\n/],
    [['plan', 'parse', '.'], /^duban：\. 是目录：请给出计划文件\n/],
    [['plan', 'parse', 'a.txt', 'b.txt'], /^duban：一次只能给一个 FILE（收到：a\.txt、b\.txt）\n/],
    [['plan', 'parse'], /^duban：缺少 FILE：请给出计划文件\n/],
    [
      ['plan', 'parse', seedPath('hebei-2015'), '--format', 'pdf'],
      /^duban：--format 应为 text、json、csv 或 xlsx，而不是“pdf”\n/,
    ],
    [
      ['plan', 'parse', seedPath('hebei-2015'), '--colour'],
      /^duban：未知的选项 --colour；可用：--format --out --plan-year\n/,
    ],
    [['plan', 'parse', seedPath('hebei-2015'), '--out'], /^duban：选项 --out 后面要跟一个值\n/],
    [
      ['plan', 'parse', seedPath('hebei-2015'), '--plan-year', '17'],
      /^duban：--plan-year 应为年份，如 2017，而不是“17”\n/,
    ],
    [['plan', 'frobnicate'], /^duban：未知的 plan 子命令 frobnicate；可用：parse、import\n/],
    [['launch'], /^duban：未知的命令 launch；可用：/],
    [
      ['cycle', 'launch', 'plan.json', '--cycle', 'c-2017', '--by', '市政府督查室', '--acknowledge-days', '45'],
      /^duban：--acknowledge-days 应为 0 到 30 之间的工作日数（0 即不设），而不是“45”\n/,
    ],
    [['plan', 'import', seedPath('hebei-2015')], /^duban：无法导入“\.txt”：请给出 \.csv、\.xlsx 或 \.json 文件\n/],
  ])('%j', async (args, message) => {
    const r = await duban(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses empty, binary and task-less files, naming the problem', async () => {
    writeFileSync(tmp('empty.txt'), '');
    writeFileSync(tmp('plan.doc'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    writeFileSync(tmp('notice.txt'), '关于召开会议的通知\n请各单位于3月5日参加会议。\n');
    for (const [file, msg] of [
      ['empty.txt', /文件是空的.*\[EMPTY_INPUT\]/],
      ['plan.doc', /文件看起来是.*\[BINARY_INPUT\]/],
      ['notice.txt', /^duban：没有找到任务条目：.*请确认这是计划正文，而不只是印发通知 \[NO_TASKS\]\n$/],
    ] as const) {
      const r = await duban('plan', 'parse', file);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
    }
  });
});

it('an unexpected failure (output closed under it) gives exit code 1 and one line; the stack only on request', async () => {
  const run = async (env: NodeJS.ProcessEnv) => {
    let stderr = '';
    const code = await main(['plan', 'parse', seedPath('hebei-2015')], {
      stdout: () => {
        throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      },
      stderr: (s) => (stderr += s),
      cwd: dir,
      env,
    });
    return { code, stderr };
  };
  expect(await run({})).toEqual({
    code: 1,
    stderr: 'duban：意外错误：write EPIPE\n（设置 DUBAN_DEBUG=1 可看到调用栈）\n',
  });
  const debug = await run({ DUBAN_DEBUG: '1' });
  expect(debug.code).toBe(1);
  expect(debug.stderr).toMatch(/^duban：意外错误：write EPIPE\nError: write EPIPE\n\s+at /);
});
