/** Derived facts of a task's text that the parser and the table import must compute identically. */
import { fold } from './normalize';
import { findResponsibility } from './responsibility';
import type { Target } from './schema';
import { findTargets } from './targets';

/** Targets of a task: read from its text up to its responsibility clause (units are no targets). */
export function targetsOfText(text: string): Target[] {
  const norm = fold(text);
  const resp = findResponsibility(norm, false);
  return findTargets(resp && resp.start >= 0 ? norm.slice(0, resp.start) : norm);
}
