/**
 * The custom search attributes of an assignment workflow, so the Temporal UI and `duban cycle status` find
 * assignments by cycle, unit, status, light and next due date without scanning them. Pure (only @temporalio/common):
 * workflow code upserts these keys. scripts/stack.sh registers the same list, read from infra/search-attributes.txt,
 * on the dev server; a unit test keeps the two in step.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The cycle the assignment belongs to (its id). */
export const DUBAN_CYCLE = defineSearchAttributeKey('DubanCycle', SearchAttributeType.KEYWORD);
/** The lead unit (牵头单位) the assignment is addressed to, as the unit directory names it. */
export const DUBAN_UNIT = defineSearchAttributeKey('DubanUnit', SearchAttributeType.KEYWORD);
/** The assignment's status: assigned, acknowledged, completed, cancelled. */
export const DUBAN_STATUS = defineSearchAttributeKey('DubanStatus', SearchAttributeType.KEYWORD);
/** The status light: green, yellow or red. */
export const DUBAN_LIGHT = defineSearchAttributeKey('DubanLight', SearchAttributeType.KEYWORD);
/** When the assignment's next report is due. */
export const DUBAN_NEXT_DUE = defineSearchAttributeKey('DubanNextDue', SearchAttributeType.DATETIME);

/** Every custom search attribute, in the order infra/search-attributes.txt lists them. */
export const DUBAN_SEARCH_ATTRIBUTES = [DUBAN_CYCLE, DUBAN_UNIT, DUBAN_STATUS, DUBAN_LIGHT, DUBAN_NEXT_DUE] as const;
