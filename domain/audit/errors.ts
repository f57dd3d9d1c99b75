/**
 * What an audit command refuses, with a stable English code beside the Chinese message: an unknown task, a time the
 * assignment did not exist at, a package that is not what it says. main turns it into exit code 2 and one line.
 */
export type AuditErrorCode =
  | 'UNKNOWN_TASK'
  | 'UNKNOWN_ASSIGNMENT'
  | 'UNKNOWN_CYCLE'
  | 'INVALID_TIME'
  | 'AS_OF_BEFORE_ASSIGNMENT'
  | 'AS_OF_IN_FUTURE'
  | 'EXPORT_DIR_NOT_EMPTY'
  | 'PACKAGE_UNREADABLE'
  | 'SIGNING_KEY_UNREADABLE';

export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuditError';
  }
}
