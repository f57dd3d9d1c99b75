import type { SupervisionPolicy, SupervisionPolicyV2 } from './events';

/**
 * The supervision policy a cycle uses unless the coordinator sets another: remind five days before each quarter
 * end and on the day itself at 09:00; when a report is missing, 催办 the next day, 督办 the unit's head three days
 * later, 通报 to the coordinator five days after that.
 */
export const DEFAULT_POLICY: SupervisionPolicy = {
  reminderDaysBefore: 5,
  noticeTime: '09:00',
  ladder: [
    { level: 'urge', afterDays: 1 },
    { level: 'notify-head', afterDays: 3 },
    { level: 'report-coordinator', afterDays: 5 },
  ],
};

/**
 * What a supervision cycle launches with unless the coordinator sets another: the same steps, counted in working
 * days — a reminder five working days before each due day, 催办 on the next working day after it, 督办 three working
 * days later, 通报 five more.
 */
export const DEFAULT_CYCLE_POLICY: SupervisionPolicyV2 = { ...DEFAULT_POLICY, days: 'working' };

/**
 * The conversation's clock for what a cycle launches (version 3): 签收 expected within two working days, or 催签收 on
 * the next; the cooperating units not yet heard from reminded three working days before each due date.
 */
export const DEFAULT_CONVERSATION = { acknowledgeWithinDays: 2, cooperationReminderDays: 3 } as const;

/** How close to a "左右" (about) target a value must be to meet it: within 5 % of the target. */
export const ABOUT_TOLERANCE = 0.05;
