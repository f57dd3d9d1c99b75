/**
 * One JSON text per value, whatever the order its object keys were written in: keys sorted, no spaces. Two requests
 * that say the same thing hash alike (an Idempotency-Key sent again), and an event hashes the same however it was
 * serialised.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
