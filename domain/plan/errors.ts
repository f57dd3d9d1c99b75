/** Why a document cannot become a plan. Each code has one fix the message spells out. */
export type PlanErrorCode =
  | 'EMPTY_INPUT'
  | 'BINARY_INPUT'
  | 'UNKNOWN_ENCODING'
  | 'NO_TEXT_LAYER'
  | 'UNREADABLE_DOCUMENT'
  | 'NO_TASKS'
  | 'NO_PLAN_YEAR'
  | 'INVALID_TABLE';

/**
 * An expected refusal (空文件, 二进制, 无任务条目…), as opposed to a bug: the CLI prints its message without a
 * stack trace and exits with 2.
 */
export class PlanError extends Error {
  readonly code: PlanErrorCode;

  constructor(code: PlanErrorCode, message: string) {
    super(message);
    this.name = 'PlanError';
    this.code = code;
  }
}
