/**
 * The rate limit's token buckets on a clock the test moves: a burst is allowed at once, the next request is refused
 * with how long to wait, the bucket refills at the rate per minute and never beyond its size, and one key's bucket
 * is not another's.
 */
import { TokenBuckets } from '../../api/security';

function buckets(perMinute: number, burst: number, maxKeys?: number) {
  let now = 1_000_000;
  const limiter = new TokenBuckets({ perMinute, burst, now: () => now, ...(maxKeys && { maxKeys }) });
  return { limiter, advance: (ms: number) => (now += ms) };
}

test('a burst passes at once, the next request waits for a token, and the bucket refills at the rate', () => {
  const { limiter, advance } = buckets(60, 3); // one token a second
  expect([1, 2, 3].map(() => limiter.take('a'))).toEqual([
    { allowed: true, remaining: 2, retryAfter: 0, reset: 1 },
    { allowed: true, remaining: 1, retryAfter: 0, reset: 2 },
    { allowed: true, remaining: 0, retryAfter: 0, reset: 3 },
  ]);
  expect(limiter.take('a')).toEqual({ allowed: false, remaining: 0, retryAfter: 1, reset: 3 });
  advance(500);
  expect(limiter.take('a')).toMatchObject({ allowed: false, retryAfter: 1 });
  advance(500);
  expect(limiter.take('a')).toMatchObject({ allowed: true, remaining: 0 });
  // A long quiet while fills the bucket to its size, not beyond.
  advance(3_600_000);
  expect([1, 2, 3, 4].map(() => limiter.take('a').allowed)).toEqual([true, true, true, false]);
});

test('one key exhausted leaves the others whole', () => {
  const { limiter } = buckets(600, 2);
  limiter.take('account:zhang.wei');
  limiter.take('account:zhang.wei');
  expect(limiter.take('account:zhang.wei').allowed).toBe(false);
  expect(limiter.take('account:li.na')).toMatchObject({ allowed: true, remaining: 1 });
  expect(limiter.take('ip:127.0.0.1')).toMatchObject({ allowed: true, remaining: 1 });
});

test('the wait named is the time to the next whole token at a slow rate', () => {
  const { limiter, advance } = buckets(6, 1); // one token every ten seconds
  expect(limiter.take('a').allowed).toBe(true);
  expect(limiter.take('a').retryAfter).toBe(10);
  advance(4_000);
  expect(limiter.take('a').retryAfter).toBe(6);
});

test('past the number of keys kept, the least recently used bucket is forgotten (as if full)', () => {
  const { limiter } = buckets(60, 1, 2);
  limiter.take('a');
  limiter.take('b');
  expect(limiter.take('a').allowed).toBe(false); // a is now the most recent
  limiter.take('c'); // b goes
  expect(limiter.take('b').allowed).toBe(true);
  expect(limiter.take('c').allowed).toBe(false);
});

test('a rate of zero or a burst below one is refused when the limiter is made', () => {
  expect(() => new TokenBuckets({ perMinute: 0, burst: 10 })).toThrow('频率限制须为正数');
  expect(() => new TokenBuckets({ perMinute: 60, burst: 0 })).toThrow('频率限制须为正数');
});
