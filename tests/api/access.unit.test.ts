/**
 * The authorization decision on its own: who may do what on an item, a unit's lists and a cycle, from the table and
 * an item's parties — every role, own and other. The whole table over HTTP is tests/api/access.int.test.ts.
 */
import { ACCESS, decide, type Parties, type Rule } from '../../api/access';
import type { Account } from '../../api/auth/account';

const ITEM = 'ezhou-2017:五.(二).29:市质监局';
const inCycle: Parties = {
  unit: '市质监局',
  cooperating: ['市商务局'],
  coordinator: '市政府督查室',
  cycleId: 'ezhou-2017',
};
const outsideCycles: Parties = { unit: '市质监局', cooperating: [], coordinator: '市政府督查室' };

const account = (role: Account['role'], more: Partial<Account> = {}): Account => ({
  id: `${role}-1`,
  displayName: '张伟',
  role,
  ...more,
});
const lead = account('unit-member', { unit: '市质监局' });
const head = account('unit-head', { unit: '市质监局' });
const cooperating = account('unit-member', { unit: '市商务局' });
const stranger = account('unit-member', { unit: '市教育局' });
const strangerHead = account('unit-head', { unit: '市教育局' });
const coordinator = account('coordinator', { office: '市政府督查室', cycles: ['ezhou-2017'] });
const otherCoordinator = account('coordinator', { office: '市政府督查室', cycles: ['harbin-2018'] });
const otherOffice = account('coordinator', { office: '区政府督查室', cycles: [] });
const auditor = account('auditor');
const admin = account('admin');

const rule = (key: string): Rule => {
  const found = ACCESS[key];
  if (!found) throw new Error(`${key} is not in the table`);
  return found;
};

async function answer(key: string, who: Account, parties: Parties | undefined = inCycle) {
  const refusal = await decide(
    rule(key),
    who,
    { id: ITEM, unit: '市质监局', cycle: 'ezhou-2017' },
    async () => parties,
  );
  return refusal ? `${refusal.status} ${refusal.code}` : 'allowed';
}

describe('an item', () => {
  it('is seen by its lead unit, its cooperating unit, its coordinator and the auditor', async () => {
    for (const who of [lead, head, cooperating, coordinator, auditor]) {
      expect(await answer('GET /assignments/:id', who)).toBe('allowed');
    }
  });

  it('is, for a unit of another unit, not there at all: 404 as for an item that does not exist', async () => {
    expect(await answer('GET /assignments/:id', stranger)).toBe('404 UNKNOWN_TASK');
    expect(await answer('POST /assignments/:id/reports', strangerHead)).toBe('404 UNKNOWN_TASK');
    expect(await answer('POST /assignments/:id/reviews', stranger)).toBe('404 UNKNOWN_TASK');
    expect(await answer('GET /assignments/:id', stranger, undefined)).toBe('404 UNKNOWN_TASK');
  });

  it('is refused 403 to a coordinator of other cycles, and to the office that did not assign it', async () => {
    expect(await answer('POST /assignments/:id/reviews', otherCoordinator)).toBe('403 FORBIDDEN');
    expect(await answer('POST /assignments/:id/reviews', coordinator)).toBe('allowed');
    expect(await answer('POST /assignments/:id/reviews', otherOffice, outsideCycles)).toBe('403 FORBIDDEN');
    expect(await answer('POST /assignments/:id/reviews', otherCoordinator, outsideCycles)).toBe('allowed');
  });

  it('takes a unit turn from any of its people, and a binding one from its head only', async () => {
    expect(await answer('POST /assignments/:id/reports', lead)).toBe('allowed');
    expect(await answer('POST /assignments/:id/closure', lead)).toBe('403 FORBIDDEN');
    expect(await answer('POST /assignments/:id/closure', head)).toBe('allowed');
    expect(await answer('POST /assignments/:id/send-back', head)).toBe('allowed');
  });

  it('changes nothing for the auditor and the admin, and nothing of a unit for a coordinator', async () => {
    for (const key of ['POST /assignments/:id/reports', 'POST /assignments/:id/reviews']) {
      expect(await answer(key, auditor)).toBe('403 FORBIDDEN');
      expect(await answer(key, admin)).toBe('403 FORBIDDEN');
    }
    expect(await answer('POST /assignments/:id/acknowledge', coordinator)).toBe('403 FORBIDDEN');
    expect(await answer('POST /assignments/:id/reviews', lead)).toBe('403 FORBIDDEN');
  });
});

describe("a unit's lists", () => {
  it('are its own, and every unit for coordinators and auditors', async () => {
    expect(await answer('GET /units/:unit/inbox', lead)).toBe('allowed');
    expect(await answer('GET /units/:unit/inbox', stranger)).toBe('404 NOT_FOUND');
    expect(await answer('GET /units/:unit/inbox', otherOffice)).toBe('allowed');
    expect(await answer('GET /units/:unit/inbox', auditor)).toBe('allowed');
    expect(await answer('GET /units/:unit/inbox', admin)).toBe('403 FORBIDDEN');
  });
});

describe('the table', () => {
  it('names every route as METHOD and a Fastify pattern, with a grant for known roles only', () => {
    const roles = new Set(['admin', 'coordinator', 'unit-head', 'unit-member', 'auditor']);
    for (const [key, value] of Object.entries(ACCESS)) {
      expect(key).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/[\w\-/:.]*$/);
      for (const role of Object.keys(value.roles ?? {})) expect(roles).toContain(role);
      if (value.scope !== 'none') expect(key).toContain(`:${value.scope === 'assignment' ? 'id' : value.scope}`);
    }
  });
});
