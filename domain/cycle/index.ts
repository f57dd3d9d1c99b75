/** Supervision cycles (督办周期): planning a launch and the reporting periods of its assignments; pure. */
export {
  LAUNCH_ERROR_CODES,
  LAUNCH_WARNING_CODES,
  formatDryRun,
  planLaunch,
  type LaunchInput,
  type LaunchItem,
  type LaunchPlan,
  type LaunchProblem,
} from './launch-plan';
export {
  SPAN_OF_FREQUENCY,
  addMonths,
  dateLabel,
  itemPeriods,
  oneOffPeriod,
  periodOn,
  shiftYears,
  type ItemPeriods,
  type PeriodSource,
  type PeriodSpan,
  type ReportingPeriod,
} from './periods';
