/**
 * The last event this worker stored in each stream, and its hash: what the next batch of the stream chains from,
 * known without asking PostgreSQL. Only committed events are remembered, and a stored event never changes, so an
 * entry can be missing or old (another worker stored after it) but never wrong about the event it names; the store
 * checks it in the same statement anyway (activities/index.ts, `appendAtOnce`).
 *
 * Bounded: past `limit` streams the one stored in least recently is forgotten, and its next batch asks the store.
 */
export class StreamHeads {
  private readonly heads = new Map<string, { seq: number; hash: string }>();

  constructor(private readonly limit = 50_000) {}

  /** The hash of event `seq` of the stream, if it is the last one this worker stored there. */
  hashOf(stream: string, seq: number): string | undefined {
    const head = this.heads.get(stream);
    return head?.seq === seq ? head.hash : undefined;
  }

  remember(stream: string, seq: number, hash: string): void {
    this.heads.delete(stream); // re-inserted last: the Map's order is the order streams were last stored in
    this.heads.set(stream, { seq, hash });
    if (this.heads.size > this.limit) this.heads.delete(this.heads.keys().next().value!);
  }
}
