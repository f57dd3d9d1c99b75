/**
 * The unit directory as a coordinator keeps it in a spreadsheet (CSV or XLSX): a header row, then one row per
 * office with columns 单位, 别名 and 所属分组 (several names in one cell separated by 、), and optionally who is told
 * and where (the {@link CONTACT_COLUMNS}). Read back here with every problem named by row and column with its fix, in
 * Chinese, so nothing is stored from a file with a mistake in it.
 */
import {
  DELIVERY_MODES,
  MASK,
  isEmail,
  maskContacts,
  maskSecret,
  maskUrl,
  noContacts,
  urlProblem,
  type Person,
  type UnitContacts,
  type Webhook,
  type WebhookKind,
} from './contacts';
import { canonicalJson } from '../canonical-json';
import { directoryConflicts, unitKey, type DirectoryUnit } from './directory';

export const DIRECTORY_COLUMNS = ['单位', '别名', '所属分组'] as const;
/**
 * Who is told, and where; all optional. Several people, addresses or robots in one cell are separated like names
 * (、，； or line breaks); 联络员邮箱 pairs with 联络员 by position, a 密钥 with its robot or Webhook by position.
 */
export const CONTACT_COLUMNS = [
  '负责人',
  '负责人邮箱',
  '联络员',
  '联络员邮箱',
  '钉钉机器人',
  '钉钉加签密钥',
  '企业微信机器人',
  'Webhook',
  'Webhook密钥',
  '接收方式',
] as const;
export type DirectoryColumn = (typeof DIRECTORY_COLUMNS)[number] | (typeof CONTACT_COLUMNS)[number];
const ALL_COLUMNS: readonly DirectoryColumn[] = [...DIRECTORY_COLUMNS, ...CONTACT_COLUMNS];

/** Other headings a coordinator may have typed for the same column (English ones in any case). */
const COLUMN_NAMES: Record<string, DirectoryColumn> = {
  单位: '单位',
  单位名称: '单位',
  unit: '单位',
  别名: '别名',
  aliases: '别名',
  所属分组: '所属分组',
  分组: '所属分组',
  groups: '所属分组',
  负责人: '负责人',
  主要负责人: '负责人',
  head: '负责人',
  负责人邮箱: '负责人邮箱',
  主要负责人邮箱: '负责人邮箱',
  负责人电子邮箱: '负责人邮箱',
  head_email: '负责人邮箱',
  联络员: '联络员',
  联络人: '联络员',
  联系人: '联络员',
  liaisons: '联络员',
  联络员邮箱: '联络员邮箱',
  联络员电子邮箱: '联络员邮箱',
  联络人邮箱: '联络员邮箱',
  联系人邮箱: '联络员邮箱',
  liaison_emails: '联络员邮箱',
  钉钉机器人: '钉钉机器人',
  钉钉机器人地址: '钉钉机器人',
  钉钉群机器人: '钉钉机器人',
  dingtalk: '钉钉机器人',
  钉钉加签密钥: '钉钉加签密钥',
  钉钉密钥: '钉钉加签密钥',
  钉钉机器人密钥: '钉钉加签密钥',
  dingtalk_secret: '钉钉加签密钥',
  企业微信机器人: '企业微信机器人',
  企业微信机器人地址: '企业微信机器人',
  企业微信群机器人: '企业微信机器人',
  企微机器人: '企业微信机器人',
  wecom: '企业微信机器人',
  webhook: 'Webhook',
  webhook地址: 'Webhook',
  webhook密钥: 'Webhook密钥',
  webhook_secret: 'Webhook密钥',
  接收方式: '接收方式',
  delivery: '接收方式',
};
const columnOf = (heading: string): DirectoryColumn | undefined => COLUMN_NAMES[heading.toLowerCase()];

/** Several names in one cell: 、 as documents write lists (，；, ; and line breaks are read the same way). */
export const NAME_SEPARATOR = '、';
const SEPARATORS = /[、,，;；\n]/;
const MAX_NAME = 100;
// Control characters are what this pattern is for.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface DirectoryProblem {
  /** The row as the spreadsheet numbers it (the header is row 1). */
  row: number;
  column?: string;
  code: string;
  /** Chinese: the problem and the fix. */
  message: string;
}

/** The file cannot be the directory: every problem, each with its row and fix. Nothing was stored. */
export class DirectoryTableError extends Error {
  constructor(readonly problems: DirectoryProblem[]) {
    const shown = problems
      .slice(0, 30)
      .map((p) => `  第${p.row}行${p.column ? `（${p.column}）` : ''}：${p.message} [${p.code}]`);
    const more = problems.length > 30 ? [`  ……另有 ${problems.length - 30} 处`] : [];
    super(`单位名录有 ${problems.length} 处问题，未导入任何内容：\n${[...shown, ...more].join('\n')}`);
    this.name = 'DirectoryTableError';
  }
}

/**
 * A cell of paired values (emails with 联络员, secrets with robots): kept by position, an empty place (or 无, -)
 * meaning none, trailing empty places dropped. Addresses are NFKC-folded (＠ typed by an input method is @).
 */
function splitPaired(cell: string, separators: RegExp): (string | undefined)[] {
  const values = cell
    .normalize('NFKC')
    .split(separators)
    .map((v) => v.trim())
    .map((v) => (v === '' || v === '无' || v === '-' ? undefined : v));
  while (values.length > 0 && values[values.length - 1] === undefined) values.pop();
  return values;
}

/**
 * URLs and secrets: the name separators with the blanks around them, or a run of blanks (a URL has none; a pasted
 * list often does); two separators in a row still leave an empty place, so pairing by position holds.
 */
const URL_SEPARATORS = /[ \t]*[、，；,;\n][ \t]*|[ \t]+/;

/** Options of {@link readDirectoryTable}. */
export interface DirectoryTableOptions {
  /** WEBHOOK_FORBID_PRIVATE: refuse webhooks to loopback, private, link-local and unique-local addresses. */
  forbidPrivate?: boolean;
  /**
   * The directory stored now: a masked URL or secret (copied from a listing) that masks one of the same unit's
   * stored ones the same way stands for that stored value, so a listing edited and imported back keeps its secrets.
   */
  stored?: readonly DirectoryUnit[];
}

function splitNames(cell: string): string[] {
  return [
    ...new Set(
      cell
        .split(SEPARATORS)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

/**
 * The directory a table describes. Blank rows are skipped; a header is required (row 1), an unknown or repeated
 * column is refused, and every bad cell and every conflict (a unit twice, an alias on two units, a group named like
 * a unit) is reported together in one {@link DirectoryTableError}, so one round of fixes makes the file importable.
 */
export function readDirectoryTable(table: string[][], options: DirectoryTableOptions = {}): DirectoryUnit[] {
  const problems: DirectoryProblem[] = [];
  const header = table[0] ?? [];
  if (table.every((r) => r.every((c) => c.trim() === ''))) {
    throw new DirectoryTableError([
      {
        row: 1,
        code: 'EMPTY_TABLE',
        message: `文件是空的：第1行写表头（${DIRECTORY_COLUMNS.join('、')}），从第2行起每行一个单位`,
      },
    ]);
  }
  const names = header.map((h) => h.trim());
  if (!names.some((h) => columnOf(h) !== undefined)) {
    throw new DirectoryTableError([
      {
        row: 1,
        code: 'NO_HEADER',
        message:
          `第1行应是表头，现在是“${names.filter((h) => h !== '').join('，')}”：` +
          `在最前面插入一行表头 ${DIRECTORY_COLUMNS.join('、')}（别名、所属分组两列可省略）`,
      },
    ]);
  }
  const columns: (DirectoryColumn | null)[] = names.map((h, i) => {
    if (h === '') return null;
    const col = columnOf(h);
    if (col === undefined) {
      problems.push({
        row: 1,
        column: `第${i + 1}列`,
        code: 'UNKNOWN_COLUMN',
        message: `不认识的列“${h}”：改为 ${ALL_COLUMNS.join('、')} 之一，或删去该列`,
      });
      return null;
    }
    if (names.slice(0, i).some((earlier) => columnOf(earlier) === col)) {
      problems.push({
        row: 1,
        column: `第${i + 1}列`,
        code: 'DUPLICATE_COLUMN',
        message: `“${h}”与前面的列都是“${col}”：合并为一列`,
      });
      return null;
    }
    return col;
  });
  if (!columns.includes('单位')) {
    problems.push({ row: 1, code: 'NO_UNIT_COLUMN', message: '表头没有“单位”列：加上这一列，写单位全称' });
  }
  if (problems.length > 0) throw new DirectoryTableError(problems);

  const units: DirectoryUnit[] = [];
  const rowOf: number[] = [];
  table.slice(1).forEach((cells, k) => {
    const row = k + 2;
    if (cells.every((c) => c.trim() === '')) return;
    const cell = (col: DirectoryColumn) => cells[columns.indexOf(col)] ?? '';
    cells.forEach((c, i) => {
      if (c.trim() !== '' && (columns[i] ?? null) === null) {
        problems.push({
          row,
          column: `第${i + 1}列`,
          code: 'CELL_WITHOUT_COLUMN',
          message: `“${c.trim()}”所在的列没有表头：在第1行写上列名，或删去这一格`,
        });
      }
    });
    const name = cell('单位').trim();
    if (name === '') {
      problems.push({
        row,
        column: '单位',
        code: 'EMPTY_UNIT',
        message: '单位为空：写上单位全称，或删去这一行',
      });
      return;
    }
    const aliases = splitNames(cell('别名')).filter((a) => unitKey(a) !== unitKey(name));
    const groups = splitNames(cell('所属分组'));
    const before = problems.length;
    for (const [column, values] of [
      ['单位', [name]],
      ['别名', aliases],
      ['所属分组', groups],
    ] as const) {
      for (const v of values) {
        if (CONTROL.test(v)) {
          problems.push({ row, column, code: 'INVALID_TEXT', message: `“${v}”含有控制字符：删去后重新保存` });
        } else if (v.length > MAX_NAME) {
          problems.push({
            row,
            column,
            code: 'INVALID_TEXT',
            message: `“${v.slice(0, 20)}…”长 ${v.length} 字，名称最长 ${MAX_NAME} 字：检查是否漏写了分隔符、`,
          });
        }
      }
    }
    const previous = options.stored?.find((u) => unitKey(u.name) === unitKey(name))?.contacts;
    const contacts = readContacts(cell, row, problems, options, previous);
    if (problems.length > before) return;
    units.push({ name, aliases, groups, contacts });
    rowOf.push(row);
  });
  if (units.length === 0 && problems.length === 0) {
    problems.push({ row: 2, code: 'NO_UNITS', message: '只有表头，没有单位：从第2行起每行写一个单位' });
  }
  for (const c of directoryConflicts(units)) {
    const other = c.other === undefined ? '' : `（见第${rowOf[c.other]}行）`;
    problems.push({ row: rowOf[c.index]!, code: c.code, message: `${c.message}${other}` });
  }
  if (problems.length > 0) throw new DirectoryTableError(problems.sort((a, b) => a.row - b.row));
  return units;
}

/** A person's name as a cell gives it: checked like a unit's name. */
function personProblem(name: string): string | undefined {
  if (CONTROL.test(name)) return `“${name}”含有控制字符：删去后重新保存`;
  if (name.length > MAX_NAME) return `“${name.slice(0, 20)}…”长 ${name.length} 字：检查是否漏写了分隔符、`;
  return undefined;
}

/**
 * The contact columns of one row, every bad cell added to `problems` (with its row, column, code and fix): a
 * malformed email, an email without a person, a second 负责人, a URL that is not http(s) (or is forbidden), a secret
 * without its robot, a DingTalk secret that is not one, a value copied from a masked listing, an unknown 接收方式.
 */
function readContacts(
  cell: (col: DirectoryColumn) => string,
  row: number,
  problems: DirectoryProblem[],
  options: DirectoryTableOptions,
  previous: UnitContacts | undefined,
): UnitContacts {
  const contacts = noContacts();
  const problem = (column: DirectoryColumn, code: string, message: string) =>
    problems.push({ row, column, code, message });
  const email = (column: DirectoryColumn, value: string): string | undefined => {
    if (isEmail(value)) return value;
    problem(column, 'INVALID_EMAIL', `“${value}”不是有效的电子邮箱：写成 name@example.gov.cn 的形式`);
    return undefined;
  };
  const checkedName = (column: DirectoryColumn, value: string): boolean => {
    const why = personProblem(value);
    if (why) problem(column, 'INVALID_TEXT', why);
    return why === undefined;
  };

  const heads = splitPaired(cell('负责人'), SEPARATORS).filter((v): v is string => v !== undefined);
  const headEmails = splitPaired(cell('负责人邮箱'), SEPARATORS).filter((v): v is string => v !== undefined);
  if (heads.length > 1) {
    problem('负责人', 'TOO_MANY_HEADS', `负责人只写一位（现有 ${heads.join('、')}）：其他人写在“联络员”列`);
  }
  if (headEmails.length > 1) {
    problem(
      '负责人邮箱',
      'TOO_MANY_HEADS',
      `负责人邮箱只写一个（现有 ${headEmails.length} 个）：其他邮箱写在“联络员邮箱”列`,
    );
  }
  const head = heads[0];
  const headEmail = headEmails[0];
  if (headEmail !== undefined && head === undefined) {
    problem('负责人邮箱', 'EMAIL_WITHOUT_PERSON', `邮箱“${headEmail}”没有对应的负责人：在“负责人”列写上姓名`);
  }
  if (head !== undefined && checkedName('负责人', head)) {
    const checked = headEmail === undefined ? undefined : email('负责人邮箱', headEmail);
    contacts.head = { name: head, ...(checked !== undefined && { email: checked }) };
  }

  const liaisons = splitPaired(cell('联络员'), SEPARATORS);
  const liaisonEmails = splitPaired(cell('联络员邮箱'), SEPARATORS);
  liaisonEmails.forEach((value, i) => {
    if (value !== undefined && liaisons[i] === undefined) {
      problem(
        '联络员邮箱',
        'EMAIL_WITHOUT_PERSON',
        `第${i + 1}个邮箱“${value}”没有对应的联络员：在“联络员”列同一位置写上姓名（联络员与邮箱按顺序一一对应）`,
      );
    }
  });
  liaisons.forEach((name, i) => {
    if (name === undefined || !checkedName('联络员', name)) return;
    const given = liaisonEmails[i];
    const checked = given === undefined ? undefined : email('联络员邮箱', given);
    const person: Person = { name, ...(checked !== undefined && { email: checked }) };
    contacts.liaisons.push(person);
  });

  const robots: [DirectoryColumn, DirectoryColumn | undefined, WebhookKind][] = [
    ['钉钉机器人', '钉钉加签密钥', 'dingtalk'],
    ['企业微信机器人', undefined, 'wecom'],
    ['Webhook', 'Webhook密钥', 'json'],
  ];
  for (const [urlColumn, secretColumn, kind] of robots) {
    const urls = splitPaired(cell(urlColumn), URL_SEPARATORS);
    const secrets = secretColumn === undefined ? [] : splitPaired(cell(secretColumn), URL_SEPARATORS);
    secrets.forEach((secret, i) => {
      if (secret !== undefined && urls[i] === undefined) {
        problem(
          secretColumn!,
          'SECRET_WITHOUT_ROBOT',
          `第${i + 1}个密钥没有对应的地址：在“${urlColumn}”列同一位置写上地址，或删去这个密钥（密钥与地址按顺序一一对应）`,
        );
      }
    });
    const storedOfKind = previous?.webhooks.filter((w) => w.kind === kind) ?? [];
    urls.forEach((given, i) => {
      if (given === undefined) return;
      const url = given.includes(MASK) ? (storedOfKind.find((w) => maskUrl(w.url) === given)?.url ?? given) : given;
      const why = url.includes(MASK)
        ? '这是名录列表中遮盖过的地址，与该单位现有的地址对不上：从机器人设置中复制完整地址' +
          '（或用 duban units list --format csv --with-secrets 导出）'
        : urlProblem(url, options.forbidPrivate);
      if (why) {
        problem(urlColumn, url.includes(MASK) ? 'MASKED_SECRET' : 'INVALID_URL', why);
        return;
      }
      const givenSecret = secrets[i];
      const secret = givenSecret?.includes(MASK)
        ? (storedOfKind.find((w) => w.url === url && w.secret !== undefined && maskSecret(w.secret) === givenSecret)
            ?.secret ?? givenSecret)
        : givenSecret;
      if (secret !== undefined) {
        if (secret.includes(MASK)) {
          problem(
            secretColumn!,
            'MASKED_SECRET',
            '这是名录列表中遮盖过的密钥，与该单位现有的密钥对不上：从机器人设置中复制完整密钥' +
              '（或用 duban units list --format csv --with-secrets 导出）',
          );
          return;
        }
        if (kind === 'dingtalk' && !/^SEC[0-9a-zA-Z]+$/.test(secret)) {
          problem(
            secretColumn!,
            'INVALID_SECRET',
            '钉钉加签密钥以 SEC 开头、由字母和数字组成：在钉钉机器人“安全设置—加签”处复制完整密钥',
          );
          return;
        }
        if (CONTROL.test(secret) || secret.length > 200) {
          problem(secretColumn!, 'INVALID_SECRET', '密钥含有控制字符或过长（最长 200 字符）：重新复制密钥');
          return;
        }
      }
      const webhook: Webhook = { kind, url, ...(secret !== undefined && { secret }) };
      contacts.webhooks.push(webhook);
    });
  }

  const mode = cell('接收方式').trim();
  if (mode !== '') {
    if (Object.hasOwn(DELIVERY_MODES, mode)) contacts.digest = DELIVERY_MODES[mode as keyof typeof DELIVERY_MODES];
    else {
      problem(
        '接收方式',
        'UNKNOWN_DELIVERY_MODE',
        `不认识的接收方式“${mode}”：写“逐条”（每条通知单独发送，默认）或“每日汇总”（每天一条汇总）`,
      );
    }
  }
  return contacts;
}

/**
 * What an import changes: units added, units whose aliases, groups or contacts changed, units removed, units kept as
 * they were.
 */
export interface DirectoryDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

/**
 * An import replaces the directory; this says how, unit by unit (by name), so the coordinator sees that the file
 * was the one meant: a reordered alias list is no change.
 */
export function diffDirectory(before: readonly DirectoryUnit[], after: readonly DirectoryUnit[]): DirectoryDiff {
  const old = new Map(before.map((u) => [u.name, u]));
  const next = new Set(after.map((u) => u.name));
  const diff: DirectoryDiff = { added: [], changed: [], removed: [], unchanged: 0 };
  for (const u of after) {
    const was = old.get(u.name);
    if (!was) diff.added.push(u.name);
    else if (
      !sameNames(was.aliases, u.aliases) ||
      !sameNames(was.groups, u.groups) ||
      canonicalJson(was.contacts) !== canonicalJson(u.contacts)
    ) {
      diff.changed.push(u.name);
    } else diff.unchanged += 1;
  }
  diff.removed = before.filter((u) => !next.has(u.name)).map((u) => u.name);
  return diff;
}

/**
 * The directory as a table again (the header and one row per unit): what `units list --format csv` writes and a file
 * to edit and import again. The contact columns appear when some unit has contacts, so a directory without any keeps
 * its three columns; secrets are written in full unless `mask` (a listing on a screen).
 */
export function directoryToRows(units: readonly DirectoryUnit[], { mask = false } = {}): string[][] {
  const withContacts = units.some((u) => canonicalJson(u.contacts) !== canonicalJson(noContacts()));
  const header: string[] = [...DIRECTORY_COLUMNS, ...(withContacts ? CONTACT_COLUMNS : [])];
  return [
    header,
    ...units.map((u) => [
      u.name,
      u.aliases.join(NAME_SEPARATOR),
      u.groups.join(NAME_SEPARATOR),
      ...(withContacts ? contactCells(mask ? maskContacts(u.contacts) : u.contacts) : []),
    ]),
  ];
}

/** One unit's contact cells, in the order of {@link CONTACT_COLUMNS}; paired lists keep empty places. */
function contactCells(c: UnitContacts): string[] {
  const of = (kind: WebhookKind) => c.webhooks.filter((w) => w.kind === kind);
  const urls = (kind: WebhookKind) =>
    of(kind)
      .map((w) => w.url)
      .join('\n');
  const secrets = (kind: WebhookKind) => trimEnd(of(kind).map((w) => w.secret ?? '')).join('\n');
  return [
    c.head?.name ?? '',
    c.head?.email ?? '',
    c.liaisons.map((p) => p.name).join(NAME_SEPARATOR),
    trimEnd(c.liaisons.map((p) => p.email ?? '')).join(NAME_SEPARATOR),
    urls('dingtalk'),
    secrets('dingtalk'),
    urls('wecom'),
    urls('json'),
    secrets('json'),
    c.digest ? '每日汇总' : '逐条',
  ];
}

function trimEnd(values: string[]): string[] {
  const out = [...values];
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}
