/**
 * The unit directory as a coordinator keeps it in a spreadsheet (CSV or XLSX): a header row, then one row per
 * office with columns 单位, 别名 and 所属分组 (several names in one cell separated by 、). Read back here with every
 * problem named by row and column with its fix, in Chinese, so nothing is stored from a file with a mistake in it.
 */
import { directoryConflicts, unitKey, type DirectoryUnit } from './directory';

export const DIRECTORY_COLUMNS = ['单位', '别名', '所属分组'] as const;
export type DirectoryColumn = (typeof DIRECTORY_COLUMNS)[number];

/** Other headings a coordinator may have typed for the same column. */
const COLUMN_NAMES: Record<string, DirectoryColumn> = {
  单位: '单位',
  单位名称: '单位',
  unit: '单位',
  别名: '别名',
  aliases: '别名',
  所属分组: '所属分组',
  分组: '所属分组',
  groups: '所属分组',
};

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
export function readDirectoryTable(table: string[][]): DirectoryUnit[] {
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
  if (!names.some((h) => COLUMN_NAMES[h] !== undefined)) {
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
    const col = COLUMN_NAMES[h];
    if (col === undefined) {
      problems.push({
        row: 1,
        column: `第${i + 1}列`,
        code: 'UNKNOWN_COLUMN',
        message: `不认识的列“${h}”：改为 ${DIRECTORY_COLUMNS.join('、')} 之一，或删去该列`,
      });
      return null;
    }
    if (names.slice(0, i).some((earlier) => COLUMN_NAMES[earlier] === col)) {
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
    if (problems.length > before) return;
    units.push({ name, aliases, groups });
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

/** What an import changes: units added, units whose aliases or groups changed, units removed, units kept as they were. */
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
    else if (!sameNames(was.aliases, u.aliases) || !sameNames(was.groups, u.groups)) diff.changed.push(u.name);
    else diff.unchanged += 1;
  }
  diff.removed = before.filter((u) => !next.has(u.name)).map((u) => u.name);
  return diff;
}

/** The directory as a table again (the header and one row per unit): what `units list` shows and a file to edit. */
export function directoryToRows(units: readonly DirectoryUnit[]): string[][] {
  return [
    [...DIRECTORY_COLUMNS],
    ...units.map((u) => [u.name, u.aliases.join(NAME_SEPARATOR), u.groups.join(NAME_SEPARATOR)]),
  ];
}
