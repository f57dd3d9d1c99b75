/**
 * One year's holidays and make-up working days, read from the small file a coordinator writes from the State
 * Council's notice (国务院办公厅关于…年部分节假日安排的通知) when the installed data package does not know the year
 * yet. Two forms:
 *
 *   JSON  { "year": 2027, "holidays": ["2027-01-01", …], "workdays": ["2027-02-06", …], "source": "国务院办公厅关于…" }
 *         (an entry may also be { "date": "2027-02-06", "name": "春节" })
 *   CSV   日期,类型,说明        类型 is 放假 or 上班; 说明 (optional column) names the holiday
 *
 * Checked strictly, since a wrong date silently moves every reminder of a year: every problem is listed with the
 * row or field it is in and how to fix it, and a file with any problem gives nothing to store.
 */
import { addDays, isRealDate, isoDate, type CalendarDate } from './calendar';
import { isWeekend, weekdayOf, type YearDates } from './working-days';

export type CalendarFileProblemCode =
  | 'CALENDAR_JSON_SYNTAX'
  | 'CALENDAR_FIELD_UNKNOWN'
  | 'CALENDAR_FIELD_MISSING'
  | 'CALENDAR_FIELD_INVALID'
  | 'CALENDAR_YEAR_INVALID'
  | 'CALENDAR_DATE_INVALID'
  | 'CALENDAR_DATE_OUTSIDE_YEAR'
  | 'CALENDAR_DATE_DUPLICATE'
  | 'CALENDAR_DATE_CONFLICT'
  | 'CALENDAR_TYPE_INVALID'
  | 'CALENDAR_WORKDAY_NOT_WEEKEND'
  | 'CALENDAR_HOLIDAY_ON_WEEKEND'
  | 'CALENDAR_NO_HOLIDAYS'
  | 'CALENDAR_SOURCE_MISSING';

export interface CalendarFileProblem {
  /** Where: '第3行 日期', 'holidays[2]', 'year'. */
  where: string;
  code: CalendarFileProblemCode;
  /** Chinese: what is wrong and how to fix it. */
  message: string;
}

/** A calendar file with problems; nothing of it may be stored. */
export class CalendarFileError extends Error {
  readonly code = 'CALENDAR_FILE_INVALID';
  readonly problems: CalendarFileProblem[];

  constructor(file: string, found: CalendarFileProblem[]) {
    const problems = [...found].sort((a, b) => compareWhere(a.where, b.where));
    const shown = problems.slice(0, MAX_SHOWN).map((p) => `  ${p.where}：${p.message} [${p.code}]`);
    if (problems.length > MAX_SHOWN) shown.push(`  ……另有 ${problems.length - MAX_SHOWN} 处问题`);
    super(`日历文件 ${file} 有 ${problems.length} 处问题，没有导入任何日期：\n${shown.join('\n')}`);
    this.name = 'CalendarFileError';
    this.problems = problems;
  }
}

const MAX_SHOWN = 30;

/** Problems in the order of the file: whole-file and header ones first, then by row, or by list and index. */
function compareWhere(a: string, b: string): number {
  const key = (where: string): [number, number] => {
    const row = /^第(\d+)行/.exec(where);
    if (row) return [1, Number(row[1])];
    const item = /^(holidays|workdays)\[(\d+)\]/.exec(where);
    if (item) return [item[1] === 'holidays' ? 2 : 3, Number(item[2])];
    return [0, 0];
  };
  const [ka, kb] = [key(a), key(b)];
  return ka[0] - kb[0] || ka[1] - kb[1];
}
const MIN_YEAR = 1990;
const MAX_YEAR = 2100;
const WEEKDAY_NAMES = ['日', '一', '二', '三', '四', '五', '六'] as const;

/** '星期六', for messages. */
export function weekdayName(date: CalendarDate): string {
  return `星期${WEEKDAY_NAMES[weekdayOf(date)]}`;
}

/** '2027-02-06', '2027/2/6', '2027.2.6' or '2027年2月6日' (what a spreadsheet or a notice writes) → ISO; else a reason. */
function readDate(text: string): { date: CalendarDate } | { problem: string } {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text.trim());
  if (!m) {
    return {
      problem: `“${text}”不是日期；请写成 2027-02-06（也接受 2027/2/6 和 2027年2月6日）`,
    };
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(year, month, day)) {
    return { problem: `${year}年没有${month}月${day}日；请对照通知改正这个日期` };
  }
  return { date: isoDate(year, month, day) };
}

/** The days a year's notice may name: the year itself, and the end of December before it (元旦 arrangements). */
function yearWindow(year: number): { first: CalendarDate; last: CalendarDate } {
  return { first: isoDate(year - 1, 12, 25), last: isoDate(year, 12, 31) };
}

const KIND_NAMES = { holiday: '放假', workday: '上班' } as const;

/** A field name among Chinese words reads with spaces around it: '与 holidays[6] 重复', '与第3行 日期重复'. */
function spaced(where: string): string {
  return /^[A-Za-z]/.test(where) ? ` ${where} ` : where;
}

interface Entry {
  where: string;
  date: CalendarDate;
  kind: 'holiday' | 'workday';
  name?: string;
}

/**
 * The checks both forms share, on entries whose dates are real: all in the year (or the last week of the December
 * before), each date once, no date both off and worked, make-up days on weekends, a weekend day off only as part of
 * a holiday run or with the holiday named, at least one holiday.
 */
function checkEntries(year: number, entries: Entry[], problems: CalendarFileProblem[], nameField: string): void {
  const { first, last } = yearWindow(year);
  const seen = new Map<CalendarDate, Entry>();
  for (const e of entries) {
    if (e.date < first || e.date > last) {
      problems.push({
        where: e.where,
        code: 'CALENDAR_DATE_OUTSIDE_YEAR',
        message:
          `${e.date} 不在 ${year} 年内。一个文件只导入一年的安排（元旦假期可从上一年12月25日算起）；` +
          `请改正这个日期，或把它放进 ${e.date.slice(0, 4)} 年的文件`,
      });
      continue;
    }
    const earlier = seen.get(e.date);
    if (earlier) {
      problems.push(
        earlier.kind === e.kind
          ? {
              where: e.where,
              code: 'CALENDAR_DATE_DUPLICATE',
              message: `${e.date} 与${spaced(earlier.where)}重复；请删去其中一处`,
            }
          : {
              where: e.where,
              code: 'CALENDAR_DATE_CONFLICT',
              message:
                `${e.date} 列为${KIND_NAMES[e.kind]}，但${spaced(earlier.where)}把它列为${KIND_NAMES[earlier.kind]}；` +
                `请对照通知只保留一处`,
            },
      );
      continue;
    }
    seen.set(e.date, e);
  }

  const holidays = new Set([...seen.values()].filter((e) => e.kind === 'holiday').map((e) => e.date));
  /** Whether a weekend day off joins, through other days off, a weekday off: 10月1日至8日 includes a weekend. */
  const inWeekdayRun = (date: CalendarDate): boolean => {
    for (const direction of [1, -1]) {
      let d = addDays(date, direction);
      while (holidays.has(d)) {
        if (!isWeekend(d)) return true;
        d = addDays(d, direction);
      }
    }
    return false;
  };
  for (const e of seen.values()) {
    if (e.kind === 'workday' && !isWeekend(e.date)) {
      problems.push({
        where: e.where,
        code: 'CALENDAR_WORKDAY_NOT_WEEKEND',
        message:
          `${e.date} 是${weekdayName(e.date)}，本来就上班；调休上班日只会是星期六或星期日。` +
          `请对照通知改正日期，或删去这一处`,
      });
    }
    if (e.kind === 'holiday' && isWeekend(e.date) && !e.name && !inWeekdayRun(e.date)) {
      problems.push({
        where: e.where,
        code: 'CALENDAR_HOLIDAY_ON_WEEKEND',
        message:
          `${e.date} 是${weekdayName(e.date)}，本来就不上班，也不与任何工作日的放假相连，多半是日期写错了。` +
          `请对照通知改正；若它确属某个假期，请在${nameField}写明假期名称（如“国庆节”）`,
      });
    }
  }
  // With no day off left, say so, unless rows or fields were refused already: fixing those may well bring them back.
  const onlyAboutSource = problems.every((p) => p.code === 'CALENDAR_SOURCE_MISSING' || p.where === 'source');
  if (holidays.size === 0 && onlyAboutSource) {
    problems.push({
      where: '整个文件',
      code: 'CALENDAR_NO_HOLIDAYS',
      message: `没有放假的日期；每年的通知至少有元旦、春节和国庆节，请把通知里的放假日期全部列出`,
    });
  }
}

function toYearDates(year: number, entries: Entry[], source: string): YearDates {
  const names: Record<CalendarDate, string> = {};
  for (const e of entries) if (e.name) names[e.date] = e.name;
  const pick = (kind: Entry['kind']) =>
    entries
      .filter((e) => e.kind === kind)
      .map((e) => e.date)
      .sort();
  return {
    year,
    holidays: pick('holiday'),
    workdays: pick('workday'),
    source,
    ...(Object.keys(names).length > 0 ? { names } : {}),
  };
}

function checkYear(value: unknown, where: string, problems: CalendarFileProblem[]): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= MIN_YEAR && value <= MAX_YEAR) return value;
  problems.push({
    where,
    code: 'CALENDAR_YEAR_INVALID',
    message: `年份须是 ${MIN_YEAR} 到 ${MAX_YEAR} 之间的整数（如 2027，不加引号），现在是 ${JSON.stringify(value)}`,
  });
  return undefined;
}

function checkSource(value: unknown, where: string, problems: CalendarFileProblem[], fix: string): string | undefined {
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 200) return value.trim();
  problems.push({
    where,
    code: value === undefined ? 'CALENDAR_SOURCE_MISSING' : 'CALENDAR_FIELD_INVALID',
    message:
      value === undefined
        ? `没有写明日期的来源；${fix}`
        : `来源须是不超过 200 字的文字（通知的标题），现在是 ${JSON.stringify(value).slice(0, 60)}`,
  });
  return undefined;
}

const JSON_FIELDS = ['year', 'holidays', 'workdays', 'source'] as const;

/** The JSON form. `file` names the file in the error. */
export function parseCalendarJson(text: string, file: string): YearDates {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new CalendarFileError(file, [
      {
        where: '整个文件',
        code: 'CALENDAR_JSON_SYNTAX',
        message: `不是有效的 JSON（${(e as Error).message}）；请检查引号、逗号和括号`,
      },
    ]);
  }
  const problems: CalendarFileProblem[] = [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CalendarFileError(file, [
      {
        where: '整个文件',
        code: 'CALENDAR_FIELD_INVALID',
        message: `应是一个对象：{ "year": 2027, "holidays": [...], "workdays": [...], "source": "国务院办公厅关于…的通知" }`,
      },
    ]);
  }
  const record = doc as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(JSON_FIELDS as readonly string[]).includes(key)) {
      problems.push({
        where: key,
        code: 'CALENDAR_FIELD_UNKNOWN',
        message: `不认识的字段；只接受 ${JSON_FIELDS.join('、')}。请删去它，或改正拼写`,
      });
    }
  }
  let year: number | undefined;
  if (record.year === undefined) {
    problems.push({
      where: 'year',
      code: 'CALENDAR_FIELD_MISSING',
      message: '缺少年份；请加上 "year": 2027（通知所属的年份）',
    });
  } else {
    year = checkYear(record.year, 'year', problems);
  }
  const source = checkSource(
    record.source,
    'source',
    problems,
    '请加上 "source": "国务院办公厅关于2027年部分节假日安排的通知"（通知的标题）',
  );

  const entries: Entry[] = [];
  for (const [field, kind] of [
    ['holidays', 'holiday'],
    ['workdays', 'workday'],
  ] as const) {
    const list = record[field];
    if (list === undefined) {
      problems.push({
        where: field,
        code: 'CALENDAR_FIELD_MISSING',
        message: `缺少 ${field}；请列出${kind === 'holiday' ? '放假' : '调休上班'}的日期，没有就写 []`,
      });
      continue;
    }
    if (!Array.isArray(list)) {
      problems.push({
        where: field,
        code: 'CALENDAR_FIELD_INVALID',
        message: `应是日期的列表，如 ["2027-01-01", "2027-02-06"]`,
      });
      continue;
    }
    list.forEach((item: unknown, i) => {
      const where = `${field}[${i}]`;
      let text: unknown = item;
      let name: string | undefined;
      if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
        const o = item as Record<string, unknown>;
        const unknown = Object.keys(o).filter((k) => k !== 'date' && k !== 'name');
        if (unknown.length > 0) {
          problems.push({
            where,
            code: 'CALENDAR_FIELD_UNKNOWN',
            message: `不认识的字段 ${unknown.join('、')}；一项只能有 date 和 name，如 { "date": "2027-02-06", "name": "春节" }`,
          });
          return;
        }
        text = o.date;
        if (o.name !== undefined) {
          if (typeof o.name !== 'string' || o.name.trim() === '' || o.name.length > 40) {
            problems.push({
              where: `${where}.name`,
              code: 'CALENDAR_FIELD_INVALID',
              message: `假期名称须是不超过 40 字的文字，如 "春节"`,
            });
            return;
          }
          name = o.name.trim();
        }
      }
      if (typeof text !== 'string') {
        problems.push({
          where,
          code: 'CALENDAR_DATE_INVALID',
          message: `应是日期文字，如 "2027-02-06"，现在是 ${JSON.stringify(text) ?? 'undefined'}`,
        });
        return;
      }
      const read = readDate(text);
      if ('problem' in read) {
        problems.push({ where, code: 'CALENDAR_DATE_INVALID', message: read.problem });
        return;
      }
      entries.push({ where, date: read.date, kind, ...(name ? { name } : {}) });
    });
  }
  if (year !== undefined) checkEntries(year, entries, problems, '这一项的 name 字段');
  if (problems.length > 0 || year === undefined || source === undefined) throw new CalendarFileError(file, problems);
  return toYearDates(year, entries, source);
}

const CSV_COLUMNS = { date: '日期', type: '类型', note: '说明' } as const;
const CSV_TYPES: Record<string, Entry['kind']> = { 放假: 'holiday', 上班: 'workday' };

/**
 * The CSV form, as rows (cli/csv.ts reads the bytes, UTF-8 or GBK). The year is the one most dates fall in (a 元旦
 * arrangement may start in the December before); `source` comes from the command line, a CSV having no place for it.
 */
export function parseCalendarCsv(rows: string[][], file: string, source: string | undefined): YearDates {
  const problems: CalendarFileProblem[] = [];
  const sourceText = checkSource(
    source,
    '命令行',
    problems,
    'CSV 文件请用 --source 写明通知的标题，如 --source "国务院办公厅关于2027年部分节假日安排的通知"',
  );
  const numbered = rows.map((cells, i) => ({ line: i + 1, cells })).filter((r) => r.cells.some((c) => c.trim()));
  const header = numbered.shift();
  if (!header) {
    throw new CalendarFileError(file, [
      ...problems,
      {
        where: '整个文件',
        code: 'CALENDAR_FIELD_MISSING',
        message: '文件是空的；第一行应是表头“日期,类型,说明”，其后每行一个日期',
      },
    ]);
  }
  const names = header.cells.map((c) => c.trim());
  const allowed: string[] = Object.values(CSV_COLUMNS);
  names.forEach((name, i) => {
    if (!allowed.includes(name)) {
      problems.push({
        where: `第${header.line}行 第${i + 1}列`,
        code: 'CALENDAR_FIELD_UNKNOWN',
        message: `不认识的列“${name}”；只接受 ${allowed.join('、')} 三列（说明可省）。请删去这一列，或改正列名`,
      });
    } else if (names.indexOf(name) !== i) {
      problems.push({
        where: `第${header.line}行 第${i + 1}列`,
        code: 'CALENDAR_FIELD_UNKNOWN',
        message: `“${name}”列出现了两次；请删去一列`,
      });
    }
  });
  for (const required of [CSV_COLUMNS.date, CSV_COLUMNS.type]) {
    if (!names.includes(required)) {
      problems.push({
        where: `第${header.line}行`,
        code: 'CALENDAR_FIELD_MISSING',
        message: `表头缺少“${required}”列；表头应是“日期,类型,说明”`,
      });
    }
  }
  if (problems.some((p) => p.where.startsWith(`第${header.line}行`))) throw new CalendarFileError(file, problems);

  const col = (name: string) => names.indexOf(name);
  const entries: Entry[] = [];
  for (const { line, cells } of numbered) {
    if (cells.length > names.length && cells.slice(names.length).some((c) => c.trim())) {
      problems.push({
        where: `第${line}行`,
        code: 'CALENDAR_FIELD_UNKNOWN',
        message: `有 ${cells.length} 格，表头只有 ${names.length} 列；请删去多出的格，或给它们加上表头`,
      });
      continue;
    }
    const cell = (name: string) => (cells[col(name)] ?? '').trim();
    const typeText = cell(CSV_COLUMNS.type);
    const kind = CSV_TYPES[typeText];
    if (!kind) {
      problems.push({
        where: `第${line}行 类型`,
        code: 'CALENDAR_TYPE_INVALID',
        message: `${typeText === '' ? '类型是空的' : `“${typeText}”不是类型`}；只能写“放假”或“上班”`,
      });
    }
    const dateText = cell(CSV_COLUMNS.date);
    const read = readDate(dateText);
    if ('problem' in read) {
      problems.push({
        where: `第${line}行 日期`,
        code: 'CALENDAR_DATE_INVALID',
        message: dateText === '' ? '日期是空的；请填上日期，如 2027-02-06' : read.problem,
      });
      continue;
    }
    const note = col(CSV_COLUMNS.note) >= 0 ? cell(CSV_COLUMNS.note) : '';
    if (note.length > 40) {
      problems.push({
        where: `第${line}行 说明`,
        code: 'CALENDAR_FIELD_INVALID',
        message: `说明只写假期名称（如“春节”），不超过 40 字`,
      });
      continue;
    }
    if (kind) entries.push({ where: `第${line}行 日期`, date: read.date, kind, ...(note ? { name: note } : {}) });
  }

  const common = mostCommonYear(entries);
  const year = common === undefined ? undefined : checkYear(common, '日期所属的年份', problems);
  if (year !== undefined) checkEntries(year, entries, problems, '说明一栏');
  else if (
    common === undefined &&
    !problems.some((p) => p.code === 'CALENDAR_DATE_INVALID' || p.code === 'CALENDAR_TYPE_INVALID')
  ) {
    problems.push({
      where: '整个文件',
      code: 'CALENDAR_NO_HOLIDAYS',
      message: '表头下没有日期；请每行填一个日期：日期,类型（放假或上班）,说明',
    });
  }
  if (problems.length > 0 || year === undefined || sourceText === undefined)
    throw new CalendarFileError(file, problems);
  return toYearDates(year, entries, sourceText);
}

/** The year most dates fall in, the later one on a tie; a stray date of another year is then what gets refused. */
function mostCommonYear(entries: Entry[]): number | undefined {
  const counts = new Map<number, number>();
  for (const e of entries) counts.set(Number(e.date.slice(0, 4)), (counts.get(Number(e.date.slice(0, 4))) ?? 0) + 1);
  let best: number | undefined;
  for (const [year, count] of counts) {
    if (best === undefined || count > counts.get(best)! || (count === counts.get(best)! && year > best)) best = year;
  }
  return best;
}
