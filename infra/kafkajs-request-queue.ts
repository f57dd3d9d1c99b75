/**
 * Stops kafkajs's request queues from checking themselves every millisecond while idle.
 *
 * kafkajs 2.2.4, its last release, gives each broker connection a request queue that, after every check of its
 * pending requests, schedules the next check `throttledUntil - now` milliseconds ahead, whether or not anything is
 * pending. Unthrottled, that delay is negative, which Node runs after 1 ms: from a connection's first request until it
 * closes, the queue checks itself a thousand times a second with nothing to check (tulios/kafkajs#1556 and #1704; the
 * fix, #1667, was never merged). An idle worker spent 51 ms of CPU a second with the loop and 8 without it, and
 * Node 24 warns of the negative delay (#1751).
 *
 * A check is needed only for a request held back — pushed while the queue was full or throttled — or at the end of a
 * throttle. A response that frees a place checks the queue itself (`fulfillRequest`), so nothing else needs the loop.
 * This skips the schedule when nothing is pending and no throttle is running, and leaves every other case to kafkajs.
 */

/** The parts of kafkajs's RequestQueue (src/network/requestQueue/index.js) the fix reads. */
export interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

const patched = Symbol('duban:idle-check-skipped');

type RequestQueueClass = { prototype: RequestQueueState & { [patched]?: true } };

/** Whether a queue needs a check scheduled: a request held back, or a throttle still running. */
function needsPendingCheck(queue: Pick<RequestQueueState, 'pending' | 'throttledUntil'>, now: number): boolean {
  return queue.pending.length > 0 || queue.throttledUntil > now;
}

/** The request queue class as kafkajs loads it (no types: it is internal to the package). */
export function requestQueueClass(): RequestQueueClass {
  // A plain require (kafkajs has no types for it), so that jest's module registry, which gives each test file its own
  // kafkajs, hands that file's copy to the fix.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as RequestQueueClass;
  if (typeof RequestQueue?.prototype?.scheduleCheckPendingRequests !== 'function') {
    throw new Error(
      "kafkajs's RequestQueue has no scheduleCheckPendingRequests: a kafkajs other than 2.2.x is installed; " +
        'check whether it still checks its queues while idle, and update or remove infra/kafkajs-request-queue.ts',
    );
  }
  return RequestQueue;
}

/** Applies the fix to kafkajs's RequestQueue; later calls do nothing. */
export function skipIdleRequestQueueChecks(): void {
  const { prototype } = requestQueueClass();
  if (prototype[patched]) return;
  const schedule = prototype.scheduleCheckPendingRequests;
  prototype.scheduleCheckPendingRequests = function (this: RequestQueueState) {
    if (needsPendingCheck(this, Date.now())) schedule.call(this);
  };
  prototype[patched] = true;
}
