/**
 * A simulated quarter's email, on the time-skipping server started on Monday 2017-03-06 with the real activities,
 * PostgreSQL and GreenMail: a cycle of three assignments due at the end of the first quarter (one unit reports on
 * time, two stay silent and climb the ladder: 催办, 督办 to the head, 通报 to the coordinator), each unit with a
 * liaison's email, its head with one, the coordinator's office with one. What the office checks at the end: GreenMail
 * holds exactly one email per notice to each address the directory gives — no more, none missing — with the
 * notice's subject, and each was sent during office hours, never before the notice's own (simulated) time or, when
 * the notice fell outside office hours, the next opening. (Not always at that very minute: the dispatcher polls the
 * queue in real time while the server skips ahead, so on a loaded machine a send may land at a later opening. The
 * minute-exact holding is tests/notify/delivery.workflow.test.ts's, which steps its clock.)
 */
import { createHash } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Pool } from 'pg';
import { AssignmentService } from '../../api/assignments';
import { CycleService, type CycleItem } from '../../api/cycles';
import { formatShanghai } from '../../domain/calendar';
import { packageCalendarYears } from '../../domain/calendar-years';
import { DEFAULT_SCORING } from '../../domain/cycle/bulletin';
import { calendarAround, DEFAULT_OFFICE_HOURS, heldUntil } from '../../domain/notify/hours';
import type { DirectoryUnit } from '../../domain/units';
import { calendarSlice } from '../../domain/working-days';
import { replaceDirectory } from '../../infra/unit-store';
import { DEFAULT_LIGHTS } from '../../workflows/assignment/decider';
import { unitHead } from '../../workflows/assignment/notices';
import { DEFAULT_CYCLE_POLICY } from '../../workflows/assignment/policy';
import { cycleStream } from '../../workflows/cycle/events';
import { cycleStatusQuery } from '../../workflows/cycle/messages';
import { messagesOf, purgeMail } from '../support/greenmail';
import { connectPostgres, createTimeSkippingEnv, runProductWorker, skipTo, uniqueId } from '../support/stack';

jest.setTimeout(240_000);

const run = uniqueId('quarter');
const taskQueue = `${run}-queue`;
const COORDINATOR = `督查室-${run}`;
const UNITS = ['质监局', '商务局', '农委'].map((u) => `${u}-${run}`);
const addressOf = (who: string) => `${createHash('sha256').update(who).digest('hex').slice(0, 16)}@example.gov.cn`;
const headAddressOf = (unit: string) => addressOf(unitHead(unit));
const years = packageCalendarYears();

let env: TestWorkflowEnvironment;
let pool: Pool;
let worker: Awaited<ReturnType<typeof runProductWorker>>;

const Q1 = { key: '2017-Q1', label: '2017年第一季度', due: '2017-03-31' };
const items: CycleItem[] = UNITS.map((unit, i) => ({
  assignmentId: `${run}:一.(${i + 1}):${unit}`,
  ref: `一.(${i + 1})`,
  title: '推进质量提升行动',
  unit,
  cooperating: [],
  deadlineText: '2017年3月底前',
  due: Q1.due,
  periods: [Q1],
}));

beforeAll(async () => {
  pool = await connectPostgres();
  const directory: DirectoryUnit[] = [COORDINATOR, ...UNITS].map((name) => ({
    name,
    aliases: [],
    groups: [],
    contacts: {
      ...(name !== COORDINATOR && { head: { name: '主要负责人', email: headAddressOf(name) } }),
      liaisons: [{ name: '联络员', email: addressOf(name) }],
      webhooks: [],
      digest: false,
    },
  }));
  await replaceDirectory(pool, directory);
  await purgeMail();
  env = await createTimeSkippingEnv({ initialTime: new Date('2017-03-06T08:58:00+08:00') });
  worker = await runProductWorker(pool, taskQueue, { connection: env.nativeConnection, client: env.client });
});

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await pool?.end();
});

test('a quarter delivers exactly one email per notice to each address, at the notice’s time or the next opening', async () => {
  const cycles = new CycleService({ client: env.client, pool, taskQueue });
  await skipTo(env, '2017-03-06', '09:00');
  const { handle } = await cycles.launch({
    cycleId: run,
    config: {
      title: `一季度 ${run}`,
      planId: run,
      coordinator: COORDINATOR,
      policy: DEFAULT_CYCLE_POLICY,
      lights: DEFAULT_LIGHTS,
      scoring: DEFAULT_SCORING,
      calendar: calendarSlice({ from: '2017-01-01', to: '2017-12-31' }, years),
    },
    items,
    launchedBy: COORDINATOR,
  });
  while ((await handle.query(cycleStatusQuery)).status === 'launching') await new Promise((r) => setTimeout(r, 100));

  // The first unit acknowledges and reports on time; the other two never answer.
  await skipTo(env, '2017-03-20', '10:30');
  const assignments = new AssignmentService({ client: env.client, taskQueue, coordinator: COORDINATOR });
  await assignments.acknowledge(items[0]!.assignmentId, { unit: UNITS[0]! });
  await assignments.submitReport(items[0]!.assignmentId, {
    unit: UNITS[0]!,
    period: Q1.key,
    summary: '一季度工作已完成',
    percentComplete: 30,
  });
  await skipTo(env, '2017-04-28', '12:00');

  // What the event store says went out, and where the directory says each should arrive.
  const { rows: notices } = await pool.query<{ key: string; recipient: string; subject: string; occurred_at: Date }>(
    'SELECT key, recipient, subject, occurred_at FROM notices WHERE assignment_id = ANY($1::text[]) ORDER BY key',
    [[...items.map((i) => i.assignmentId), cycleStream(run)]],
  );
  // Each recipient — a unit, "<unit>主要负责人", the coordinator's office — has one address in the directory.
  const expected = notices.map((n) => {
    const held = heldUntil(n.occurred_at, DEFAULT_OFFICE_HOURS, calendarAround(n.occurred_at, years));
    return { key: n.key, to: addressOf(n.recipient), subject: n.subject, at: formatShanghai(held ?? n.occurred_at) };
  });
  for (const kind of ['【交办】', '【催签收】', '【提醒】', '【催办】', '【督办】', '【通报】']) {
    expect(notices.some((n) => n.subject.startsWith(kind))).toBe(true);
  }

  // Every notice recorded sent on its address, at the expected minute.
  const deadline = Date.now() + 60_000;
  let sent: Array<{ notice_key: string; address: string; at: Date }> = [];
  while (Date.now() < deadline) {
    ({ rows: sent } = await pool.query(
      `SELECT notice_key, address, at FROM delivery_outcomes WHERE outcome = 'sent' AND notice_key = ANY($1::text[])`,
      [notices.map((n) => n.key)],
    ));
    if (sent.length >= expected.length) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(sent.map((s) => `${s.notice_key} → ${s.address}`).sort()).toEqual(
    expected.map((e) => `${e.key} → ${e.to}`).sort(),
  );
  for (const s of sent) {
    const due = expected.find((e) => e.key === s.notice_key)!;
    const when = formatShanghai(s.at);
    // Sent at an opening (nothing would have held it), and not before the notice's time or its next opening.
    expect({
      key: s.notice_key,
      when,
      held: heldUntil(s.at, DEFAULT_OFFICE_HOURS, calendarAround(s.at, years)),
    }).toEqual({ key: s.notice_key, when, held: undefined });
    expect({ key: s.notice_key, notBefore: when >= due.at }).toEqual({ key: s.notice_key, notBefore: true });
  }

  // And GreenMail holds exactly those emails: per address, the notices' subjects, once each.
  for (const address of new Set(expected.map((e) => e.to))) {
    const arrived = (await messagesOf(address)).map((m) => m.subject).sort();
    expect({ address, subjects: arrived }).toEqual({
      address,
      subjects: expected
        .filter((e) => e.to === address)
        .map((e) => e.subject)
        .sort(),
    });
  }
  process.stdout.write(
    `[quarter] ${notices.length} notices, ${expected.length} emails to ${new Set(expected.map((e) => e.to)).size} ` +
      `addresses, ${expected.filter((e) => e.at !== formatShanghai(notices.find((n) => n.key === e.key)!.occurred_at)).length} held to an opening\n`,
  );
  // The heads got their 督办 and the coordinator its 通报, by email.
  expect(expected.filter((e) => e.to === headAddressOf(UNITS[1]!)).map((e) => e.subject)).toEqual([
    `【督办】「一.(2) 推进质量提升行动」`,
  ]);
  expect(expected.filter((e) => e.to === addressOf(COORDINATOR)).length).toBeGreaterThanOrEqual(2);
});
