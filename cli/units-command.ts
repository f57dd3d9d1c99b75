/**
 * `duban units import` and `duban units list`: the unit directory (单位名录) a launch expands collectives through,
 * read from the coordinator's spreadsheet and kept in PostgreSQL. A file with any problem is refused whole, with
 * every problem named by row and fix, and nothing is stored.
 */

import { extname } from 'node:path';
import ExcelJS from 'exceljs';
import {
  CONTACT_COLUMNS,
  DirectoryTableError,
  MASK,
  UnitDirectory,
  directoryToRows,
  maskContacts,
  readDirectoryTable,
  type DirectoryTableOptions,
  type DirectoryUnit,
  type UnitContacts,
} from '../domain/units';
import { unitsWithoutChannel } from '../domain/notify/contacts';
import { loadDirectory, replaceDirectory } from '../infra/unit-store';
import { parseArgs, UsageError } from './args';
import { readInputFile } from './files';
import { readCsv, writeCsv } from './csv';
import { configOf, withPool } from './connections';
import type { Io } from './plan-command';
import { cellText } from './xlsx';

export const UNITS_USAGE = `  duban units import FILE.(csv|xlsx)
      导入单位名录：第1行为表头 单位、别名、所属分组（后两列可省略），每行一个单位，多个别名或分组用、分隔；
      可选的通知列：${CONTACT_COLUMNS.join('、')}
      （联络员邮箱与联络员、密钥与机器人按顺序对应；接收方式写 逐条 或 每日汇总）；
      导入即替换现有名录，并报告新增、变更、删除的单位数，列出没有任何通知渠道的单位；
      文件有任何问题则逐行指出，什么也不保存
  duban units list [--group 分组] [--format text|csv] [--with-secrets]
      列出单位名录，或一个分组的成员（分组名可按计划中的写法，如“各区”“市质强委相关成员单位”）；
      密钥和机器人地址中的令牌遮盖显示，遮盖的值再导入时沿用该单位已存的值；--with-secrets 完整输出（迁移时用）`;

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

/** The rows of a directory file (CSV or XLSX). */
async function readDirectoryRows(io: Io, file: string): Promise<string[][]> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return readCsv(readInputFile(io, file, '名录文件（.csv 或 .xlsx）'));
  if (ext === '.xlsx') return readXlsxRows(readInputFile(io, file, '名录文件（.csv 或 .xlsx）'), file);
  throw new UsageError(`不能导入“${ext || file}”：单位名录请用 .csv 或 .xlsx 文件`);
}

/** The directory a file describes, or a DirectoryTableError naming every problem. */
export async function readDirectoryFile(
  io: Io,
  file: string,
  options: DirectoryTableOptions = {},
): Promise<DirectoryUnit[]> {
  return readDirectoryTable(await readDirectoryRows(io, file), options);
}

/** A unit's contacts on one line, secrets masked: 负责人、联络员 with their emails, robots, the digest. */
function contactsText(c: UnitContacts): string {
  const m = maskContacts(c);
  const person = (p: { name: string; email?: string }) => (p.email ? `${p.name} <${p.email}>` : p.name);
  const hooks = (kind: string, label: string) =>
    m.webhooks
      .filter((w) => w.kind === kind)
      .map((w) => `  ${label}：${w.url}${w.secret !== undefined ? `（密钥 ${w.secret}）` : ''}`)
      .join('');
  return (
    `${m.head ? `  负责人：${person(m.head)}` : ''}` +
    `${m.liaisons.length > 0 ? `  联络员：${m.liaisons.map(person).join('、')}` : ''}` +
    hooks('dingtalk', '钉钉') +
    hooks('wecom', '企业微信') +
    hooks('json', 'Webhook') +
    `${m.digest ? '  接收方式：每日汇总' : ''}`
  );
}

function listText(units: readonly DirectoryUnit[]): string {
  return units
    .map(
      (u) =>
        `${u.name}${u.aliases.length > 0 ? `  又作：${u.aliases.join('、')}` : ''}` +
        `${u.groups.length > 0 ? `  分组：${u.groups.join('、')}` : ''}${contactsText(u.contacts)}\n`,
    )
    .join('');
}

/**
 * The warning an import (and a launch) gives about units nobody would hear from outside the inbox: named one by one,
 * or, when no unit has a channel yet, said once.
 */
export function noChannelWarning(units: readonly DirectoryUnit[], names: readonly string[]): string {
  const silent = unitsWithoutChannel(units, names);
  if (silent.length === 0) return '';
  const fix = '要发邮件或群消息，在名录中补上联络员和联络员邮箱，或钉钉、企业微信机器人、Webhook 地址，再导入';
  if (silent.length === names.length && names.length > 1) {
    return `注意：名录中的 ${names.length} 个单位都没有通知渠道，通知只在系统收件箱中可见；${fix}\n`;
  }
  return `注意：${silent.length} 个单位没有通知渠道，通知只在系统收件箱中可见：${silent.join('、')}；${fix}\n`;
}

async function unitsImport(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, []);
  if (args.positionals.length !== 1) {
    throw new UsageError(`units import 需要一个文件（收到 ${args.positionals.length} 个）`);
  }
  const forbidPrivate = configOf(io).WEBHOOK_FORBID_PRIVATE;
  const rows = await readDirectoryRows(io, args.positionals[0]!);
  // A listing's masked secrets, edited and imported back, stand for the stored ones: only then is the store read first.
  const stored = rows.some((r) => r.some((c) => c.includes(MASK))) ? await withPool(io, loadDirectory) : undefined;
  const units = readDirectoryTable(rows, { forbidPrivate, ...(stored && { stored }) });
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
  const warning = noChannelWarning(
    units,
    units.map((u) => u.name),
  );
  if (warning !== '') io.stderr(warning);
  return 0;
}

async function unitsList(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['group', 'format'], ['with-secrets']);
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
  const mask = !args.flags.has('with-secrets');
  io.stdout(format === 'csv' ? writeCsv(directoryToRows(units, { mask })) : listText(units));
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
