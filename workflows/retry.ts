/**
 * How the workflows retry their activities: without a limit, backing off to a minute. Storage, Kafka and Temporal
 * itself may be down for a while; an event must never be dropped, only delayed, and a failed attempt shows in the
 * workflow's pending activities. What can never succeed fails at once instead (non-retryable failures).
 */
import type { RetryPolicy } from '@temporalio/common';

export const UNTIL_IT_WORKS: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
};
