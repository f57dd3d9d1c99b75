/**
 * Preparing a launch: the task table planned into assignments (domain/cycle/launch-plan.ts), and the cycle's
 * configuration around them — the working-day calendar slice every assignment carries, the policy, the lights and
 * the scoring. Pure: `duban cycle launch`, its `--dry-run` and `duban simulate` prepare alike, and start exactly
 * what this gives.
 */
import { addDays, type CalendarDate } from '../domain/calendar';
import { DEFAULT_SCORING } from '../domain/cycle/bulletin';
import { planLaunch, type LaunchPlan } from '../domain/cycle/launch-plan';
import type { ParsedPlan } from '../domain/plan';
import { UnitDirectory, type DirectoryUnit } from '../domain/units';
import { calendarSlice, describeUnknownYears, type YearDates } from '../domain/working-days';
import { DEFAULT_CONVERSATION, DEFAULT_CYCLE_POLICY } from '../workflows/assignment/policy';
import type { CycleConfig } from '../workflows/cycle/events';
import { DEFAULT_LIGHTS } from '../workflows/assignment/decider';
import type { LightThresholds } from '../workflows/assignment/spec';

export interface LaunchPreparation {
  plan: ParsedPlan;
  directory: readonly DirectoryUnit[];
  calendarYears: readonly YearDates[];
  cycleId: string;
  today: CalendarDate;
  year?: number;
  coordinator: string;
  title?: string;
  /** When an assignment's light turns yellow; DEFAULT_LIGHTS (the last 30 % of a period) when absent. */
  lights?: LightThresholds;
  /** 签收 and 协办 days for the cycle's assignments; DEFAULT_CONVERSATION when absent. */
  conversation?: CycleConfig['conversation'];
  /** A simulation's launch: its cycle's name takes the prefix no real cycle may (SIMULATION_PREFIX). */
  simulation?: boolean;
}

export interface PreparedLaunch {
  launch: LaunchPlan;
  config: CycleConfig;
  /** Said loudly when a year the cycle runs into has no official calendar: weekends only there. */
  calendarWarning?: string;
}

/**
 * A light threshold as a coordinator gives it: the share of an open period left, as a percentage from 1 to 99 (`30%`
 * or `30`), below which an assignment with no report in shows yellow. Undefined when the text is not one.
 */
export function yellowWhenLeftOf(text: string): LightThresholds | undefined {
  const match = /^(\d{1,2})\s*[%％]?$/.exec(text.trim());
  const percent = match ? Number(match[1]) : 0;
  return percent >= 1 && percent <= 99 ? { yellowWhenLeft: percent / 100 } : undefined;
}

/** What a bad threshold is told, with the option's or parameter's name. */
export function yellowWhenLeftProblem(name: string, text: string): string {
  return `${name} 应为 1% 到 99% 之间的百分比（报送期所剩不足这一比例且未报送时亮黄灯），如 30%，而不是“${text}”`;
}

/** How long after the last due date the calendar slice reaches: the whole escalation ladder and the bulletin. */
const CALENDAR_MARGIN_DAYS = 60;

export function prepareLaunch(p: LaunchPreparation): PreparedLaunch {
  const launch = planLaunch({
    plan: p.plan,
    directory: new UnitDirectory(p.directory),
    cycleId: p.cycleId,
    today: p.today,
    ...(p.year !== undefined && { year: p.year }),
    ...(p.simulation && { simulation: true }),
  });
  const lastDue = launch.items.reduce((last, item) => (item.due > last ? item.due : last), p.today);
  const calendar = calendarSlice({ from: p.today, to: addDays(lastDue, CALENDAR_MARGIN_DAYS) }, p.calendarYears);
  const calendarWarning = describeUnknownYears(calendar);
  const config: CycleConfig = {
    title: p.title?.trim() || p.plan.title.trim() || p.cycleId, // a task table (CSV, XLSX) carries no plan title
    planId: p.cycleId,
    coordinator: p.coordinator,
    policy: DEFAULT_CYCLE_POLICY,
    lights: p.lights ?? DEFAULT_LIGHTS,
    scoring: DEFAULT_SCORING,
    calendar,
    ...(launch.yearShift !== undefined && { yearShift: launch.yearShift }),
    conversation: p.conversation ?? { ...DEFAULT_CONVERSATION },
  };
  return { launch, config, ...(calendarWarning && { calendarWarning }) };
}
