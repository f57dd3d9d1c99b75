/**
 * Reading a year's calendar file as a coordinator writes it from the State Council's notice, and every refusal, with
 * the row or field and the fix. The 2027 dates are an imagined notice (none was published when this was written); the
 * 2019 ones are the real notice's 元旦 arrangement, which starts in December 2018.
 */
import {
  CalendarFileError,
  parseCalendarCsv,
  parseCalendarJson,
  type CalendarFileProblem,
} from '../../domain/calendar-file';

const SOURCE = '国务院办公厅关于2027年部分节假日安排的通知';

/** An imagined 2027 notice: 元旦 1月1日至3日; 春节 2月5日至13日, 2月20日上班; 国庆节 10月1日至7日, 9月26日、10月9日上班. */
const JSON_2027 = {
  year: 2027,
  holidays: [
    '2027-01-01',
    '2027-01-02',
    '2027-01-03',
    { date: '2027-02-05', name: '春节' },
    '2027-02-06',
    '2027-02-07',
    '2027-02-08',
    '2027-02-09',
    '2027-02-10',
    '2027-02-11',
    '2027-02-12',
    '2027-02-13',
    ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ date: `2027-10-${d}`, name: '国庆节' })),
  ],
  workdays: [{ date: '2027-02-20', name: '春节' }, '2027-09-26', '2027-10-09'],
  source: SOURCE,
};

/** The problems a file is refused with; fails when the file is accepted. */
function problems(read: () => unknown): CalendarFileProblem[] {
  try {
    read();
  } catch (e) {
    if (e instanceof CalendarFileError) return e.problems;
    throw e;
  }
  throw new Error('the file was accepted');
}

const json = (doc: unknown) => () => parseCalendarJson(JSON.stringify(doc), '2027.json');
const csv =
  (text: string, ...source: [string?]) =>
  () =>
    parseCalendarCsv(
      text.split('\n').map((line) => line.split(',')),
      '2027.csv',
      source.length > 0 ? source[0] : SOURCE,
    );

describe('a valid file', () => {
  test('JSON: the dates sorted, the names kept, the source as written', () => {
    const year = parseCalendarJson(JSON.stringify(JSON_2027), '2027.json');
    expect(year.year).toBe(2027);
    expect(year.source).toBe(SOURCE);
    expect(year.holidays).toHaveLength(19);
    expect(year.holidays[0]).toBe('2027-01-01');
    expect(year.holidays.at(-1)).toBe('2027-10-07');
    expect(year.workdays).toEqual(['2027-02-20', '2027-09-26', '2027-10-09']);
    expect(year.names).toEqual({
      '2027-02-05': '春节',
      '2027-02-20': '春节',
      ...Object.fromEntries(['01', '02', '03', '04', '05', '06', '07'].map((d) => [`2027-10-${d}`, '国庆节'])),
    });
  });

  test("the 2019 notice's 元旦 arrangement, which starts on 2018年12月29日, is one 2019 file", () => {
    const year = parseCalendarJson(
      JSON.stringify({
        year: 2019,
        holidays: ['2018-12-30', '2018-12-31', '2019-01-01', '2019-02-04', '2019-02-05'],
        workdays: ['2018-12-29', '2019-02-02', '2019-02-03'],
        source: '国务院办公厅关于2019年部分节假日安排的通知',
      }),
      '2019.json',
    );
    expect(year.holidays.slice(0, 3)).toEqual(['2018-12-30', '2018-12-31', '2019-01-01']);
    expect(year.workdays[0]).toBe('2018-12-29');
    expect(year.names).toBeUndefined();
  });

  test('CSV, as a spreadsheet saves it: columns in any order, blank lines, dates as 2027/2/6 or 2027年2月20日', () => {
    const year = csv(
      [
        '类型,日期,说明',
        '放假,2027-01-01,元旦',
        '放假,2027/1/2,元旦',
        '放假,2027/1/3,元旦',
        '',
        '放假,2027-02-05,春节',
        '放假,2027-02-06,春节',
        '放假,2027-02-07,',
        '放假,2027-02-08,春节',
        '上班,2027年2月20日,春节',
        ',,',
      ].join('\n'),
    )();
    expect(year).toEqual({
      year: 2027,
      holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'],
      workdays: ['2027-02-20'],
      source: SOURCE,
      names: {
        '2027-01-01': '元旦',
        '2027-01-02': '元旦',
        '2027-01-03': '元旦',
        '2027-02-05': '春节',
        '2027-02-06': '春节',
        '2027-02-08': '春节',
        '2027-02-20': '春节',
      },
    });
  });

  test('a weekend day off on its own is accepted when the file names its holiday', () => {
    const year = csv('日期,类型,说明\n2027-01-01,放假,元旦\n2027-05-01,放假,劳动节')();
    expect(year.holidays).toEqual(['2027-01-01', '2027-05-01']);
  });
});

describe('a refused file: every problem, with where it is and the fix', () => {
  test('JSON that does not parse', () => {
    expect(problems(() => parseCalendarJson('{ "year": 2027, }', '2027.json'))).toEqual([
      {
        where: '整个文件',
        code: 'CALENDAR_JSON_SYNTAX',
        message: expect.stringMatching(/^不是有效的 JSON（.+）；请检查引号、逗号和括号$/),
      },
    ]);
  });

  test('a misspelt field, a year in quotes, a missing source', () => {
    const { holidays, workdays } = JSON_2027;
    expect(problems(json({ year: '2027', holiday: holidays, workdays }))).toEqual([
      {
        where: 'holiday',
        code: 'CALENDAR_FIELD_UNKNOWN',
        message: '不认识的字段；只接受 year、holidays、workdays、source。请删去它，或改正拼写',
      },
      {
        where: 'year',
        code: 'CALENDAR_YEAR_INVALID',
        message: '年份须是 1990 到 2100 之间的整数（如 2027，不加引号），现在是 "2027"',
      },
      {
        where: 'source',
        code: 'CALENDAR_SOURCE_MISSING',
        message: '没有写明日期的来源；请加上 "source": "国务院办公厅关于2027年部分节假日安排的通知"（通知的标题）',
      },
      {
        where: 'holidays',
        code: 'CALENDAR_FIELD_MISSING',
        message: '缺少 holidays；请列出放假的日期，没有就写 []',
      },
    ]);
  });

  test('dates that are not dates, not real, not in the year, or not what a notice can say', () => {
    const found = problems(
      json({
        ...JSON_2027,
        holidays: [
          ...JSON_2027.holidays,
          '2月30日',
          '2027-02-29',
          '2028-01-01',
          '2027-03-06',
          { date: '2027-03-07', day: 1 },
        ],
        workdays: [...JSON_2027.workdays, '2027-03-03', '2027-02-08', '2027-09-26'],
      }),
    );
    expect(found.map((p) => [p.where, p.code, p.message])).toEqual([
      [
        'holidays[19]',
        'CALENDAR_DATE_INVALID',
        '“2月30日”不是日期；请写成 2027-02-06（也接受 2027/2/6 和 2027年2月6日）',
      ],
      ['holidays[20]', 'CALENDAR_DATE_INVALID', '2027年没有2月29日；请对照通知改正这个日期'],
      [
        'holidays[21]',
        'CALENDAR_DATE_OUTSIDE_YEAR',
        '2028-01-01 不在 2027 年内。一个文件只导入一年的安排（元旦假期可从上一年12月25日算起）；请改正这个日期，或把它放进 2028 年的文件',
      ],
      [
        'holidays[22]',
        'CALENDAR_HOLIDAY_ON_WEEKEND',
        '2027-03-06 是星期六，本来就不上班，也不与任何工作日的放假相连，多半是日期写错了。请对照通知改正；若它确属某个假期，请在这一项的 name 字段写明假期名称（如“国庆节”）',
      ],
      [
        'holidays[23]',
        'CALENDAR_FIELD_UNKNOWN',
        '不认识的字段 day；一项只能有 date 和 name，如 { "date": "2027-02-06", "name": "春节" }',
      ],
      [
        'workdays[3]',
        'CALENDAR_WORKDAY_NOT_WEEKEND',
        '2027-03-03 是星期三，本来就上班；调休上班日只会是星期六或星期日。请对照通知改正日期，或删去这一处',
      ],
      [
        'workdays[4]',
        'CALENDAR_DATE_CONFLICT',
        '2027-02-08 列为上班，但 holidays[6] 把它列为放假；请对照通知只保留一处',
      ],
      ['workdays[5]', 'CALENDAR_DATE_DUPLICATE', '2027-09-26 与 workdays[1] 重复；请删去其中一处'],
    ]);
  });

  test('a year with no day off', () => {
    expect(problems(json({ ...JSON_2027, holidays: [], workdays: [] }))).toEqual([
      {
        where: '整个文件',
        code: 'CALENDAR_NO_HOLIDAYS',
        message: '没有放假的日期；每年的通知至少有元旦、春节和国庆节，请把通知里的放假日期全部列出',
      },
    ]);
  });

  test('CSV: an unknown column and a missing one stop at the header', () => {
    expect(problems(csv('日期,备注\n2027-01-01,元旦')).map((p) => [p.where, p.code, p.message])).toEqual([
      [
        '第1行 第2列',
        'CALENDAR_FIELD_UNKNOWN',
        '不认识的列“备注”；只接受 日期、类型、说明 三列（说明可省）。请删去这一列，或改正列名',
      ],
      ['第1行', 'CALENDAR_FIELD_MISSING', '表头缺少“类型”列；表头应是“日期,类型,说明”'],
    ]);
  });

  test('CSV: a type other than 放假 or 上班, an empty date, extra cells, no --source', () => {
    const found = problems(
      csv('日期,类型,说明\n2027-01-01,放假,元旦\n2027-01-02,休,元旦\n,放假,元旦\n2027-01-03,放假,元旦,多余', undefined),
    );
    expect(found.map((p) => [p.where, p.code, p.message])).toEqual([
      [
        '命令行',
        'CALENDAR_SOURCE_MISSING',
        '没有写明日期的来源；CSV 文件请用 --source 写明通知的标题，如 --source "国务院办公厅关于2027年部分节假日安排的通知"',
      ],
      ['第3行 类型', 'CALENDAR_TYPE_INVALID', '“休”不是类型；只能写“放假”或“上班”'],
      ['第4行 日期', 'CALENDAR_DATE_INVALID', '日期是空的；请填上日期，如 2027-02-06'],
      ['第5行', 'CALENDAR_FIELD_UNKNOWN', '有 4 格，表头只有 3 列；请删去多出的格，或给它们加上表头'],
    ]);
  });

  test('CSV: the year is the one most dates are in, and a stray date of another year is the one refused', () => {
    const found = problems(csv('日期,类型\n2027-01-01,放假\n2027-10-01,放假\n2072-10-04,放假'));
    expect(found.map((p) => [p.where, p.code])).toEqual([['第4行 日期', 'CALENDAR_DATE_OUTSIDE_YEAR']]);
  });

  test('the message lists every problem under one line that says nothing was imported', () => {
    let message = '';
    try {
      csv('日期,类型\n2027-01-01,休\n2027-03-03,上班')();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      '日历文件 2027.csv 有 2 处问题，没有导入任何日期：\n' +
        '  第2行 类型：“休”不是类型；只能写“放假”或“上班” [CALENDAR_TYPE_INVALID]\n' +
        '  第3行 日期：2027-03-03 是星期三，本来就上班；调休上班日只会是星期六或星期日。请对照通知改正日期，或删去这一处 [CALENDAR_WORKDAY_NOT_WEEKEND]',
    );
  });
});
