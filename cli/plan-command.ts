/**
 * `duban plan parse` and `duban plan import`: file I/O around the pure plan reader. Expected failures (bad usage,
 * unreadable plan, invalid table) are thrown as UsageError/PlanError; main turns them into exit code 2.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import {
  DOCUMENT_KIND_LABEL,
  PlanError,
  parsePlan,
  parsedPlanSchema,
  planToRows,
  rowsToPlan,
  type ParsedPlan,
} from '../domain/plan';
import { UsageError, parseArgs } from './args';
import { readCsv, writeCsv } from './csv';
import { formatPlanText } from './format-text';
import { readPlanDocument } from './plan-documents';
import { readXlsx, writeXlsx } from './xlsx';

export const PLAN_USAGE = `usage:
  duban plan parse FILE [--format text|json|csv|xlsx] [--out FILE] [--plan-year YYYY]
      read a plan document (.docx, .doc, .pdf with a text layer, a saved web page, or .txt in UTF-8 or
      GBK; simplified or traditional) and print its tasks;
      csv/xlsx write the task table (任务分解表) to review in a spreadsheet
  duban plan import FILE.(csv|xlsx|json) [--out plan.json] [--plan-year YYYY]
      read a reviewed task table back, validate every row and print the plan JSON a cycle is launched from`;

/** Where a command reads and writes: the process's stdio and directory, or a test's buffers and temporary one. */
export interface Io {
  stdout: (s: string | Buffer) => void;
  stderr: (s: string) => void;
  /** The directory relative FILE and --out paths are taken from. */
  cwd: string;
  /** True when stdout is a terminal, where binary output (xlsx) is refused. */
  isTty?: boolean;
  /** The environment (DUBAN_DEBUG); the process's when not given. */
  env?: NodeJS.ProcessEnv;
}

function readInput(io: Io, file: string | undefined): Buffer {
  if (file === undefined) throw new UsageError('missing FILE');
  try {
    return readFileSync(resolve(io.cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`no such file: ${file}`);
    if (code === 'EISDIR') throw new UsageError(`${file} is a directory; pass a plan file`);
    if (code === 'EACCES') throw new UsageError(`cannot read ${file}: permission denied`);
    throw e;
  }
}

function planYearOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^(19|20|21)\d{2}$/.test(v)) throw new UsageError(`--plan-year must be a year such as 2017, not "${v}"`);
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
  throw new UsageError(`--format must be text, json, csv or xlsx, not "${v}"`);
}

/** `duban plan parse FILE …` */
export async function planParse(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['format', 'out', 'plan-year']);
  if (args.positionals.length > 1) throw new UsageError(`one FILE at a time (got ${args.positionals.join(', ')})`);
  const out = args.options.get('out');
  const format = formatOption(args.options.get('format'), out);
  const planYear = planYearOption(args.options.get('plan-year'));
  const options = planYear === undefined ? {} : { planYear };
  const bytes = readInput(io, args.positionals[0]);
  const source = await readPlanDocument(bytes);
  const { plan, encoding } = source.text === null ? parsePlan(bytes, options) : parsePlan(source.text, options);
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
      if (out === undefined && io.isTty) throw new UsageError('xlsx is a binary format: add --out FILE.xlsx');
      emit(io, out, await writeXlsx(planToRows(plan), plan));
      break;
    default: {
      const never: never = format;
      return never;
    }
  }
  if (format !== 'text' || out !== undefined) {
    const enc =
      source.text !== null
        ? ` (read from ${DOCUMENT_KIND_LABEL[source.kind]})`
        : encoding === 'gb18030'
          ? ' (converted from GBK/GB18030)'
          : '';
    io.stderr(
      `duban: ${plan.tasks.length} tasks, ${plan.units.length} units, ${plan.warnings.length} warnings${enc}` +
        `${out ? ` → ${out}` : ''}\n`,
    );
  }
  return 0;
}

/** `duban plan import FILE …` */
export async function planImport(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['out', 'plan-year']);
  if (args.positionals.length > 1) throw new UsageError(`one FILE at a time (got ${args.positionals.join(', ')})`);
  const file = args.positionals[0];
  const bytes = readInput(io, file);
  const planYear = planYearOption(args.options.get('plan-year'));
  const ext = extname(file ?? '').toLowerCase();
  let plan: ParsedPlan;
  switch (ext) {
    case '.csv':
      plan = rowsToPlan(readCsv(bytes), planYear === undefined ? {} : { planYear });
      break;
    case '.xlsx': {
      let table;
      try {
        table = await readXlsx(bytes);
      } catch {
        throw new PlanError(
          'INVALID_TABLE',
          `${file} is not a readable .xlsx workbook: save it again from Excel/WPS as .xlsx`,
        );
      }
      plan = rowsToPlan(table.rows, planYear === undefined ? table.meta : { ...table.meta, planYear });
      break;
    }
    case '.json':
      plan = importJson(bytes, file ?? '');
      break;
    default:
      throw new UsageError(`cannot import "${ext || file}": give a .csv, .xlsx or .json file`);
  }
  emit(io, args.options.get('out'), `${JSON.stringify(plan, null, 2)}\n`);
  io.stderr(
    `duban: ${plan.tasks.length} tasks valid${args.options.get('out') ? ` → ${args.options.get('out')}` : ''}\n`,
  );
  return 0;
}

function importJson(bytes: Buffer, file: string): ParsedPlan {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new PlanError(
      'INVALID_TABLE',
      `${file} is not valid JSON (${(e as Error).message}); fix the syntax and retry`,
    );
  }
  const r = parsedPlanSchema.safeParse(data);
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 30).map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new PlanError(
    'INVALID_TABLE',
    `${file} does not match the plan shape (${r.error.issues.length} problem(s)):\n${lines.join('\n')}`,
  );
}
