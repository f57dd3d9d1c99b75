/**
 * Delivery survives a worker killed mid-delivery (SIGKILL: no chance to finish anything), on the dev server of the
 * local stack with the worker as its own process: twelve notices go to a group-chat webhook whose receiver answers
 * slowly; the worker is killed while a request is in flight, and a new worker takes over. What the office's IT staff
 * check on the receiving side: every notice arrived, each signature verifies, and — deduplicating by the delivery id
 * the README tells receivers to use — none was processed twice. A request cut off by the kill may be sent once more,
 * always with the same delivery id; the test says how many were.
 */
import type { Pool } from 'pg';
import { AssignmentService } from '../../api/assignments';
import { addDays, shanghaiDate } from '../../domain/calendar';
import type { DirectoryUnit } from '../../domain/units';
import { loadCalendarYears } from '../../infra/calendar-store';
import { replaceDirectory } from '../../infra/unit-store';
import { killHard, startWorkerProcess, type WorkerProcess } from '../support/processes';
import { connectPostgres, connectTemporal, uniqueId } from '../support/stack';
import { WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(240_000);

const run = uniqueId('kill');
const taskQueue = `${run}-queue`;
const UNIT = `环保局-${run}`;
const SECRET = 'kill-test-secret';
const NOTICES = 12;
const workerEnv = { TEMPORAL_TASK_QUEUE: taskQueue, DELIVERY_HOURS: 'always' };

let pool: Pool;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let receiver: WebhookReceiver;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  pool = await connectPostgres();
  temporal = await connectTemporal();
  receiver = await WebhookReceiver.start();
  receiver.expectSecret('/chat', 'json', SECRET);
  receiver.answerAt('/chat', { stallMs: 1_500 });
  const unit: DirectoryUnit = {
    name: UNIT,
    aliases: [],
    groups: [],
    contacts: {
      liaisons: [],
      webhooks: [{ kind: 'json', url: `${receiver.url}/chat`, secret: SECRET }],
      digest: false,
    },
  };
  await replaceDirectory(pool, [unit]);
});

afterAll(async () => {
  if (worker) await killHard(worker);
  await receiver?.close();
  await temporal?.connection.close();
  await pool?.end();
});

async function sentCount(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(DISTINCT o.notice_key)::int AS n FROM delivery_outcomes o JOIN notices n ON n.key = o.notice_key
     WHERE n.assignment_id LIKE $1 AND o.outcome = 'sent'`,
    [`${run}:%`],
  );
  return rows[0]!.n;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a worker killed mid-delivery loses nothing, and no notice is processed twice by a receiver', async () => {
  worker = await startWorkerProcess(workerEnv);
  const assignments = new AssignmentService({
    client: temporal.client,
    taskQueue,
    coordinator: '市政府督查室',
    calendarYears: () => loadCalendarYears(pool),
  });
  const due = addDays(shanghaiDate(new Date()), 120);
  for (let i = 1; i <= NOTICES; i++) {
    await assignments.assign({
      planId: run,
      ref: `一.(${i})`,
      title: '推进质量提升',
      unit: UNIT,
      deadlineText: '年底前',
      due,
    });
  }

  // Kill it while the receiver holds a request open.
  await until('a third request is in flight', () => receiver.at('/chat').length >= 3 && receiver.inFlight() > 0);
  const inFlightAtKill = receiver.inFlight();
  await killHard(worker);
  worker = await startWorkerProcess(workerEnv);

  await until(`all ${NOTICES} notices are recorded sent`, async () => (await sentCount()) === NOTICES);
  const requests = receiver.at('/chat');
  const ids = new Set(requests.map((r) => r.deliveryId));
  expect(ids.size).toBe(NOTICES);
  expect(requests.every((r) => r.signatureValid === true)).toBe(true);
  // A receiver that keeps the ids it processed (the README's recipe) processes each notice once: one id per notice.
  // Only a request cut off by the kill can have gone again, and then with the same delivery id.
  const repeats = receiver.repeats();
  expect(repeats.length).toBeLessThanOrEqual(inFlightAtKill);
  expect(repeats.every(([, n]) => n === 2)).toBe(true);
  process.stdout.write(
    `[worker-kill] ${requests.length} requests for ${NOTICES} notices; ${repeats.length} sent again with the same ` +
      `delivery id (in flight at the kill: ${inFlightAtKill})\n`,
  );
});
