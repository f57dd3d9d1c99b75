/**
 * Errors the application answers with: a code the caller can act on, a message that names the problem and the
 * fix, and the HTTP status the API maps it to. Domain error codes from the decider pass through unchanged.
 */
import type { DomainErrorCode } from '../workflows/assignment/decider';

export type AppErrorCode = DomainErrorCode | 'INVALID_PAYLOAD' | 'UNKNOWN_TASK' | 'SERVER_UNREACHABLE';

const STATUS: Record<AppErrorCode, number> = {
  INVALID_PAYLOAD: 400,
  INVALID_SPEC: 400,
  OUT_OF_ORDER: 409,
  WRONG_UNIT: 403,
  UNKNOWN_TASK: 404,
  UNKNOWN_PERIOD: 404,
  NOT_ASSIGNED: 404,
  ALREADY_ASSIGNED: 409,
  ALREADY_COMPLETED: 409,
  ALREADY_REPORTED: 409,
  NOTHING_TO_REPORT: 409,
  PERIOD_NOT_OPEN: 409,
  SERVER_UNREACHABLE: 503,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS[code];
  }
}

export function isAppErrorCode(code: string | undefined): code is AppErrorCode {
  return code !== undefined && code in STATUS;
}
