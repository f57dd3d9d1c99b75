/**
 * `duban units import` and `duban units list`: the unit directory (单位名录) a launch expands collectives through,
 * read from the coordinator's spreadsheet and kept in PostgreSQL. A file with any problem is refused whole, with
 * every problem named by row and fix, and nothing is stored.
 */

import { extname } from 'node:path';
import ExcelJS from 'exceljs';
import {
  DirectoryTableError,
  UnitDirectory,
  directoryToRows,
  readDirectoryTable,
  type DirectoryUnit,
} from '../domain/units';
import { loadDirectory, replaceDirectory } from '../infra/unit-store';
import { parseArgs, UsageError } from './args';
import { readInputFile } from './files';
import { readCsv, writeCsv } from './csv';
import { withPool } from './connections';
import type { Io } from './plan-command';
import { cellText } from './xlsx';

export const UNITS_USAGE = `  duban units import FILE.(csv|xlsx)
      导入单位名录：第1行为表头 单位、别名、所属分组（后两列可省略），每行一个单位，多个别名或分组用、分隔；
      导入即替换现有名录，并报告新增、变更、删除的单位数；文件有任何问题则逐行指出，什么也不保存
  duban units list [--group 分组] [--format text|csv]
      列出单位名录，或一个分组的成员（分组名可按计划中的写法，如“各区”“市质强委相关成员单位”）`;

/** The sheet a directory workbook keeps its table in; otherwise the first sheet is read. */
export const UNITS_SHEET = '单位名录';

async function readXlsxRows(bytes: Buffer, file: string): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new UsageError(`${file} 不是可读取的 .xlsx 工作簿：用 Excel 或 WPS 另存为 .xlsx 后重试`);
  }
  const ws = wb.getWorksheet(UNITS_SHEET) ?? wb.worksheets[0];
  if (!ws) return [];
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= ws.columnCount; c++) cells.push(cellText(row.getCell(c).value));
    rows.push(cells);
  });
  return rows;
}

/** The directory a file describes, or a DirectoryTableError naming every problem. */
export async function readDirectoryFile(io: Io, file: string): Promise<DirectoryUnit[]> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return readDirectoryTable(readCsv(readInputFile(io, file, '名录文件（.csv 或 .xlsx）')));
  if (ext === '.xlsx')
    return readDirectoryTable(await readXlsxRows(readInputFile(io, file, '名录文件（.csv 或 .xlsx）'), file));
  throw new UsageError(`不能导入“${ext || file}”：单位名录请用 .csv 或 .xlsx 文件`);
}

function listText(units: readonly DirectoryUnit[]): string {
  return units
    .map(
      (u) =>
        `${u.name}${u.aliases.length > 0 ? `  又作：${u.aliases.join('、')}` : ''}` +
        `${u.groups.length > 0 ? `  分组：${u.groups.join('、')}` : ''}\n`,
    )
    .join('');
}

async function unitsImport(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, []);
  if (args.positionals.length !== 1) {
    throw new UsageError(`units import 需要一个文件（收到 ${args.positionals.length} 个）`);
  }
  const units = await readDirectoryFile(io, args.positionals[0]!);
  const diff = await withPool(io, (pool) => replaceDirectory(pool, units));
  const groups = new UnitDirectory(units).groups().length;
  io.stdout(
    `单位名录已导入：${units.length} 个单位、${groups} 个分组；` +
      `新增 ${diff.added.length}，变更 ${diff.changed.length}，删除 ${diff.removed.length}，未变 ${diff.unchanged}\n`,
  );
  for (const [label, names] of [
    ['新增', diff.added],
    ['变更', diff.changed],
    ['删除', diff.removed],
  ] as const) {
    if (names.length > 0) io.stdout(`  ${label}：${names.join('、')}\n`);
  }
  return 0;
}

async function unitsList(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['group', 'format']);
  if (args.positionals.length > 0) throw new UsageError(`units list 不接受参数：${args.positionals.join(' ')}`);
  const format = args.options.get('format') ?? 'text';
  if (format !== 'text' && format !== 'csv') throw new UsageError(`--format 只能是 text 或 csv，不是“${format}”`);
  const directory = new UnitDirectory(await withPool(io, loadDirectory));
  const groupName = args.options.get('group');
  let units = directory.units();
  if (groupName !== undefined) {
    const group = directory.group(groupName, true);
    if (!group) {
      const known = directory.groups().map((g) => g.name);
      io.stderr(
        `duban：单位名录中没有分组“${groupName}”` +
          `${known.length > 0 ? `；已有分组：${known.join('、')}` : '；名录中还没有任何分组'}。` +
          '在名录文件的“所属分组”列写上它，再运行 duban units import\n',
      );
      return 2;
    }
    units = units.filter((u) => group.members.includes(u.name));
    if (format === 'text') {
      const how = group.name === groupName ? '' : `（按“${groupName}”匹配）`;
      io.stdout(`分组“${group.name}”${how}：${units.length} 个单位\n`);
    }
  } else if (format === 'text') {
    io.stdout(`单位名录：${units.length} 个单位、${directory.groups().length} 个分组\n`);
  }
  io.stdout(format === 'csv' ? writeCsv(directoryToRows(units)) : listText(units));
  return 0;
}

/** `duban units SUB …`: a refused file prints its problems and exits 2, having stored nothing. */
export async function unitsCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  try {
    if (sub === 'import') return await unitsImport(argv, io);
    if (sub === 'list') return await unitsList(argv, io);
  } catch (e) {
    if (e instanceof DirectoryTableError) {
      io.stderr(`duban：${e.message}\n`);
      return 2;
    }
    throw e;
  }
  throw new UsageError(`未知的 units 子命令 ${sub ?? '（无）'}；可用：import、list`);
}
