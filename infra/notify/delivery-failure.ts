/**
 * Why one send did not arrive, and whether trying again could help: the orchestration retries a retryable failure
 * until its give-up time and ends a non-retryable one at once (a refused mailbox, a robot that no longer exists, a
 * receiver answering 4xx), so a broken address is not hammered for hours.
 */
export class DeliveryFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** Stable English code: SMTP_550, HTTP_404, TIMEOUT, CONNECTION, DINGTALK_310000, FORBIDDEN_ADDRESS… */
    readonly code: string,
    /** The SMTP reply code or HTTP status, when the other side answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}
