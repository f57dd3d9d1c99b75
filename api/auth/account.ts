/**
 * Who is signed in: the account a request carries (a session cookie from the web page, a bearer token from a
 * script), and what it may act as. The authentication hook (api/auth/authenticate.ts) sets `request.account`; the
 * authorization table (api/access.ts) decides from it; the application's actor on every event is `actorOf(account)`,
 * never a name taken from the request body.
 */
import type { Caller } from '../../workflows/assignment/messages';

/**
 * - admin: accounts and the unit directory, nothing of the supervision itself;
 * - coordinator: the office (督查室) supervising the cycles granted to it (`cycles`), and the assignments outside any
 *   cycle that its office assigned;
 * - unit-head / unit-member: one unit's assignments and the items it cooperates on (the head also decides for the
 *   unit: 退回, 申请办结);
 * - auditor: reads everything, including the log of refusals; changes nothing.
 */
export const ROLES = ['admin', 'coordinator', 'unit-head', 'unit-member', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  admin: '系统管理员',
  coordinator: '督办人员',
  'unit-head': '单位负责人',
  'unit-member': '单位联络员',
  auditor: '审计人员',
};

export interface Account {
  /** The sign-in name: letters, digits and . _ -, e.g. `zhang.wei`. */
  id: string;
  /** The person's name as shown, e.g. 张伟. */
  displayName: string;
  role: Role;
  /** unit-head, unit-member: the unit (单位名称 as in the unit directory). */
  unit?: string;
  /** coordinator: the supervising office (督办单位), e.g. 市政府督查室. */
  office?: string;
  /** coordinator: the cycles granted; a cycle the coordinator launches is granted on launch. */
  cycles?: string[];
}

export function isUnitRole(role: Role): role is 'unit-head' | 'unit-member' {
  return role === 'unit-head' || role === 'unit-member';
}

/** The actor the application names on the events an account's request brings: its unit or office, and itself. */
export function actorOf(account: Account): Caller | undefined {
  if (isUnitRole(account.role) && account.unit) return { role: 'unit', name: account.unit, account: account.id };
  if (account.role === 'coordinator' && account.office) {
    return { role: 'coordinator', name: account.office, account: account.id };
  }
  return undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in account; undefined for a request without a valid session or token. */
    account?: Account;
    /** How it signed in: the web page's session cookie, or a script's bearer token. */
    signedInBy?: 'session' | 'token';
  }
}
