/** Plan ingestion (计划导入): the pure plan reader and the shapes it produces. */
export * from './schema';
export { PlanError, type PlanErrorCode } from './errors';
export { decodePlanBytes, type SourceEncoding } from './decode';
export { adviceFor, DOCUMENT_KIND_LABEL, sniffDocument, type DocumentKind } from './sniff';
export { parsePlan, type ParseOptions, type ParseResult } from './parse-plan';
export { parseDeadline, defaultDeadline } from './deadline';
export { findTargets } from './targets';
export {
  planToRows,
  rowsToPlan,
  readDateCell,
  TASK_TABLE_COLUMNS,
  KIND_LABELS,
  type TableMetadata,
} from './task-table';
export {
  FREQUENCY_LABELS,
  REPORTING_COLUMNS,
  REPORTING_SHEET,
  reportingRulesToRows,
  rowsToReportingRules,
} from './reporting-table';
export { targetsOfText } from './task-text';
