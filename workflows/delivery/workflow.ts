/**
 * Delivering notices where people work: one workflow per batch the dispatcher took off the queue, each notice in it
 * delivered on its own, and one digest workflow per recipient who takes a daily digest.
 *
 * A notice outside office hours (a working day of the Chinese calendar, between the opening and closing hours) is
 * held to the next opening. Each channel is tried in a (local) activity that sends nothing when its delivery was sent
 * already (the idempotency key the receiver sees); one that does not answer is tried again, backing off, until the
 * delivery gives up: then it is marked failed and the coordinator is told — the notice itself is still in the
 * recipient's inbox. A refusal that can never succeed (a 4xx answer but 429) fails at once. Every step is recorded in
 * `delivery_outcomes`, with the workflow's time, for the auditor's timeline.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  uuid4,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/types';
import { formatShanghai, shanghaiDate } from '../../domain/calendar';
import { digestTime, heldUntil } from '../../domain/notify/hours';
import type { Address, Message } from '../../domain/notify/message';
import { UNTIL_IT_WORKS } from '../retry';
import {
  addToDigestSignal,
  URGENT_KINDS,
  type AddressedDelivery,
  type DeliveryInput,
  type DeliveryNotice,
  type DeliveryWindow,
  type QueuedDelivery,
  type DeliveryOutcome,
  type DeliveryOutcomeKind,
  type DeliveryRetry,
  type DigestEntry,
  type DigestInput,
} from './messages';

/**
 * Sending and recording run as local activities: in the worker, inside the workflow task, each leaving one marker in
 * the history instead of a round trip through the server per try — at a quarter end of thousands of notices, the
 * server's work per notice is what limits the rate. They are short (one SMTP or HTTP exchange, one INSERT); a worker
 * that dies during one has its workflow task retried elsewhere, which runs it again under the same delivery id.
 */
const { recordDeliveryOutcomes } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: UNTIL_IT_WORKS,
});

/**
 * One try of one channel: a quick second attempt covers a blip and a worker that died mid-send (the retry finds the
 * delivery sent, or sends it with the same id); a longer outage is the workflow's to wait out.
 */
const { sendDelivery } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { maximumAttempts: 2, initialInterval: '1 second' },
});

/** Joining a digest starts or signals another workflow, and telling the coordinator stores a notice: activities. */
const { joinDigest, deliverNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: UNTIL_IT_WORKS,
});

/** The workflow clock: in a workflow `new Date()` is the time of the current workflow task, the same on replay. */
const now = () => new Date();
const nowMs = () => now().getTime();

const CHANNEL_NAMES: Record<string, string> = {
  email: '邮件',
  json: 'Webhook',
  dingtalk: '钉钉机器人',
  wecom: '企业微信机器人',
};
const channelName = (a: Address) => CHANNEL_NAMES[a.channel] ?? a.channel;

export interface DeliverySummary {
  notices: number;
  /** Deliveries (notice × address) sent and failed. */
  sent: number;
  failed: number;
  /** Notices that went into their recipient's daily digest instead. */
  digests: number;
}

/** Delivers a batch of notices, each on its own: held, sent, retried or put in a digest independently. */
export async function deliveryWorkflow(input: DeliveryInput): Promise<DeliverySummary> {
  const results = await Promise.all(input.deliveries.map((delivery) => deliverNotice(delivery, input)));
  return {
    notices: results.length,
    sent: results.reduce((n, r) => n + r.filter((x) => x === 'sent').length, 0),
    failed: results.reduce((n, r) => n + r.filter((x) => x === 'failed').length, 0),
    digests: results.filter((r) => r.includes('digest')).length,
  };
}

async function deliverNotice(
  { notice, addresses, digest, coordinator }: QueuedDelivery,
  { retry, hours, calendar }: DeliveryInput,
): Promise<Array<'sent' | 'failed' | 'digest'>> {
  if (digest && !URGENT_KINDS.includes(notice.kind)) {
    const entry: DigestEntry = {
      key: notice.key,
      seq: notice.seq,
      kind: notice.kind,
      assignmentId: notice.assignmentId,
      subject: notice.subject,
      body: notice.body,
      at: notice.at,
    };
    const plain = addresses.map((a) => a.address);
    await joinDigest({ recipient: notice.recipient, addresses: plain, coordinator, retry, hours, calendar, entry });
    const at = digestTime(now(), hours, calendar);
    await recordDeliveryOutcomes(
      addresses.map((a) => outcomeOf(notice, a, 'digest', `并入 ${formatShanghai(at)} 的每日汇总`)),
    );
    return ['digest'];
  }

  const until = heldUntil(now(), hours, calendar);
  if (until) {
    await recordDeliveryOutcomes(
      addresses.map((a) => outcomeOf(notice, a, 'held', `非办公时间，${formatShanghai(until)} 发送`)),
    );
    await sleep(until.getTime() - nowMs());
  }
  const message: Omit<Message, 'deliveryId'> = {
    recipient: notice.recipient,
    kind: notice.kind,
    subject: notice.subject,
    body: notice.body,
    at: notice.at,
    assignmentId: notice.assignmentId,
  };
  const window = { retry, coordinator, hours, calendar };
  return Promise.all(addresses.map((a) => deliver(window, a, message, [notice], notice)));
}

/**
 * A recipient's daily digest: collects the notices signalled to it, and at the next opening (the next working day's,
 * or today's when the office has not opened yet) sends one message listing them on each channel, then continues as
 * new with whatever arrived while it was sending.
 */
export async function digestWorkflow(input: DigestInput): Promise<void> {
  const entries = [...input.entries];
  let { addresses, hours, calendar } = input;
  setHandler(addToDigestSignal, (signal) => {
    if (!entries.some((e) => e.key === signal.entry.key)) entries.push(signal.entry);
    ({ addresses, hours, calendar } = signal);
  });

  await condition(() => entries.length > 0);
  const at = digestTime(now(), hours, calendar);
  await sleep(at.getTime() - nowMs());

  const listed = entries.splice(0).sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
  const day = shanghaiDate(at);
  const message: Omit<Message, 'deliveryId'> = {
    recipient: input.recipient,
    kind: 'digest',
    subject: `【督办每日汇总】${day} 共 ${listed.length} 条`,
    body:
      `${input.recipient}：以下 ${listed.length} 条督办通知汇总送达，请逐项办理：\n` +
      listed.map((e, i) => `${i + 1}. ${e.subject}`).join('\n'),
    at: at.toISOString(),
    items: listed.map(({ assignmentId, subject, body, at: when }) => ({ assignmentId, subject, body, at: when })),
  };
  const notices = listed.map((e) => ({ ...e, recipient: input.recipient }));
  const window = { ...input, addresses, hours, calendar };
  await Promise.all(
    addresses.map((address) => deliver(window, { address, deliveryId: uuid4() }, message, notices, notices[0]!)),
  );

  await condition(allHandlersFinished);
  await continueAsNew<typeof digestWorkflow>({ ...window, entries });
}

type Deliverable = Pick<DeliveryNotice, 'key' | 'recipient' | 'assignmentId' | 'seq' | 'subject' | 'kind'>;

/**
 * Tries one channel until it takes the message, refuses it for good, or the delivery gives up; between tries it
 * waits, backing off, and a try that would fall outside office hours waits for the next opening. The first failed
 * try is recorded as held, with the reason; the end as sent (by the activity) or failed, and a failure is told to
 * the coordinator on the event of `about` (the notice, or a digest's first).
 */
async function deliver(
  input: { retry: DeliveryRetry; coordinator: string } & DeliveryWindow,
  to: AddressedDelivery,
  content: Omit<Message, 'deliveryId'>,
  notices: Deliverable[],
  about: Deliverable,
): Promise<'sent' | 'failed'> {
  const { address, deliveryId } = to;
  const outcomes = (outcome: DeliveryOutcomeKind, detail: string) =>
    recordDeliveryOutcomes(notices.map((n) => outcomeOf(n, to, outcome, detail)));
  const giveUpAt = nowMs() + input.retry.giveUpMs;
  let delay = input.retry.firstMs;
  for (let attempt = 1; ; attempt++) {
    let reason: string;
    try {
      await sendDelivery({
        address,
        message: { ...content, deliveryId },
        noticeKeys: notices.map((n) => n.key),
        at: now().toISOString(),
      });
      return 'sent';
    } catch (error) {
      const { message, final } = failureOf(error);
      reason = message;
      if (final || nowMs() + delay > giveUpAt) {
        const why = final ? `对方拒收：${reason}` : `${attempt} 次尝试均失败，已放弃（最后一次：${reason}）`;
        await outcomes('failed', why);
        // A failed notice of a failure is not reported again: that would go round for ever.
        if (about.kind !== 'delivery-failed') await tellCoordinator(input.coordinator, about, address, why);
        return 'failed';
      }
    }
    let next = new Date(nowMs() + delay);
    next = heldUntil(next, input.hours, input.calendar) ?? next;
    if (attempt === 1) {
      await outcomes('held', `${channelName(address)}暂不可用（${reason}），${formatShanghai(next)} 重试`);
    }
    await sleep(next.getTime() - nowMs());
    delay = Math.min(delay * 2, input.retry.maxMs);
  }
}

/** The channel's reason, and whether trying again could ever help. */
function failureOf(error: unknown): { message: string; final: boolean } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { message: cause.message, final: cause.nonRetryable === true };
  return { message: cause instanceof Error ? cause.message : String(cause), final: false };
}

function outcomeOf(
  notice: Pick<DeliveryNotice, 'key' | 'recipient'>,
  { address, deliveryId }: AddressedDelivery,
  outcome: DeliveryOutcomeKind,
  detail: string,
): DeliveryOutcome {
  return {
    deliveryId,
    noticeKey: notice.key,
    recipient: notice.recipient,
    channel: address.channel,
    address: address.to,
    outcome,
    at: now().toISOString(),
    detail,
  };
}

/**
 * The coordinator's notice of a channel that failed, on the same event as the notice that did not get through, so
 * it reaches the coordinator's inbox (and channels) like any notice. One per address and day: a robot removed from
 * its group fails every notice sent to it, and the coordinator needs to hear of the address once, not of each notice
 * (`duban deliveries --state failed` lists them all).
 */
async function tellCoordinator(coordinator: string, about: Deliverable, address: Address, why: string) {
  const at = now();
  const day = shanghaiDate(at);
  await deliverNotices([
    {
      key: `${coordinator}#投递失败#${address.channel}#${address.to}#${day}`,
      assignmentId: about.assignmentId,
      seq: about.seq,
      at: at.toISOString(),
      recipient: coordinator,
      kind: 'delivery-failed',
      subject: `【投递失败】${about.subject}`,
      body:
        `${coordinator}：发给${about.recipient}的通知「${about.subject}」经${channelName(address)}（${address.to}）` +
        `未能送达：${why}。通知仍在其站内收件箱中；请核实该单位在单位名录中的联系方式。` +
        `${day}发往这一地址的通知如再失败，不再逐条告知，可用 duban deliveries --state failed 查看。`,
    },
  ]);
}
