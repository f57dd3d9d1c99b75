/**
 * Who a recipient name of a notice reaches outside the inbox, read from the unit directory's contacts. Pure: the
 * orchestration asks it for each notice, and the launch asks it which units nobody would hear from.
 *
 * A 督办 goes to "<unit>主要负责人": the head's own email only, not the unit's group chats — it is addressed to one
 * person about the unit's lateness, the unit itself was already told by the 催办 before it, and a robot would post it
 * to everyone in the group. When the head has no email the unit's own channels carry it instead, so a 督办 is never
 * lost for want of an address.
 */
import { unitKey, type DirectoryUnit } from '../units/directory';
import { hasChannel } from '../units/contacts';
import { unitHead } from '../../workflows/assignment/notices';
import type { Address } from './message';

const HEAD_SUFFIX = unitHead('');

function findUnit(name: string, directory: readonly DirectoryUnit[]): DirectoryUnit | undefined {
  const key = unitKey(name);
  return directory.find((u) => unitKey(u.name) === key || u.aliases.some((a) => unitKey(a) === key));
}

/** A unit's own channels: each liaison with an email, then each webhook, in the directory's order. */
function unitAddresses(unit: DirectoryUnit): Address[] {
  const addresses: Address[] = [];
  for (const p of unit.contacts.liaisons) {
    if (p.email !== undefined) addresses.push({ channel: 'email', to: p.email, name: p.name });
  }
  for (const w of unit.contacts.webhooks) {
    addresses.push({ channel: w.kind, to: w.url, ...(w.secret !== undefined && { secret: w.secret }) });
  }
  return dedupe(addresses);
}

/** One address once: two liaisons sharing a mailbox get one email. */
function dedupe(addresses: Address[]): Address[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = `${a.channel}\u0000${a.channel === 'email' ? a.to.toLowerCase() : a.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Who a recipient name reaches: a unit's liaisons (by email) and webhooks; "<unit>主要负责人" the head's email (or,
 * without one, the unit's channels: see the module comment); unknown names or no channel: []. `digest` is the unit's
 * 接收方式; which kinds a digest may hold (通报 never) is the orchestration's to decide.
 */
export function addressesOf(
  recipient: string,
  directory: readonly DirectoryUnit[],
): { unit?: string; addresses: Address[]; digest: boolean } {
  const unit = findUnit(recipient, directory);
  if (unit) return { unit: unit.name, addresses: unitAddresses(unit), digest: unit.contacts.digest };
  if (recipient.endsWith(HEAD_SUFFIX)) {
    const of = findUnit(recipient.slice(0, -HEAD_SUFFIX.length), directory);
    if (of) {
      const head = of.contacts.head;
      const addresses =
        head?.email !== undefined
          ? [{ channel: 'email' as const, to: head.email, name: head.name }]
          : unitAddresses(of);
      return { unit: of.name, addresses, digest: of.contacts.digest };
    }
  }
  return { addresses: [], digest: false };
}

/**
 * The names among `names` that would reach nobody outside the inbox: not in the directory, or with no liaison email
 * and no webhook. A warning at import and at launch, not a refusal: the inbox still has every notice.
 */
export function unitsWithoutChannel(directory: readonly DirectoryUnit[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    if (out.includes(name)) continue;
    const unit = findUnit(name, directory);
    if (!unit || !hasChannel(unit.contacts)) out.push(name);
  }
  return out;
}
