/** Derived facts of a task's text that the parser and the table import must compute identically. */
import { fold } from './normalize';
import { itemReporting } from './reporting';
import { deadlineLineValue, findResponsibility, isKeyedResponsibilityLine } from './responsibility';
import type { ReportingRule, Target } from './schema';
import { findTargets } from './targets';

/** Targets of a task: read from its text up to its responsibility clause (units are no targets). */
export function targetsOfText(text: string): Target[] {
  const norm = fold(text);
  const resp = findResponsibility(norm, false);
  return findTargets(resp && resp.start >= 0 ? norm.slice(0, resp.start) : norm);
}

/**
 * The item's own reporting rule, from recurring work in its words ("每季度开展一次…"): read from its text without the
 * responsibility clause and without the keyed lines ("完成时限:每年" is the deadline, not recurring work).
 */
export function reportingOfText(
  text: string,
  line: number,
  planYear: number,
  due: string | null,
): ReportingRule | null {
  if (!/每|按月|按季/.test(text)) return null;
  const shown = text.split('\n');
  const keyed = fold(text)
    .split('\n')
    .map((l) => isKeyedResponsibilityLine(l) || deadlineLineValue(l) !== null);
  const own = shown.map((l, i) => (keyed[i] ? ' '.repeat(l.length) : l)).join('\n');
  const norm = fold(own);
  const resp = findResponsibility(norm, false);
  const end = resp && resp.start >= 0 ? resp.start : norm.length;
  return itemReporting(norm.slice(0, end), own.slice(0, end), line, planYear, due);
}
