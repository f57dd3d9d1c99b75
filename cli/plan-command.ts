/**
 * `duban plan parse` and `duban plan import`: file I/O around the pure plan reader. Expected failures (bad usage,
 * unreadable plan, invalid table) are thrown as UsageError/PlanError; main turns them into exit code 2.
 */
import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { DOCUMENT_KIND_LABEL, parsePlan, planToRows, type ParsedPlan } from '../domain/plan';
import { UsageError, parseArgs } from './args';
import { readInputFile } from './files';
import { writeCsv } from './csv';
import { formatPlanText } from './format-text';
import { readPlanDocument } from './plan-documents';
import { parseTaskTable, TABLE_EXTENSIONS } from './task-table';
import { writeXlsx } from './xlsx';

export const PLAN_USAGE = `用法：
  duban plan parse FILE [--format text|json|csv|xlsx] [--out FILE] [--plan-year YYYY]
      读取计划文件（.docx、.doc、有文字层的 .pdf、另存的网页，或 UTF-8/GBK 编码的 .txt；简体或繁体），
      列出其中的任务；csv/xlsx 输出任务分解表，供在电子表格中审核
  duban plan import FILE.(csv|xlsx|json) [--out plan.json] [--plan-year YYYY]
      读回审核过的任务分解表，逐行校验，输出启动督办周期所用的计划 JSON`;

/** Where a command reads and writes: the process's stdio and directory, or a test's buffers and temporary one. */
export interface Io {
  stdout: (s: string | Buffer) => void;
  stderr: (s: string) => void;
  /** The directory relative FILE and --out paths are taken from. */
  cwd: string;
  /** True when stdout is a terminal, where binary output (xlsx) is refused. */
  isTty?: boolean;
  /** True when stderr is a terminal, where progress is a bar redrawn in place. */
  stderrIsTty?: boolean;
  /** The environment (DUBAN_DEBUG); the process's when not given. */
  env?: NodeJS.ProcessEnv;
  /** All of standard input, for a password piped in (`duban users add … --password-stdin`). */
  stdin?: () => Promise<string>;
  /** False when standard input is piped or redirected, not a terminal. */
  stdinIsTty?: boolean;
}

/** The one FILE a command reads: several are refused rather than all but one silently ignored. */
function oneFile(positionals: string[]): string | undefined {
  if (positionals.length > 1) throw new UsageError(`一次只能给一个 FILE（收到：${positionals.join('、')}）`);
  return positionals[0];
}

function planYearOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^(19|20|21)\d{2}$/.test(v)) throw new UsageError(`--plan-year 应为年份，如 2017，而不是“${v}”`);
  return Number(v);
}

function emit(io: Io, out: string | undefined, data: string | Buffer): void {
  if (out === undefined) io.stdout(data);
  else writeFileSync(resolve(io.cwd, out), data);
}

type Format = 'text' | 'json' | 'csv' | 'xlsx';

function formatOption(v: string | undefined, out: string | undefined): Format {
  if (v === undefined) {
    const ext = out ? extname(out).toLowerCase() : '';
    return ext === '.json' ? 'json' : ext === '.csv' ? 'csv' : ext === '.xlsx' ? 'xlsx' : 'text';
  }
  if (v === 'text' || v === 'json' || v === 'csv' || v === 'xlsx') return v;
  throw new UsageError(`--format 应为 text、json、csv 或 xlsx，而不是“${v}”`);
}

/** A plan document read and parsed: plain text, a saved web page, Word or a PDF with a text layer. */
export async function readPlanDocumentFile(io: Io, file: string | undefined, planYear?: number) {
  const options = planYear === undefined ? {} : { planYear };
  const bytes = readInputFile(io, file, '计划文件');
  const source = await readPlanDocument(bytes);
  const { plan, encoding } = source.text === null ? parsePlan(bytes, options) : parsePlan(source.text, options);
  return { plan, encoding, source };
}

/** `duban plan parse FILE …` */
export async function planParse(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['format', 'out', 'plan-year']);
  const file = oneFile(args.positionals);
  const out = args.options.get('out');
  const format = formatOption(args.options.get('format'), out);
  const { plan, encoding, source } = await readPlanDocumentFile(
    io,
    file,
    planYearOption(args.options.get('plan-year')),
  );
  switch (format) {
    case 'text':
      emit(io, out, formatPlanText(plan));
      break;
    case 'json':
      emit(io, out, `${JSON.stringify(plan, null, 2)}\n`);
      break;
    case 'csv':
      emit(io, out, writeCsv(planToRows(plan)));
      break;
    case 'xlsx':
      if (out === undefined && io.isTty)
        throw new UsageError('xlsx 是二进制格式，不能输出到终端：请加 --out FILE.xlsx');
      emit(io, out, await writeXlsx(planToRows(plan), plan));
      break;
    default: {
      const never: never = format;
      return never;
    }
  }
  if (format !== 'text' || out !== undefined) {
    const from =
      source.text !== null
        ? `，读自 ${DOCUMENT_KIND_LABEL[source.kind]}`
        : encoding === 'gb18030'
          ? '，已从 GBK/GB18030 转换'
          : '';
    io.stderr(
      `duban：${plan.tasks.length} 项任务，${plan.units.length} 个单位，${plan.warnings.length} 条提示${from}` +
        `${out ? ` → ${out}` : ''}\n`,
    );
  }
  return 0;
}

/** A reviewed task table read back and validated row by row: CSV, XLSX or the plan JSON. */
export async function readTaskTable(io: Io, file: string | undefined, planYear?: number): Promise<ParsedPlan> {
  const bytes = readInputFile(io, file, '计划文件');
  const table = await parseTaskTable(bytes, file ?? '', planYear);
  if (table === undefined) {
    const ext = extname(file ?? '').toLowerCase();
    throw new UsageError(`无法导入“${ext || file}”：请给出 .csv、.xlsx 或 .json 文件`);
  }
  return table;
}

/** A task table (.csv, .xlsx, .json) or, failing that extension, a plan document to parse first. */
export async function readPlanOrTable(io: Io, file: string | undefined, planYear?: number): Promise<ParsedPlan> {
  const ext = extname(file ?? '').toLowerCase();
  if (TABLE_EXTENSIONS.includes(ext)) return readTaskTable(io, file, planYear);
  return (await readPlanDocumentFile(io, file, planYear)).plan;
}

/** `duban plan import FILE …` */
export async function planImport(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['out', 'plan-year']);
  const plan = await readTaskTable(io, oneFile(args.positionals), planYearOption(args.options.get('plan-year')));
  emit(io, args.options.get('out'), `${JSON.stringify(plan, null, 2)}\n`);
  io.stderr(
    `duban：${plan.tasks.length} 项任务校验通过${args.options.get('out') ? ` → ${args.options.get('out')}` : ''}\n`,
  );
  return 0;
}
