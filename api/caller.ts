/**
 * Who is calling: the one place the application decides the actor it passes to a workflow's update, which names it
 * on every event the update brings (workflows/assignment/provenance.ts).
 *
 * Behind the API, the caller is the signed-in account (api/auth/account.ts): its unit or office, and itself. The API
 * runs each route's handler `actingAs` the request's account, so the application's functions need no extra
 * argument to know it. A body that names another unit or office than the account's is refused: nobody acts in
 * another's name. Outside a request — the CLI, run by the operator on the server, and the demo — no account is
 * signed in, and the caller is whoever the body names: the `unit` of a unit's turn, the `by` of a coordinator's.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Called, Caller } from '../workflows/assignment/messages';
import { actorOf, ROLE_NAMES, type Account } from './auth/account';
import { AppError } from './errors';

const signedIn = new AsyncLocalStorage<Account | undefined>();

/** Runs `work` with `account` as the caller of whatever it asks the application to do. */
export function actingAs<T>(account: Account | undefined, work: () => T): T {
  return signedIn.run(account, work);
}

/** The signed-in account of the request being handled, if any. */
export function currentAccount(): Account | undefined {
  return signedIn.getStore();
}

/** A turn's body names its unit (a unit's turn) or its office (`by`, the coordinator's turn). */
export type NamedBody = { unit: string } | { by: string };

export function callerOf(body: NamedBody): Caller {
  const named: Caller = 'unit' in body ? { role: 'unit', name: body.unit } : { role: 'coordinator', name: body.by };
  const account = currentAccount();
  return account ? signedInAs(account, named) : named;
}

/** The update's payload: the body as validated, and its caller. */
export function called<T extends NamedBody>(body: T): Called<T> {
  return { ...body, actor: callerOf(body) };
}

/**
 * The office a 交办 comes from: the signed-in coordinator's (a body naming another is refused), else the body's,
 * else `fallback` (the deployment's DUBAN_COORDINATOR).
 */
export function assigningOffice(named: string | undefined, fallback: string): { office: string; actor?: Caller } {
  const account = currentAccount();
  if (!account) return { office: named ?? fallback };
  const actor = signedInAs(account, { role: 'coordinator', name: named ?? account.office ?? fallback });
  return { office: actor.name, actor };
}

function signedInAs(account: Account, named: Caller): Caller {
  const actor = actorOf(account);
  const as = named.role === 'unit' ? '单位' : '督办单位';
  if (!actor || actor.role !== named.role) {
    throw new AppError('FORBIDDEN', `${ROLE_NAMES[account.role]}不能以${as}「${named.name}」的名义办理此事项`);
  }
  if (actor.name !== named.name) {
    throw new AppError(
      'FORBIDDEN',
      `您的账号属于「${actor.name}」，不能以「${named.name}」的名义办理；请写明 ${actor.name}，或用「${named.name}」的账号登录`,
    );
  }
  return actor;
}

/**
 * Who a request says it comes from before it is validated — for the refusal log, where the body may be malformed:
 * the signed-in account when there is one, else the caller's name when the body names one, else `（未署名）`.
 */
export function claimedCaller(body: unknown): string {
  const account = currentAccount();
  if (account) return account.id;
  if (body && typeof body === 'object') {
    const { unit, by } = body as { unit?: unknown; by?: unknown };
    for (const name of [unit, by]) {
      if (typeof name === 'string' && name.trim() !== '') return name.trim();
    }
  }
  return '（未署名）';
}
