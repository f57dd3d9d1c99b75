/**
 * `duban calendar` without a database: a malformed file is refused before anything is connected to (this tier
 * forbids sockets, so an attempt would fail the test), usage errors, and what `calendar show` prints for a year of
 * the package, an imported year and a year nobody knows. Importing and showing through PostgreSQL are in
 * calendar-cli.int.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatCalendarYear } from '../../cli/calendar-command';
import { main } from '../../cli/main';
import { CALENDAR_PACKAGE, mergeCalendarYears, packageCalendarYears } from '../../domain/calendar-years';
import { encodeGbk } from '../plan/gbk';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-calendar-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function duban(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s.toString()), stderr: (s) => (stderr += s), cwd: dir });
  return { code, stdout, stderr };
}

describe('duban calendar import refuses a bad file before touching the database', () => {
  test('a JSON file with a make-up day on a Wednesday and a date of the wrong year', async () => {
    writeFileSync(
      path.join(dir, 'bad.json'),
      JSON.stringify({
        year: 2027,
        holidays: ['2027-01-01', '2026-06-01'],
        workdays: ['2027-03-03'],
        source: '国务院办公厅关于2027年部分节假日安排的通知',
      }),
    );
    const r = await duban('calendar', 'import', 'bad.json');
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'duban：日历文件 bad.json 有 2 处问题，没有导入任何日期：\n' +
        '  holidays[1]：2026-06-01 不在 2027 年内。一个文件只导入一年的安排（元旦假期可从上一年12月25日算起）；请改正这个日期，或把它放进 2026 年的文件 [CALENDAR_DATE_OUTSIDE_YEAR]\n' +
        '  workdays[0]：2027-03-03 是星期三，本来就上班；调休上班日只会是星期六或星期日。请对照通知改正日期，或删去这一处 [CALENDAR_WORKDAY_NOT_WEEKEND]\n',
    });
  });

  test('a CSV saved by Excel in GBK, with an unknown column', async () => {
    writeFileSync(path.join(dir, 'bad.csv'), encodeGbk('日期,类型,备注\r\n2027-01-01,放假,元旦\r\n'));
    const r = await duban('calendar', 'import', 'bad.csv', '--source', '国务院办公厅关于2027年部分节假日安排的通知');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'duban：日历文件 bad.csv 有 1 处问题，没有导入任何日期：\n' +
        '  第1行 第3列：不认识的列“备注”；只接受 日期、类型、说明 三列（说明可省）。请删去这一列，或改正列名 [CALENDAR_FIELD_UNKNOWN]\n',
    );
  });

  test('usage: no file, a file that is not there, another format, --source on JSON, an unknown subcommand', async () => {
    writeFileSync(path.join(dir, 'ok.json'), '{}');
    const cases: Array<[string[], string]> = [
      [['calendar', 'import'], 'duban：缺少 FILE：要导入的 .json 或 .csv 文件\n'],
      [['calendar', 'import', 'none.json'], 'duban：找不到文件 none.json：请检查路径\n'],
      [
        ['calendar', 'import', 'notice.xlsx'],
        'duban：日历文件须是 .json 或 .csv（notice.xlsx）；格式见 README 的“Working days”一节\n',
      ],
      [
        ['calendar', 'import', 'ok.json', '--source', 'x'],
        'duban：JSON 文件的来源写在它的 "source" 字段里；--source 只用于 CSV 文件，请去掉它\n',
      ],
      [['calendar', 'show'], 'duban：calendar show 需要年份，如 duban calendar show 2027\n'],
      [['calendar', 'show', '17'], 'duban：年份须是 1990 到 2100 之间的四位数，如 2027，不是“17”\n'],
      [['calendar', 'list'], 'duban：未知的 calendar 子命令 list；可用：import、show\n'],
    ];
    for (const [args, first] of cases) {
      const r = await duban(...args);
      expect([args, r.code, r.stdout, r.stderr.split('\n')[0] + '\n']).toEqual([args, 2, '', first]);
    }
  });

  test('help lists both commands', async () => {
    const r = await duban('calendar', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('duban calendar import FILE.(json|csv) [--source 通知标题]');
    expect(r.stdout).toContain('duban calendar show YEAR');
  });
});

describe('what calendar show prints', () => {
  const all = packageCalendarYears();
  const y2017 = all.find((y) => y.year === 2017)!;

  test('a year of the package: each holiday run as the notice reads, the make-up days, the working days', () => {
    expect(formatCalendarYear(2017, y2017, all, true)).toBe(
      [
        '2017年节假日安排',
        `来源：${CALENDAR_PACKAGE} 数据包（据国务院办公厅历年节假日安排通知）`,
        '放假：',
        '  元旦\u30001月1日（周日）至1月2日（周一），共2天',
        '  春节\u30001月27日（周五）至2月2日（周四），共7天',
        '  清明节\u30004月2日（周日）至4月4日（周二），共3天',
        '  劳动节\u30005月1日（周一），共1天',
        '  端午节\u30005月28日（周日）至5月30日（周二），共3天',
        '  国庆节、中秋节\u300010月1日（周日）至10月8日（周日），共8天',
        '调休上班：',
        '  1月22日（周日）\u3000春节',
        '  2月4日（周六）\u3000春节',
        '  4月1日（周六）\u3000清明节',
        '  5月27日（周六）\u3000端午节',
        '  9月30日（周六）\u3000国庆节',
        '全年工作日 249 天（放假落在工作日的 16 天，调休上班 5 天）。',
        '',
      ].join('\n'),
    );
  });

  test('an imported year says when and from which file, and whose dates it replaces', () => {
    const imported = {
      year: 2019,
      holidays: ['2018-12-30', '2018-12-31', '2019-01-01'],
      workdays: ['2018-12-29'],
      source: '国务院办公厅关于2019年部分节假日安排的通知',
      fileName: '2019.csv',
      importedAt: new Date('2026-11-20T06:03:00Z'),
    };
    const text = formatCalendarYear(2019, imported, mergeCalendarYears(all, [imported]), true);
    expect(text.split('\n').slice(0, 7)).toEqual([
      '2019年节假日安排',
      '来源：国务院办公厅关于2019年部分节假日安排的通知',
      `导入：2026-11-20 14:03 从 2019.csv 导入，取代 ${CALENDAR_PACKAGE} 数据包中的该年日期`,
      '放假：',
      '  （未注明假期）\u30002018年12月30日（周日）至2019年1月1日（周二），共3天',
      '调休上班：',
      '  2018年12月29日（周六）\u3000（未注明假期）',
    ]);
  });

  test('a year nobody knows: weekends only, said loudly, with the fix', () => {
    expect(formatCalendarYear(2027, undefined, all, false)).toBe(
      `2027年：不知道该年的法定节假日安排——${CALENDAR_PACKAGE} 数据包只覆盖 2004–2026 年，也没有导入过 2027 年的日期。\n` +
        '排期落在 2027 年时只按周末计算工作日（全年 261 天），节假日照常发送提醒和催办。\n' +
        '国务院办公厅发布该年节假日安排的通知后，请用 duban calendar import FILE 导入（JSON 或 CSV，格式见 README 的“Working days”一节）。\n',
    );
  });
});
