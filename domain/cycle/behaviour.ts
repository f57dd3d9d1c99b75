/**
 * How scripted units behave in a simulated cycle (`duban simulate`): each unit acknowledges its assignments, then
 * reports every period on time, late by some days, or not at all. A default mix is drawn from a seed, so a run
 * repeats exactly; a small JSON file overrides it unit by unit. Pure: the simulation turns the actions into updates
 * on the time-skipping server.
 */
import { z } from 'zod';
import { addDays, shanghaiInstant, type CalendarDate } from '../calendar';
import { nextWorkingDay, previousWorkingDay, type WorkingCalendar } from '../working-days';

export const BEHAVIOURS = ['on-time', 'late', 'silent'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

const unitBehaviourSchema = z.strictObject({
  behaviour: z.enum(BEHAVIOURS, { error: '应为 on-time（按期）、late（逾期）或 silent（不报送）' }),
  /** on-time: working days before the due day it reports (default 2); late: calendar days after it (default 3). */
  days: z.number().int().min(0).max(60).optional(),
});

export const behaviourFileSchema = z.strictObject({
  /** The seed of the default mix; the same seed gives the same run. */
  seed: z.number().int().min(0).optional(),
  /** Shares of the default mix for units the file does not name: on time, late, silent (they need not add to 1). */
  mix: z.strictObject({ 'on-time': z.number().min(0), late: z.number().min(0), silent: z.number().min(0) }).optional(),
  units: z.record(z.string().min(1), unitBehaviourSchema).optional(),
});
export type BehaviourFile = z.infer<typeof behaviourFileSchema>;

export const DEFAULT_MIX = { 'on-time': 0.6, late: 0.25, silent: 0.15 };
export const DEFAULT_SEED = 2017;

export interface UnitScript {
  unit: string;
  behaviour: Behaviour;
  days: number;
}

/** The assignments a simulation drives, as much of each as the script needs. */
export interface ScriptedAssignment {
  assignmentId: string;
  unit: string;
  assignedOn: CalendarDate;
  periods: Array<{ key: string; due: CalendarDate }>;
}

export interface Action {
  at: Date;
  assignmentId: string;
  unit: string;
  kind: 'acknowledge' | 'report';
  period?: string;
  percentComplete?: number;
}

/** A small, well-mixed generator (mulberry32): the same seed, the same numbers, on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Each unit's script: the file's, or drawn from the mix in the units' sorted order (so adding a unit elsewhere in
 * the table changes no other unit's draw). A file naming a unit the cycle does not have is refused by the caller.
 */
export function unitScripts(units: readonly string[], file: BehaviourFile = {}): UnitScript[] {
  const draw = random(file.seed ?? DEFAULT_SEED);
  const mix = file.mix ?? DEFAULT_MIX;
  const total = mix['on-time'] + mix.late + mix.silent || 1;
  return [...new Set(units)].sort().map((unit) => {
    const r = draw();
    const days = draw();
    const given = file.units?.[unit];
    if (given) return { unit, behaviour: given.behaviour, days: given.days ?? defaultDays(given.behaviour, days) };
    const behaviour: Behaviour =
      r < mix['on-time'] / total ? 'on-time' : r < (mix['on-time'] + mix.late) / total ? 'late' : 'silent';
    return { unit, behaviour, days: defaultDays(behaviour, days) };
  });
}

function defaultDays(behaviour: Behaviour, r: number): number {
  if (behaviour === 'on-time') return 1 + Math.floor(r * 4); // 1–4 working days before
  if (behaviour === 'late') return 1 + Math.floor(r * 10); // 1–10 days after
  return 0;
}

/**
 * What the scripted units do, in time order: acknowledge on the first working day after the assignment, at 10:00;
 * then, per period, report at 15:00 — on time `days` working days before the due day (not before the day after the
 * assignment), or late `days` days after it, on a working day; a silent unit never reports.
 */
export function scriptActions(
  assignments: readonly ScriptedAssignment[],
  scripts: readonly UnitScript[],
  calendar: WorkingCalendar,
): Action[] {
  const byUnit = new Map(scripts.map((s) => [s.unit, s]));
  const actions: Action[] = [];
  for (const a of assignments) {
    const script = byUnit.get(a.unit);
    if (!script) continue;
    const ackDay = nextWorkingDay(calendar, addDays(a.assignedOn, 1));
    actions.push({
      at: shanghaiInstant(ackDay, '10:00'),
      assignmentId: a.assignmentId,
      unit: a.unit,
      kind: 'acknowledge',
    });
    if (script.behaviour === 'silent') continue;
    let opens = addDays(a.assignedOn, 1);
    a.periods.forEach((p, i) => {
      const day =
        script.behaviour === 'on-time'
          ? maxDate(opens, stepBack(calendar, p.due, script.days))
          : nextWorkingDay(calendar, addDays(p.due, script.days));
      const percentComplete = Math.round(((i + 1) / a.periods.length) * 100);
      actions.push({
        at: shanghaiInstant(day, '15:00'),
        assignmentId: a.assignmentId,
        unit: a.unit,
        kind: 'report',
        period: p.key,
        percentComplete,
      });
      opens = addDays(p.due, 1);
    });
  }
  return actions.sort((x, y) => x.at.getTime() - y.at.getTime() || x.assignmentId.localeCompare(y.assignmentId));
}

/** `days` working days before `due` (the due day itself when 0 and it is a working day, else the one before). */
function stepBack(calendar: WorkingCalendar, due: CalendarDate, days: number): CalendarDate {
  let d = previousWorkingDay(calendar, due);
  for (let i = 0; i < days; i++) d = previousWorkingDay(calendar, addDays(d, -1));
  return d;
}

function maxDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a > b ? a : b;
}
