/**
 * The delivery workflows' activities: sending one message on one channel at most once per delivery id, recording
 * what happened to each delivery, and putting a notice in a recipient's daily digest.
 *
 * "At most once" is kept by PostgreSQL: before sending, the activity looks for the delivery's `sent` row and sends
 * nothing when there is one. A worker that dies after the channel took the message but before that row was written
 * leaves the one case a message goes out twice; it goes out with the same delivery id (the email's Message-ID and
 * X-Duban-Delivery header, the webhook's X-Duban-Delivery header), so the receiver can tell it is a repeat.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Pool } from 'pg';
import { DeliveryFailure, type Sender } from '../infra/notify';
import { columnsOf } from '../infra/postgres';
import type { digestWorkflow } from '../workflows/delivery/workflow';
import { addToDigestSignal, digestWorkflowId, type DigestSignal } from '../workflows/delivery/messages';
import type { Activities } from './types';
import type { TemporalTarget } from './cycle';

type DeliveryActivities = Pick<Activities, 'sendDelivery' | 'recordDeliveryOutcomes' | 'joinDigest'>;

export interface DeliveryDependencies {
  pool: Pool;
  /** The channels: email over SMTP, webhooks. */
  sender?: Sender;
  /** Where the digest workflows run: the worker's own server and task queue. */
  temporal?: TemporalTarget;
}

export function createDeliveryActivities({ pool, sender, temporal }: DeliveryDependencies): DeliveryActivities {
  return {
    async sendDelivery({ address, message, noticeKeys, at }) {
      const { rowCount } = await pool.query(
        `SELECT 1 FROM delivery_outcomes WHERE delivery_id = $1 AND outcome = 'sent' LIMIT 1`,
        [message.deliveryId],
      );
      if (rowCount) return { receipt: '已发送过，未重复发送', repeated: true };
      if (!sender) {
        throw ApplicationFailure.nonRetryable('this worker has no channels configured (no sender)', 'NO_SENDER');
      }
      let receipt: string;
      try {
        ({ receipt } = await sender.send(address, message));
      } catch (error) {
        if (error instanceof DeliveryFailure) {
          throw ApplicationFailure.create({ message: error.message, type: error.code, nonRetryable: !error.retryable });
        }
        throw error;
      }
      await pool.query(
        `INSERT INTO delivery_outcomes (delivery_id, notice_key, recipient, channel, address, outcome, at, detail)
         SELECT $1, k, $3, $4, $5, 'sent', $6, $7 FROM unnest($2::text[]) AS k
         ON CONFLICT DO NOTHING`,
        [message.deliveryId, noticeKeys, message.recipient, address.channel, address.to, at, receipt],
      );
      return { receipt, repeated: false };
    },

    async recordDeliveryOutcomes(outcomes) {
      if (outcomes.length === 0) return;
      await pool.query(
        `INSERT INTO delivery_outcomes (delivery_id, notice_key, recipient, channel, address, outcome, at, detail)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                              $7::timestamptz[], $8::text[])
         ON CONFLICT (delivery_id, notice_key, outcome, at) DO NOTHING`,
        columnsOf(outcomes, ['deliveryId', 'noticeKey', 'recipient', 'channel', 'address', 'outcome', 'at', 'detail']),
      );
    },

    async joinDigest({ entry, ...digest }) {
      if (!temporal) throw ApplicationFailure.nonRetryable('this worker has no Temporal client', 'NO_TEMPORAL');
      const { addresses, hours, calendar } = digest;
      await temporal.client.workflow.signalWithStart<typeof digestWorkflow, [DigestSignal]>('digestWorkflow', {
        workflowId: digestWorkflowId(digest.recipient),
        taskQueue: temporal.taskQueue,
        args: [{ ...digest, entries: [] }],
        signal: addToDigestSignal,
        signalArgs: [{ entry, addresses, hours, calendar }],
      });
    },
  };
}
