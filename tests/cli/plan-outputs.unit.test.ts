/** What the text and XLSX outputs show beyond the task rows: the plan's phases (实施步骤), read back on import. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePlan, planToRows, rowsToPlan } from '../../domain/plan';
import { formatPlanText } from '../../cli/format-text';
import { readXlsx, writeXlsx } from '../../cli/xlsx';

const unseen = (name: string) => parsePlan(readFileSync(path.join(__dirname, '../plan/unseen', `${name}.txt`))).plan;

describe('phases in the outputs', () => {
  const plan = unseen('jiangmen-2019-web');

  it('the text summary lists each phase with its dates and line', () => {
    const text = formatPlanText(plan);
    expect(text).toContain(
      '== 实施步骤 ==\n动员部署阶段  2019-03-01 至 2019-04-30  （第27行）\n集中整治阶段  2019-05-01 至 2019-10-31  （第28行）\n',
    );
  });

  it('the workbook has a 实施步骤 sheet, and its import keeps the phases', async () => {
    const back = await readXlsx(await writeXlsx(planToRows(plan), plan));
    expect(back.meta.phases).toEqual(plan.phases);
    expect(rowsToPlan(back.rows, back.meta).phases).toEqual(plan.phases);
  });

  it('a phase that names only its end shows an open start', () => {
    expect(formatPlanText(unseen('jiangxi-2017'))).toContain('部署启动阶段  … 至 2017-03-31');
  });
});
