/**
 * A reviewed task table (任务分解表) from its bytes: the CSV or XLSX `duban plan parse` writes (and a coordinator
 * reviews in a spreadsheet), or the plan JSON, validated row by row. `duban plan import`, `duban cycle launch` and the
 * API's POST /cycles read a table through this one function, so a table refused by one is refused by all, alike.
 */
import { extname } from 'node:path';
import { z } from 'zod';
import { PlanError, parsedPlanSchema, rowsToPlan, type ParsedPlan } from '../domain/plan';
import { readCsv } from './csv';
import { readXlsx } from './xlsx';

/** The extensions of a reviewed task table (任务分解表), as `plan parse` writes it. */
export const TABLE_EXTENSIONS = ['.csv', '.xlsx', '.json'];

/**
 * The table in `bytes`, read as its file name's extension says; undefined when the extension is none of
 * TABLE_EXTENSIONS (the caller says what to give instead). A table with problems throws PlanError INVALID_TABLE.
 */
export async function parseTaskTable(
  bytes: Uint8Array,
  file: string,
  planYear?: number,
): Promise<ParsedPlan | undefined> {
  switch (extname(file).toLowerCase()) {
    case '.csv':
      return rowsToPlan(readCsv(bytes), planYear === undefined ? {} : { planYear });
    case '.xlsx': {
      let table;
      try {
        table = await readXlsx(bytes);
      } catch (e) {
        if (e instanceof PlanError) throw e;
        throw new PlanError('INVALID_TABLE', `${file} 不是可读取的 .xlsx 工作簿：请用 Excel 或 WPS 重新另存为 .xlsx`);
      }
      return rowsToPlan(table.rows, planYear === undefined ? table.meta : { ...table.meta, planYear });
    }
    case '.json':
      return importJson(Buffer.from(bytes), file);
    default:
      return undefined;
  }
}

function importJson(bytes: Buffer, file: string): ParsedPlan {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new PlanError('INVALID_TABLE', `${file} 不是有效的 JSON（${(e as Error).message}）：请改正语法后重试`);
  }
  // zod's own messages (a wrong type, a missing field) in Chinese too, beside the ones the schema words itself
  const r = parsedPlanSchema.safeParse(data, { error: z.locales.zhCN().localeError });
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 30).map((i) => `  ${i.path.join('.') || '（整个文件）'}：${i.message}`);
  throw new PlanError(
    'INVALID_TABLE',
    `${file} 不符合计划结构（${r.error.issues.length} 处问题），请改正后重试：\n${lines.join('\n')}`,
  );
}
