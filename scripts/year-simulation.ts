/**
 * A supervision year in seconds on Temporal's time-skipping test server: three units with the same task, over four
 * quarter ends. One reports two days before every due date, one two days after it, one never. The demo shows it,
 * the workflow test asserts on it, and scripts/record-histories.ts records it for replay.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, quarterEndsBetween, shanghaiDate, shanghaiInstant } from '../domain/calendar';
import type { AssignmentSpec } from '../workflows/assignment/events';
import { ASSIGNMENT_WORKFLOW_TYPE, acknowledgeUpdate, submitReportUpdate } from '../workflows/assignment/messages';
import { DEFAULT_POLICY } from '../workflows/assignment/policy';
import type { assignmentWorkflow } from '../workflows/assignment/workflow';

export { startTimeSkippingServer, TEST_SERVER, type TimeSkippingOptions } from '../infra/time-skipping';

export interface YearUnits {
  onTime: string;
  late: string;
  never: string;
}

export const DEFAULT_YEAR_UNITS: YearUnits = { onTime: '市质监局', late: '市农委', never: '市商务局' };

export interface YearSimulation {
  year: number;
  quarterEnds: string[];
  handles: Record<keyof YearUnits, WorkflowHandle<typeof assignmentWorkflow>>;
}

export interface YearOptions {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  /** Makes the workflow ids unique: `${prefix}:${unit}`. */
  prefix: string;
  units?: YearUnits;
  /** Told each step as it happens, for people watching. */
  onStep?: (message: string) => void;
}

/** Runs the year (next calendar year on the server's clock) up to 12 days after its last quarter end. */
export async function simulateYear({
  env,
  taskQueue,
  prefix,
  units = DEFAULT_YEAR_UNITS,
  onStep = () => undefined,
}: YearOptions): Promise<YearSimulation> {
  const year = Number(shanghaiDate(new Date(await env.currentTimeMs())).slice(0, 4)) + 1;
  const quarterEnds = quarterEndsBetween(`${year}-01-01`, `${year}-12-31`);
  const spec = (unit: string): AssignmentSpec => ({
    taskId: `${prefix}:二.(三).一是`,
    ref: '二.(三).一是',
    title: '强化农产品质量安全监管',
    unit,
    coordinator: '市政府督查室',
    deadlineText: `${year}年12月底之前`,
    due: `${year}-12-31`,
    reportsDue: quarterEnds,
    policy: DEFAULT_POLICY,
  });
  const start = (unit: string) =>
    env.client.workflow.start<typeof assignmentWorkflow>(ASSIGNMENT_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `${prefix}:${unit}`,
      args: [{ spec: spec(unit) }],
    });
  const handles = { onTime: await start(units.onTime), late: await start(units.late), never: await start(units.never) };
  onStep(`交办：同一任务下达${units.onTime}、${units.late}、${units.never}，${year}年每季度末报送进展`);

  await handles.onTime.executeUpdate(acknowledgeUpdate, { args: [{ unit: units.onTime }] });
  await handles.late.executeUpdate(acknowledgeUpdate, { args: [{ unit: units.late }] });

  const skipTo = async (date: string, time: string) => {
    const ms = shanghaiInstant(date, time).getTime() - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  };
  for (const due of quarterEnds) {
    await skipTo(addDays(due, -2), '15:00');
    await handles.onTime.executeUpdate(submitReportUpdate, {
      args: [{ unit: units.onTime, summary: `按期完成${due.slice(5)}前各项工作`, percentComplete: 25 }],
    });
    onStep(`${addDays(due, -2)} ${units.onTime}按期报送`);
    await skipTo(addDays(due, 2), '10:00');
    await handles.late.executeUpdate(submitReportUpdate, {
      args: [{ unit: units.late, summary: '补报进展', percentComplete: 20 }],
    });
    onStep(`${addDays(due, 2)} ${units.late}逾期两天后补报`);
  }
  await skipTo(addDays(quarterEnds.at(-1)!, 12), '09:00');
  return { year, quarterEnds, handles };
}
