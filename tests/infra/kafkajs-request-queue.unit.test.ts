/**
 * kafkajs's request queues, as every duban process that talks to Kafka gets them (infra/kafkajs-request-queue.ts):
 * a queue with nothing held back and no throttle schedules no check, one with a request held back or a throttle
 * running still does, and the request goes out. Pure: a bare queue, no socket. Beside it, kafkajs's own queue,
 * loaded afresh, checks itself every millisecond with nothing to check: once a kafkajs release stops doing so, this
 * control fails and the fix can go.
 */
import type { createKafka } from '../../infra/kafka';
import { requestQueueClass, skipIdleRequestQueueChecks } from '../../infra/kafkajs-request-queue';

/** The queue's fields and methods the tests drive; kafkajs has no types for them. */
interface Queue {
  pending: unknown[];
  throttledUntil: number;
  maxInFlightRequests: number | null;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  destroy(): void;
}
type QueueClass = new (options: Record<string, unknown>) => Queue;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const queues: Queue[] = [];

function queueOf(RequestQueue: unknown): Queue {
  const queue = new (RequestQueue as QueueClass)({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'duban-test',
    broker: 'nowhere:0',
    logger: quiet,
  });
  queues.push(queue);
  return queue;
}

/** Counts the queue's checks of its pending requests, each scheduled one included, for `ms` after one made now. */
async function checksWithin(queue: Queue, ms: number): Promise<number> {
  let checks = 0;
  const check = queue.checkPendingRequests.bind(queue);
  queue.checkPendingRequests = () => {
    checks++;
    check();
  };
  queue.checkPendingRequests(); // as a response that frees a place in the queue does (fulfillRequest)
  await sleep(ms);
  return checks;
}

/** A request held back, as kafkajs queues one; `sent` counts its sends. */
function heldBack() {
  const request = { correlationId: 1, pendingDuration: 0, expectResponse: true, sent: 0, send: () => request.sent++ };
  return request;
}

beforeAll(() => skipIdleRequestQueueChecks());
afterEach(() => queues.splice(0).forEach((queue) => queue.destroy()));

test("kafkajs's own queue, unfixed, checks itself every millisecond with nothing to check", async () => {
  let Unfixed: unknown;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Unfixed = require('kafkajs/src/network/requestQueue');
  });
  expect(Unfixed).not.toBe(requestQueueClass());
  // Node runs a negative delay after 1 ms; given here as Node would, without Node 24's warning about it.
  const delays: number[] = [];
  const setTimer = global.setTimeout;
  const timers = jest.spyOn(global, 'setTimeout').mockImplementation(((run: () => void, ms = 0) => {
    delays.push(ms);
    return setTimer(run, Math.max(1, ms));
  }) as typeof setTimeout);
  try {
    expect(await checksWithin(queueOf(Unfixed), 100)).toBeGreaterThan(10);
  } finally {
    timers.mockRestore();
  }
  // each scheduled `throttledUntil - now` ahead, with no throttle ever set
  expect(delays.filter((ms) => ms < 0).length).toBeGreaterThan(10);
});

test('an idle queue checks once, when asked, and schedules nothing after it', async () => {
  const queue = queueOf(requestQueueClass());
  expect(await checksWithin(queue, 100)).toBe(1);
  expect(queue.throttleCheckTimeoutId).toBeNull();
});

test('a request held back is checked for until it can go, and then goes; the checks stop after it', async () => {
  const queue = queueOf(requestQueueClass());
  queue.maxInFlightRequests = 0; // full: nothing may be sent
  const request = heldBack();
  queue.pending.push(request);
  const checks = await checksWithin(queue, 50);
  expect(checks).toBeGreaterThan(1); // every 10 ms, kafkajs's interval for a queue holding requests back
  expect(request.sent).toBe(0);

  queue.maxInFlightRequests = null; // a place is free
  await sleep(30);
  expect(request.sent).toBe(1);
  expect(queue.pending).toEqual([]);
  const after = await checksWithin(queue, 50);
  expect(after).toBe(1);
});

test('a throttle with nothing held back is checked once at its end, and not after', async () => {
  const queue = queueOf(requestQueueClass());
  queue.throttledUntil = Date.now() + 30;
  expect(await checksWithin(queue, 100)).toBe(2); // the call, and the check at the throttle's end
  expect(queue.throttleCheckTimeoutId).toBeNull();
});

test('every Kafka client duban makes has the fix, applied once however many are made', async () => {
  // A registry of its own, where nothing has applied the fix yet.
  let fresh!: { createKafka: typeof createKafka; requestQueueClass: typeof requestQueueClass };
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    fresh = { ...require('../../infra/kafka'), ...require('../../infra/kafkajs-request-queue') };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  const { prototype } = fresh.requestQueueClass();
  const unfixed = prototype.scheduleCheckPendingRequests;
  fresh.createKafka({ KAFKA_BROKERS: ['127.0.0.1:1'], KAFKA_CLIENT_ID: 'duban-test' });
  const fixed = prototype.scheduleCheckPendingRequests;
  expect(fixed).not.toBe(unfixed);
  fresh.createKafka({ KAFKA_BROKERS: ['127.0.0.1:1'], KAFKA_CLIENT_ID: 'duban-test' });
  expect(prototype.scheduleCheckPendingRequests).toBe(fixed);
  expect(await checksWithin(queueOf(fresh.requestQueueClass()), 50)).toBe(1);
});
