/**
 * A supervision year in seconds on Temporal's time-skipping test server: three units with the same task, over four
 * quarter ends. One reports two days before every due date, one two days after it, one never. The demo shows it,
 * the workflow test asserts on it, and scripts/record-histories.ts records it for replay.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Connection, WorkflowHandle } from '@temporalio/client';
// Not re-exported by the package's index; @temporalio/client itself imports from common/lib the same way.
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, quarterEndsBetween, shanghaiDate, shanghaiInstant } from '../domain/calendar';
import { DUBAN_SEARCH_ATTRIBUTES } from '../infra/search-attributes';
import type { AssignmentSpec } from '../workflows/assignment/events';
import { acknowledgeUpdate, submitReportUpdate } from '../workflows/assignment/messages';
import { DEFAULT_POLICY } from '../workflows/assignment/policy';
import type { assignmentWorkflow } from '../workflows/assignment/workflow';

export const TEST_SERVER = path.join(__dirname, 'temporal-test-server');
/** scripts/java/DubanTestServer.java as `scripts/stack.sh install` compiles it. */
const TEST_SERVER_MAIN = path.join(__dirname, '../.tools/temporal-test-server/classes/DubanTestServer.class');

export interface TimeSkippingOptions {
  /**
   * Where the server's clock starts (default: the present). A past plan year runs on its own calendar only when
   * the server starts in that year: its clock only moves forward.
   */
  initialTime?: Date;
}

/**
 * Starts the time-skipping test server fetched by `scripts/stack.sh install`, with the project's search attributes
 * registered. @temporalio/testing would download its own server, which cannot work here, so it is always given the
 * existing path; an initial time goes to it as `--initial-time`, which scripts/temporal-test-server hands to the
 * project's own main (scripts/java/DubanTestServer.java), the stock one having no such option.
 */
export async function startTimeSkippingServer({
  initialTime,
}: TimeSkippingOptions = {}): Promise<TestWorkflowEnvironment> {
  if (initialTime && !(initialTime.getTime() > 0)) {
    throw new Error(`initialTime must be a valid instant after 1970-01-01, not ${String(initialTime)}`);
  }
  if (initialTime && !existsSync(TEST_SERVER_MAIN)) {
    throw new Error(
      `${TEST_SERVER_MAIN}, which starts the server at an initial time, is missing: run \`scripts/stack.sh install\``,
    );
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: {
      executable: { type: 'existing-path', path: TEST_SERVER },
      extraArgs: initialTime ? ['--initial-time', initialTime.toISOString()] : [],
    },
  });
  try {
    await registerSearchAttributes(env.connection);
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}

/**
 * Registers the project's search attributes on a fresh time-skipping server. Its operator service (Java test server
 * 1.31.0) accepts AddSearchAttributes, and then accepts upserts of those names and refuses unknown ones (a workflow
 * upserting one fails its workflow task); it has no ListSearchAttributes to ask first, and refuses a name it has.
 */
async function registerSearchAttributes(connection: Connection): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      DUBAN_SEARCH_ATTRIBUTES.map(({ name, type }) => [name, encodeSearchAttributeIndexedValueType(type)!]),
    ),
  });
}

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
    env.client.workflow.start<typeof assignmentWorkflow>('assignmentWorkflow', {
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
