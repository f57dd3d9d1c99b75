import { eventHash, firstBreak, GENESIS_HASH, type StoredLink } from '../../domain/audit/chain';

function chainOf(events: Array<{ type: string; at: string; summary?: string }>): StoredLink[] {
  let previous = GENESIS_HASH;
  return events.map((event, i) => {
    const content = { assignmentId: 'A-1', seq: i + 1, event };
    const hash = eventHash(previous, content);
    const link = { ...content, prevHash: previous, hash };
    previous = hash;
    return link;
  });
}

const events = [
  { type: 'TaskAssigned', at: '2027-01-04T01:00:00.000Z' },
  { type: 'ProgressReportSubmitted', at: '2027-03-20T02:00:00.000Z', summary: '已完成七成' },
  { type: 'TaskCompleted', at: '2027-06-01T02:00:00.000Z' },
];

describe('the hash chain of a stream', () => {
  it('starts from the genesis value, the SHA-256 of duban:genesis', () => {
    // Written out so that an auditor with no duban installed can start a chain: printf 'duban:genesis' | sha256sum
    expect(GENESIS_HASH).toBe('50de8b43b545e56b109081897e76b70254033e00543196665c35556c2261f658');
    expect(chainOf(events)[0]!.prevHash).toBe(GENESIS_HASH);
  });

  it('hashes the same content alike whatever order its keys were written in', () => {
    const a = eventHash(GENESIS_HASH, { assignmentId: 'A', seq: 1, event: { type: 'X', at: 't' } });
    const b = eventHash(GENESIS_HASH, { seq: 1, event: { at: 't', type: 'X' }, assignmentId: 'A' });
    expect(a).toBe(b);
  });

  it('finds nothing wrong in an intact chain', () => {
    expect(firstBreak(chainOf(events))).toBeUndefined();
  });

  it('names the event whose content was changed after it was stored', () => {
    const links = chainOf(events);
    links[1] = { ...links[1]!, event: { ...events[1]!, summary: '已全部完成' } };
    expect(firstBreak(links)).toMatchObject({ seq: 2, problem: 'hash' });
  });

  it('names the event after one that was deleted', () => {
    const links = chainOf(events);
    expect(firstBreak([links[0]!, links[2]!])).toMatchObject({ seq: 3, problem: 'seq-gap' });
  });

  it('names the event whose previous hash was rewritten to hide a change', () => {
    const links = chainOf(events);
    const forged = { ...links[1]!, event: { ...events[1]!, summary: '改' } };
    forged.hash = eventHash(forged.prevHash, forged);
    expect(firstBreak([links[0]!, forged, links[2]!])).toMatchObject({ seq: 3, problem: 'prev-hash' });
  });

  it('covers the metadata: who acted and the run that decided it', () => {
    const content = { assignmentId: 'A-1', seq: 1, event: events[0] };
    const meta = { actor: { role: 'coordinator' as const, name: '市政府督查室' }, workflowId: 'A-1', runId: 'r1' };
    expect(eventHash(GENESIS_HASH, { ...content, meta })).not.toBe(eventHash(GENESIS_HASH, content));
  });
});
