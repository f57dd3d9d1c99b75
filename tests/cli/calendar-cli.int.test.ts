/**
 * `duban calendar import` and `show` on the real PostgreSQL, in-process through cli/main.ts's `main`. Calendar years
 * are global (one row per year), so this file works in a schema of its own, made for the run and dropped after it:
 * the commands get a DATABASE_URL whose search_path points there, and the stack's own calendar is never touched.
 * A cycle launched there (on the dev server, with a worker on that schema) is counted again when its year is imported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { main } from '../../cli/main';
import { CALENDAR_PACKAGE, packageCalendarYears } from '../../domain/calendar-years';
import { calendarSlice, isWorkingDay, workingDaysBetween } from '../../domain/working-days';
import { loadCalendarYears } from '../../infra/calendar-store';
import { checkPostgres, createPool } from '../../infra/postgres';
import { AssignmentService } from '../../api/assignments';
import { statusQuery } from '../../workflows/assignment/messages';
import { dubanIn } from '../support/duban-cli';
import { smallPlan } from '../support/small-plan';
import { config, startStackWorker, uniqueId } from '../support/stack';

const schema = uniqueId('calendar_cli').replace(/-/g, '_');
let dir: string;
let admin: Pool;
let pool: Pool;
let databaseUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-calendar-'));
  admin = createPool(config.DATABASE_URL);
  await checkPostgres(admin, config.DATABASE_URL);
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(config.DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  databaseUrl = url.toString();
  pool = createPool(databaseUrl);
});

afterAll(async () => {
  await pool?.end();
  await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin?.end();
  rmSync(dir, { recursive: true, force: true });
});

/** The task queue this file's commands look for running assignments on: none but its own. */
const fileQueue = uniqueId('calendar-cli');

/** `duban …` in-process, on this file's schema (made in beforeAll, hence looked up at each call). */
const duban = (...args: string[]) =>
  dubanIn(() => dir, { DATABASE_URL: databaseUrl, TEMPORAL_TASK_QUEUE: fileQueue })(...args);

const NOTICE_2027 = '国务院办公厅关于2027年部分节假日安排的通知';

/** An imagined 2027 notice (none was published when this was written): 元旦, 春节 and 国庆节 with their make-up days. */
const JSON_2027 = {
  year: 2027,
  holidays: [
    ...['2027-01-01', '2027-01-02', '2027-01-03'].map((date) => ({ date, name: '元旦' })),
    ...['05', '06', '07', '08', '09', '10', '11', '12', '13'].map((d) => ({ date: `2027-02-${d}`, name: '春节' })),
    ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ date: `2027-10-${d}`, name: '国庆节' })),
  ],
  workdays: [
    { date: '2027-02-20', name: '春节' },
    { date: '2027-09-26', name: '国庆节' },
    { date: '2027-10-09', name: '国庆节' },
  ],
  source: NOTICE_2027,
};

const storedYear = async (year: number) =>
  (
    await pool.query(
      'SELECT source, file_name, cardinality(holidays) AS holidays FROM calendar_years WHERE year = $1',
      [year],
    )
  ).rows;

test('a year the package does not know: imported, shown, and used by the calendar from then on', async () => {
  expect((await duban('calendar', 'show', '2027')).stdout).toContain('2027年：不知道该年的法定节假日安排');

  writeFileSync(path.join(dir, '2027.json'), JSON.stringify(JSON_2027));
  const imported = await duban('calendar', 'import', '2027.json');
  expect(imported).toEqual({
    code: 0,
    stderr: '',
    stdout:
      '已导入 2027 年的节假日安排：放假 19 天（其中工作日 12 天），调休上班 3 天；全年工作日 252 天。\n' +
      `来源：${NOTICE_2027}\n` +
      '此前 2027 年没有日期，只按周末计算工作日。\n' +
      '没有运行中的督办周期排期到 2027 年。\n' +
      '单独交办的任务（不属于督办周期）：0 项已按新日历重新排期。此后启动的任务按新日历排期。\n',
  });

  const shown = await duban('calendar', 'show', '2027');
  expect(shown.code).toBe(0);
  expect(shown.stdout.split('\n').slice(0, 7)).toEqual([
    '2027年节假日安排',
    `来源：${NOTICE_2027}`,
    expect.stringMatching(/^导入：\d{4}-\d{2}-\d{2} \d{2}:\d{2} 从 2027\.json 导入$/),
    '放假：',
    '  元旦\u30001月1日（周五）至1月3日（周日），共3天',
    '  春节\u30002月5日（周五）至2月13日（周六），共9天',
    '  国庆节\u300010月1日（周五）至10月7日（周四），共7天',
  ]);
  expect(shown.stdout).toContain('全年工作日 252 天（放假落在工作日的 12 天，调休上班 3 天）。');

  const years = await loadCalendarYears(pool);
  const cal = calendarSlice({ from: '2026-12-01', to: '2027-12-31' }, years);
  expect(cal.unknownYears).toEqual([]);
  expect(isWorkingDay(cal, '2027-10-01')).toBe(false);
  expect(isWorkingDay(cal, '2027-09-26')).toBe(true);
  // After 9月30日 (Thursday) the next working days are 10月8日 (Friday) and the make-up Saturday 10月9日.
  expect(workingDaysBetween(cal, '2027-09-30', '2027-10-09')).toBe(2);
});

test('importing a year again replaces it, and says what it replaced', async () => {
  writeFileSync(path.join(dir, '2027.json'), JSON.stringify(JSON_2027));
  expect((await duban('calendar', 'import', '2027.json')).code).toBe(0);
  const csv = ['日期,类型,说明', '2027-01-01,放假,元旦', '2027-10-01,放假,国庆节', '2027-10-04,放假,国庆节'].join(
    '\r\n',
  );
  writeFileSync(path.join(dir, '2027-更正.csv'), `\uFEFF${csv}\r\n`);
  const again = await duban('calendar', 'import', '2027-更正.csv', '--source', `${NOTICE_2027}（更正）`);
  expect(again.code).toBe(0);
  expect(again.stdout.split('\n')).toEqual([
    '已导入 2027 年的节假日安排：放假 3 天（其中工作日 3 天），调休上班 0 天；全年工作日 258 天。',
    `来源：${NOTICE_2027}（更正）`,
    expect.stringMatching(
      new RegExp(
        `^替换了 \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} 从 2027\\.json 导入的 2027 年日期（来源：${NOTICE_2027}）。$`,
      ),
    ),
    '没有运行中的督办周期排期到 2027 年。',
    '单独交办的任务（不属于督办周期）：0 项已按新日历重新排期。此后启动的任务按新日历排期。',
    '',
  ]);
  expect(await storedYear(2027)).toEqual([
    { source: `${NOTICE_2027}（更正）`, file_name: '2027-更正.csv', holidays: 3 },
  ]);
});

test("an imported year takes the package's place; a refused file afterwards changes nothing", async () => {
  const csv = '日期,类型,说明\n2017-01-02,放假,元旦\n2017-10-02,放假,国庆节\n2017-09-30,上班,国庆节\n';
  writeFileSync(path.join(dir, '2017.csv'), csv);
  const r = await duban('calendar', 'import', '2017.csv', '--source', '测试用的 2017 年更正');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`取代 ${CALENDAR_PACKAGE} 数据包中的 2017 年日期。`);
  const y2017 = (await loadCalendarYears(pool)).find((y) => y.year === 2017);
  expect(y2017).toEqual({
    year: 2017,
    holidays: ['2017-01-02', '2017-10-02'],
    workdays: ['2017-09-30'],
    source: '测试用的 2017 年更正',
    names: { '2017-01-02': '元旦', '2017-10-02': '国庆节', '2017-09-30': '国庆节' },
  });
  expect((await loadCalendarYears(pool)).find((y) => y.year === 2016)).toBe(
    packageCalendarYears().find((y) => y.year === 2016),
  );

  writeFileSync(path.join(dir, '2017-bad.csv'), '日期,类型\n2017-01-02,放假\n2017-10-03,放假\n2017-10-03,上班\n');
  const refused = await duban('calendar', 'import', '2017-bad.csv', '--source', '另一份');
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('第4行 日期：2017-10-03 列为上班，但第3行 日期把它列为放假；请对照通知只保留一处');
  expect(await storedYear(2017)).toEqual([{ source: '测试用的 2017 年更正', file_name: '2017.csv', holidays: 2 }]);
});

test('PostgreSQL not answering: the command says which server, and fails', async () => {
  writeFileSync(path.join(dir, '2027.json'), JSON.stringify(JSON_2027));
  let stderr = '';
  const code = await main(['calendar', 'import', '2027.json'], {
    stdout: () => undefined,
    stderr: (s) => (stderr += s),
    cwd: dir,
    env: { ...process.env, DATABASE_URL: 'postgres://duban:duban@127.0.0.1:1/duban' },
  });
  expect(code).toBe(1);
  expect(stderr).toMatch(/PostgreSQL/);
});

test('a running cycle and an assignment made on its own that reach into the year imported are counted again on its dates, in their coordinator’s name', async () => {
  const taskQueue = uniqueId('calendar-cycle');
  const stack = await startStackWorker(pool, taskQueue);
  const run = dubanIn(() => dir, { DATABASE_URL: databaseUrl, TEMPORAL_TASK_QUEUE: taskQueue });
  try {
    const cycleId = uniqueId('cal');
    writeFileSync(path.join(dir, 'plan-2028.txt'), smallPlan(2028));
    const launched = await run('cycle', 'launch', 'plan-2028.txt', '--cycle', cycleId, '--by', '市政府督查室');
    expect(launched.code).toBe(0);
    expect(launched.stderr).toMatch(/2028年.*的法定节假日和调休安排尚未知晓/);
    const { rows } = await pool.query<{ assignment_id: string }>(
      'SELECT assignment_id FROM cycle_items WHERE cycle_id = $1 ORDER BY position',
      [cycleId],
    );
    const views = () =>
      Promise.all(rows.map((r) => stack.client.workflow.getHandle(r.assignment_id).query(statusQuery)));
    for (const view of await views()) {
      expect(view.warnings.filter((w) => w.startsWith('2028年'))).toHaveLength(1);
      expect(view.spec!.calendar.unknownYears).toContain(2028);
    }
    // And one assignment made on its own (POST /assignments), outside any cycle, on the same queue.
    const single = await new AssignmentService({
      client: stack.client,
      taskQueue,
      coordinator: '市政府督查室',
      calendarYears: () => loadCalendarYears(pool),
    }).assign({ planId: uniqueId('single'), ref: '一', title: '单独交办的任务', unit: '市商务局', due: '2028-06-30' });
    expect(single.warnings.filter((w) => w.startsWith('2028年'))).toEqual([
      '2028年的法定节假日安排尚未导入，该年只按周末计算工作日；请用 `npx duban calendar import` 导入，本任务随即按节假日重新计算',
    ]);
    // visibility trails the start by a moment: the import finds the assignment by a visibility query
    const visible = async () => {
      for await (const info of stack.client.workflow.list({ query: `WorkflowId = '${single.assignmentId}'` })) {
        if (info.workflowId === single.assignmentId) return true;
      }
      return false;
    };
    for (let i = 0; !(await visible()) && i < 100; i++) await new Promise((resolve) => setTimeout(resolve, 100));

    const notice = '国务院办公厅关于2028年部分节假日安排的通知（测试用）';
    writeFileSync(
      path.join(dir, '2028.json'),
      JSON.stringify({
        year: 2028,
        holidays: [
          ...['2028-01-01', '2028-01-02', '2028-01-03'].map((date) => ({ date, name: '元旦' })),
          ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ date: `2028-10-${d}`, name: '国庆节' })),
        ],
        workdays: [{ date: '2028-10-08', name: '国庆节' }],
        source: notice,
      }),
    );
    const imported = await run('calendar', 'import', '2028.json');
    expect(imported.stderr).toBe(`duban：督办周期 ${cycleId}：已按新日历重新排期\n`);
    expect(imported.stdout).toContain(
      `已按新日历重新排期的督办周期 1 个（${cycleId} 共 ${rows.length} 项督办）：其中运行中的督办，提醒、催办和督查通报此后按新日历计算，` +
        '已发出的不变；已办结、已撤销的不再排期。\n',
    );
    expect(imported.stdout).toContain('单独交办的任务（不属于督办周期）：1 项已按新日历重新排期。');
    expect(imported.code).toBe(0);
    const singleNow = await stack.client.workflow.getHandle(single.assignmentId).query(statusQuery);
    expect(singleNow.warnings).toEqual([]);
    expect(singleNow.spec!.calendar.holidays).toContain('2028-01-03');

    const reason = `导入2028年节假日安排（${notice}）`;
    for (const [i, view] of (await views()).entries()) {
      expect(view.warnings.filter((w) => w.startsWith('2028年'))).toEqual([]);
      expect(view.spec!.calendar.unknownYears).not.toContain(2028);
      expect(view.spec!.calendar.holidays).toEqual(expect.arrayContaining(['2028-10-02', '2028-10-06']));
      expect(view.spec!.calendar.workdays).toContain('2028-10-08');
      const stored = await pool.query<{ type: string; meta: { actor: { name: string }; reason: string } }>(
        `SELECT type, meta FROM assignment_events WHERE assignment_id = $1 AND type = 'WorkingCalendarUpdated'`,
        [rows[i]!.assignment_id],
      );
      expect(stored.rows.map((r) => [r.type, r.meta.actor.name, r.meta.reason])).toEqual([
        ['WorkingCalendarUpdated', '市政府督查室', reason],
      ]);
    }

    // The same notice again changes no cycle: each is told so, and nothing is stored twice.
    const again = await run('calendar', 'import', '2028.json');
    expect(again.stderr).toBe(`duban：督办周期 ${cycleId}：日历不变\n`);
    expect(again.stdout).toContain('已按新日历重新排期的督办周期 0 个：');
    expect(again.stdout).toContain('单独交办的任务（不属于督办周期）：0 项已按新日历重新排期。');
    const cycleEvents = await pool.query<{ type: string }>(
      `SELECT type FROM assignment_events WHERE assignment_id = $1 ORDER BY seq`,
      [`cycle:${cycleId}`],
    );
    expect(cycleEvents.rows.map((r) => r.type)).toEqual([
      'CycleLaunched',
      'CycleAssignmentsStarted',
      'CycleCalendarUpdated',
    ]);
  } finally {
    await stack.stop();
  }
}, 60_000);
