/**
 * Errors the application answers with: a stable English code a program can act on, a Chinese title and a message
 * that names the problem and the fix for the people who read it, and the HTTP status the API maps it to. Domain
 * error codes from the decider pass through unchanged.
 */
import type { EvidenceRefusalCode } from '../domain/evidence/sniff';
import type { AuthErrorCode } from '../infra/auth/errors';
import type { DomainErrorCode } from '../workflows/assignment/decider';

export type AppErrorCode =
  | DomainErrorCode
  | 'INVALID_PAYLOAD'
  | 'UNKNOWN_TASK'
  | 'UNKNOWN_CYCLE'
  | 'CYCLE_EXISTS'
  | 'CYCLE_LAUNCHING'
  | 'CYCLE_NOT_RUNNING'
  | 'CYCLE_NOT_PAUSED'
  | 'CYCLE_CLOSED'
  | 'INVALID_TABLE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | EvidenceRefusalCode
  | AuthErrorCode
  | 'FORBIDDEN'
  | 'UNKNOWN_EVIDENCE'
  | 'UNKNOWN_ASSIGNMENT'
  | 'INVALID_TIME'
  | 'AS_OF_BEFORE_ASSIGNMENT'
  | 'AS_OF_IN_FUTURE'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'EVIDENCE_NOT_STORED'
  | 'SERVER_UNREACHABLE'
  | 'UNAUTHENTICATED'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL';

const ERRORS: Record<AppErrorCode, { status: number; title: string }> = {
  INVALID_PAYLOAD: { status: 400, title: '请求格式有误' },
  INVALID_SPEC: { status: 400, title: '交办内容有误' },
  WRONG_UNIT: { status: 403, title: '非本单位任务' },
  NOT_COORDINATOR: { status: 403, title: '非督办单位' },
  UNKNOWN_TASK: { status: 404, title: '任务不存在' },
  UNKNOWN_CYCLE: { status: 404, title: '督办周期不存在' },
  CYCLE_EXISTS: { status: 409, title: '督办周期已存在' },
  CYCLE_LAUNCHING: { status: 409, title: '督办周期正在发布' },
  CYCLE_NOT_RUNNING: { status: 409, title: '督办周期未在运行' },
  CYCLE_NOT_PAUSED: { status: 409, title: '督办周期未暂停' },
  CYCLE_CLOSED: { status: 409, title: '督办周期已结束' },
  INVALID_TABLE: { status: 422, title: '任务分解表有误' },
  UNKNOWN_PERIOD: { status: 404, title: '报送周期不存在' },
  NOT_ASSIGNED: { status: 404, title: '任务尚未交办' },
  NOT_FOUND: { status: 404, title: '地址不存在' },
  UNKNOWN_EVIDENCE: { status: 404, title: '佐证材料不存在' },
  UNKNOWN_ASSIGNMENT: { status: 404, title: '督办事项不存在' },
  INVALID_TIME: { status: 400, title: '时间有误' },
  AS_OF_BEFORE_ASSIGNMENT: { status: 400, title: '该时间尚未交办' },
  AS_OF_IN_FUTURE: { status: 400, title: '该时间尚未到来' },
  EVIDENCE_EMPTY: { status: 400, title: '佐证材料为空' },
  EVIDENCE_NAME_INVALID: { status: 400, title: '佐证材料文件名有误' },
  EVIDENCE_TOO_LARGE: { status: 413, title: '佐证材料过大' },
  EVIDENCE_TYPE_REFUSED: { status: 415, title: '佐证材料类型不受支持' },
  METHOD_NOT_ALLOWED: { status: 405, title: '不支持该请求方法' },
  OUT_OF_ORDER: { status: 409, title: '时间顺序有误' },
  ALREADY_ASSIGNED: { status: 409, title: '任务已交办' },
  ALREADY_COMPLETED: { status: 409, title: '任务已办结' },
  ALREADY_CANCELLED: { status: 409, title: '任务已撤销' },
  ALREADY_REPORTED: { status: 409, title: '本期已报送' },
  NOTHING_TO_REPORT: { status: 409, title: '没有待报送的周期' },
  PERIOD_NOT_OPEN: { status: 409, title: '报送周期尚未开始' },
  NO_REPORT: { status: 409, title: '没有可审核的报告' },
  ALREADY_REVIEWED: { status: 409, title: '报告已审核' },
  REQUEST_PENDING: { status: 409, title: '已有待答复的申请' },
  NO_REQUEST: { status: 409, title: '没有待答复的申请' },
  INVALID_DATE: { status: 400, title: '日期有误' },
  COMMENT_REQUIRED: { status: 400, title: '须写明意见' },
  ALREADY_REASSIGNED: { status: 409, title: '任务已改派' },
  SAME_UNIT: { status: 400, title: '改派给了同一单位' },
  CALENDAR_UNCHANGED: { status: 409, title: '工作日日历未变' },
  NOT_COOPERATING: { status: 403, title: '非配合单位' },
  UNKNOWN_TARGET: { status: 400, title: '指标不存在' },
  WRONG_MEASURE: { status: 400, title: '计量单位不符' },
  EVIDENCE_NOT_STORED: { status: 400, title: '佐证材料尚未上传' },
  PAYLOAD_TOO_LARGE: { status: 413, title: '请求体过大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: '请求体类型不受支持' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: '幂等键已用于其他请求' },
  UNAUTHENTICATED: { status: 401, title: '未登录或登录已失效' },
  FORBIDDEN: { status: 403, title: '无权执行此操作' },
  CSRF_TOKEN_INVALID: { status: 403, title: 'CSRF 令牌无效' },
  TOO_MANY_REQUESTS: { status: 429, title: '请求过于频繁' },
  INVALID_ACCOUNT: { status: 400, title: '账号信息有误' },
  PASSWORD_REFUSED: { status: 400, title: '密码不符合要求' },
  ACCOUNT_EXISTS: { status: 409, title: '账号已存在' },
  UNKNOWN_ACCOUNT: { status: 404, title: '账号不存在' },
  UNKNOWN_TOKEN: { status: 404, title: '令牌不存在' },
  INTERNAL: { status: 500, title: '服务器内部错误' },
  SERVER_UNREACHABLE: { status: 503, title: '服务暂不可用' },
};

export class AppError extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
    ({ status: this.status, title: this.title } = ERRORS[code]);
  }
}

/** A code's status and title, as its answers carry them: what the API's documentation lists for each route. */
export function appErrorInfo(code: AppErrorCode): { status: number; title: string } {
  return ERRORS[code];
}

/** Every code the API answers with, in the table's order. */
export const APP_ERROR_CODES = Object.keys(ERRORS) as AppErrorCode[];

/** Only the codes listed above: an inherited name such as `toString` is not a code. */
export function isAppErrorCode(code: unknown): code is AppErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}
