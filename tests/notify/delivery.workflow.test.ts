/**
 * Notices delivered where people work, on Temporal's time-skipping server started on a Sunday evening in January
 * 2017, with the real activities, PostgreSQL, the real GreenMail SMTP server (read back through its REST API) and an
 * HTTP receiver that checks each webhook's signature as the README tells a receiver to. What a unit's liaison and the
 * office's IT staff check, to the minute in Beijing time:
 * - a notice of a Sunday evening arrives on Monday at the opening hour, by email and webhook, once each;
 * - with the SMTP server down for an hour the email is held, then delivered once: none lost, none doubled;
 * - a receiver that refuses (403) is not retried: the delivery is failed and the coordinator is told;
 * - a unit that takes a daily digest gets one message the next working morning listing its notices, while a 通报 to
 *   a coordinator who takes digests goes at once.
 * The environment's clock is shared: the tests run in the order written, each moving it forward.
 */
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import type { Pool } from 'pg';
import { AssignmentService } from '../../api/assignments';
import { formatShanghai } from '../../domain/calendar';
import { loadCalendarYears } from '../../infra/calendar-store';
import { listDeliveries } from '../../infra/delivery-store';
import { replaceDirectory } from '../../infra/unit-store';
import { createActivities } from '../../activities';
import type { DirectoryUnit } from '../../domain/units';
import { messagesOf as mailTo, purgeMail } from '../support/greenmail';
import { stack } from '../support/processes';
import { connectPostgres, createTimeSkippingEnv, runProductWorker, skipTo, uniqueId } from '../support/stack';
import { WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(240_000);

const run = uniqueId('deliver');
const taskQueue = `${run}-queue`;
const COORDINATOR = `督查室-${run}`;
const EMAILER = `质监局-${run}`;
const REFUSED = `商务局-${run}`;
const DIGESTER = `农委-${run}`;
const mail = (who: string) => `${who.replace(/[^a-z0-9]/gi, '').toLowerCase()}@example.gov.cn`;
const SECRET = 'test-webhook-secret';

let env: TestWorkflowEnvironment;
let pool: Pool;
let worker: Awaited<ReturnType<typeof runProductWorker>>;
let assignments: AssignmentService;
let receiver: WebhookReceiver;
let simulatedNow = new Date('2017-01-08T20:15:00+08:00'); // a Sunday evening

const unit = (name: string, contacts: Partial<DirectoryUnit['contacts']>): DirectoryUnit => ({
  name,
  aliases: [],
  groups: [],
  contacts: { liaisons: [], webhooks: [], digest: false, ...contacts },
});

beforeAll(async () => {
  pool = await connectPostgres();
  receiver = await WebhookReceiver.start();
  receiver.expectSecret('/emailer', 'json', SECRET);
  receiver.expectSecret('/refused', 'json', SECRET);
  receiver.answerAt('/refused', { status: 403, body: { error: 'forbidden' } });
  await replaceDirectory(pool, [
    unit(COORDINATOR, { liaisons: [{ name: '督查科', email: mail('coordinator') }], digest: true }),
    unit(EMAILER, {
      liaisons: [{ name: '王联络', email: mail('emailer') }],
      webhooks: [{ kind: 'json', url: `${receiver.url}/emailer`, secret: SECRET }],
    }),
    unit(REFUSED, { webhooks: [{ kind: 'json', url: `${receiver.url}/refused`, secret: SECRET }] }),
    unit(DIGESTER, { liaisons: [{ name: '李联络', email: mail('digester') }], digest: true }),
  ]);
  await purgeMail();
  env = await createTimeSkippingEnv({ initialTime: simulatedNow });
  worker = await runProductWorker(pool, taskQueue, {
    connection: env.nativeConnection,
    client: env.client,
    delivery: { DELIVERY_RETRY_SECONDS: 60, DELIVERY_GIVE_UP_MINUTES: 24 * 60 },
  });
  assignments = new AssignmentService({
    client: env.client,
    taskQueue,
    coordinator: COORDINATOR,
    calendarYears: () => loadCalendarYears(pool),
    now: () => simulatedNow,
  });
});

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await receiver?.close();
  await pool?.end();
});

async function moveTo(date: string, time: string): Promise<void> {
  await skipTo(env, date, time);
  simulatedNow = new Date(await env.currentTimeMs());
}

async function assign(ref: string, unitName: string): Promise<string> {
  const { assignmentId } = await assignments.assign({
    planId: run,
    ref,
    title: '开展质量提升行动',
    unit: unitName,
    deadlineText: '2017年6月底前',
    due: '2017-06-30',
  });
  return assignmentId;
}

interface Outcome {
  deliveryId: string;
  channel: string;
  address: string;
  outcome: string;
  time: string;
  detail: string;
}

/** The outcomes of the notices to `recipient` about `assignmentId`, in order, once `done` says they are complete. */
async function outcomesOf(
  assignmentId: string,
  recipient: string,
  done: (outcomes: Outcome[]) => boolean,
): Promise<Outcome[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await pool.query<Outcome & { at: Date }>(
      `SELECT o.delivery_id AS "deliveryId", o.channel, o.address, o.outcome, o.at, o.detail
       FROM delivery_outcomes o
       JOIN notices n ON n.key = o.notice_key
       WHERE n.assignment_id = $1 AND o.recipient = $2 ORDER BY o.at, o.id`,
      [assignmentId, recipient],
    );
    const outcomes = rows.map(({ at, ...r }) => ({ ...r, time: formatShanghai(at) }));
    if (done(outcomes)) return outcomes;
    if (Date.now() > deadline) {
      throw new Error(`deliveries of ${assignmentId} to ${recipient} did not complete: ${JSON.stringify(outcomes)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const sentOn = (channel: string) => (outcomes: Outcome[]) =>
  outcomes.some((o) => o.channel === channel && (o.outcome === 'sent' || o.outcome === 'failed'));

test('a notice of a Sunday evening arrives on Monday at the opening hour, by email and webhook, once each', async () => {
  const id = await assign('一.(一)', EMAILER);
  const held = await outcomesOf(id, EMAILER, (o) => o.length >= 2);
  expect(held.map((o) => `${o.time} ${o.channel} ${o.outcome} ${o.detail}`)).toEqual([
    `2017-01-08 20:15 email held 非办公时间，2017-01-09 09:00 发送`,
    `2017-01-08 20:15 json held 非办公时间，2017-01-09 09:00 发送`,
  ]);
  expect(await mailTo(mail('emailer'))).toEqual([]);

  await moveTo('2017-01-09', '09:30');
  const outcomes = await outcomesOf(id, EMAILER, (o) => sentOn('email')(o) && sentOn('json')(o));
  expect(outcomes.filter((o) => o.outcome === 'sent').map((o) => `${o.time} ${o.channel} ${o.address}`)).toEqual(
    expect.arrayContaining([
      `2017-01-09 09:00 email ${mail('emailer')}`,
      `2017-01-09 09:00 json ${receiver.url}/emailer`,
    ]),
  );
  const emails = await mailTo(mail('emailer'));
  expect(emails.map((m) => m.subject)).toEqual(['【交办】「一.(一) 开展质量提升行动」']);
  const hooks = receiver.at('/emailer');
  expect(hooks).toHaveLength(1);
  // Each delivery carries its id, the one the record keeps: what a receiver deduplicates by.
  const idOf = (channel: string) => outcomes.find((o) => o.channel === channel && o.outcome === 'sent')!.deliveryId;
  expect(hooks[0]).toMatchObject({ signatureValid: true, deliveryId: idOf('json') });
  expect(hooks[0]!.json).toMatchObject({ recipient: EMAILER, kind: 'assignment', assignmentId: id });
  expect(emails[0]!.headers['x-duban-delivery']).toBe(idOf('email'));
});

test('with the SMTP server down for an hour the email is held, then delivered once', async () => {
  await moveTo('2017-01-09', '10:00');
  await stack('stop', 'greenmail');
  let id: string;
  try {
    id = await assign('一.(二)', EMAILER);
    // The webhook goes at once; the email waits for the SMTP server.
    const first = await outcomesOf(id, EMAILER, (o) => sentOn('json')(o) && o.some((x) => x.channel === 'email'));
    expect(first.find((o) => o.channel === 'email')).toMatchObject({ outcome: 'held', time: '2017-01-09 10:00' });
    await moveTo('2017-01-09', '11:00');
  } finally {
    await stack('start', 'greenmail');
  }
  await moveTo('2017-01-09', '11:30');
  const outcomes = await outcomesOf(id, EMAILER, sentOn('email'));
  const email = outcomes.filter((o) => o.channel === 'email');
  expect(email.map((o) => o.outcome)).toEqual(['held', 'sent']);
  expect(email[1]!.time >= '2017-01-09 11:00').toBe(true);
  const emails = await mailTo(mail('emailer'));
  expect(emails.map((m) => m.subject)).toEqual(['【交办】「一.(二) 开展质量提升行动」']); // GreenMail restarted empty
  expect(receiver.repeats()).toEqual([]);
});

test('a receiver that refuses is not retried: the delivery fails and the coordinator is told', async () => {
  await moveTo('2017-01-09', '14:00');
  const id = await assign('一.(三)', REFUSED);
  const outcomes = await outcomesOf(id, REFUSED, sentOn('json'));
  expect(outcomes.map((o) => `${o.time} ${o.outcome}`)).toEqual(['2017-01-09 14:00 failed']);
  expect(outcomes[0]!.detail).toContain('403');
  expect(receiver.at('/refused')).toHaveLength(1);
  // The coordinator's notice of it is urgent: it is not held for the coordinator's digest.
  const told = await outcomesOf(id, COORDINATOR, sentOn('email'));
  expect(told.map((o) => `${o.time} ${o.channel} ${o.outcome}`)).toEqual(['2017-01-09 14:00 email sent']);
  const emails = await mailTo(mail('coordinator'));
  expect(emails.map((m) => m.subject)).toEqual(['【投递失败】【交办】「一.(三) 开展质量提升行动」']);

  // A second notice to the same address that day fails too: it is listed, but the coordinator is told once a day.
  const again = await assign('一.(四)', REFUSED);
  await outcomesOf(again, REFUSED, sentOn('json'));
  const failed = await listDeliveries(pool, { state: 'failed', recipient: REFUSED });
  expect(failed.map((d) => d.assignmentId).sort()).toEqual([id, again].sort());
  for (const settle = Date.now() + 2_000; Date.now() < settle;) await new Promise((r) => setTimeout(r, 200));
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notices WHERE kind = 'delivery-failed' AND assignment_id = ANY($1::text[])`,
    [[id, again]],
  );
  expect(rows[0]!.n).toBe(1);
  expect(await mailTo(mail('coordinator'))).toHaveLength(1);
});

test('a unit that takes a digest gets one message the next working morning listing its notices', async () => {
  await moveTo('2017-01-09', '15:00');
  const a = await assign('二.(一)', DIGESTER);
  const b = await assign('二.(二)', DIGESTER);
  for (const id of [a, b]) {
    const waiting = await outcomesOf(id, DIGESTER, (o) => o.length > 0);
    expect(waiting.map((o) => `${o.time} ${o.outcome} ${o.detail}`)).toEqual([
      '2017-01-09 15:00 digest 并入 2017-01-10 09:00 的每日汇总',
    ]);
  }
  expect(await mailTo(mail('digester'))).toEqual([]);
  await moveTo('2017-01-10', '09:30');
  for (const id of [a, b]) {
    const outcomes = await outcomesOf(id, DIGESTER, sentOn('email'));
    expect(outcomes.at(-1)).toMatchObject({ outcome: 'sent', time: '2017-01-10 09:00' });
  }
  const emails = await mailTo(mail('digester'));
  expect(emails).toHaveLength(1);
  expect(emails[0]!.subject).toBe('【督办每日汇总】2017-01-10 共 2 条');
  expect(emails[0]!.text).toContain('二.(一)');
  expect(emails[0]!.text).toContain('二.(二)');
});

test('a 通报 to a coordinator who takes digests goes at once', async () => {
  await moveTo('2017-01-10', '10:00');
  const id = await assign('三.(一)', EMAILER);
  const activities = createActivities({ pool, topic: 'unused' });
  const { rows } = await pool.query<{ seq: number; occurred_at: Date }>(
    'SELECT seq, occurred_at FROM assignment_events WHERE assignment_id = $1 ORDER BY seq DESC LIMIT 1',
    [id],
  );
  const activity = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') });
  await activity.run(activities.deliverNotices, [
    {
      key: `${id}#${rows[0]!.seq}#${COORDINATOR}`,
      assignmentId: id,
      seq: rows[0]!.seq,
      at: simulatedNow.toISOString(),
      recipient: COORDINATOR,
      kind: 'report-coordinator' as const,
      subject: `【通报】${EMAILER}逾期未报送`,
      body: `${COORDINATOR}：${EMAILER}经提醒仍未报送。`,
    },
  ]);
  const outcomes = await outcomesOf(id, COORDINATOR, sentOn('email'));
  expect(outcomes.map((o) => `${o.time} ${o.outcome}`)).toEqual(['2017-01-10 10:00 sent']);
  const emails = await mailTo(mail('coordinator'));
  expect(emails.map((m) => m.subject)).toContain(`【通报】${EMAILER}逾期未报送`);
});
