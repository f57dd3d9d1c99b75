/**
 * What a password hash costs (`npm run bench:passwords -- [--hashes N] [--concurrency C]`): N scrypt hashes at the
 * stored parameters (ln=15, r=8, p=1), one at a time (the time one sign-in spends on its password) and C at a time
 * (sign-ins arriving together: libuv's thread pool runs four at once by default, so the rest queue), with the median
 * and the slowest, and the JWT and session-cookie checks beside them for scale. Figures, not assertions.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hashPassword, verifyPassword } from '../infra/auth/passwords';
import { sessionIdOf } from '../infra/auth/sessions';
import { decodeToken, signToken } from '../infra/auth/tokens';
import { option } from './options';

const HASHES = option('hashes', 20);
const CONCURRENCY = option('concurrency', 8);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const password = '督办系统的测试密码-bench';
  const stored = await hashPassword(password); // warm-up
  const one: number[] = [];
  for (let i = 0; i < HASHES; i++) {
    const start = performance.now();
    await verifyPassword(password, stored);
    one.push(performance.now() - start);
  }
  console.log(
    `scrypt ln=15,r=8,p=1, one at a time: median ${ms(median(one))}, slowest ${ms(Math.max(...one))} (${HASHES} verifications)`,
  );

  const together: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const t = performance.now();
      await verifyPassword(password, stored);
      together.push(performance.now() - t);
    }),
  );
  const wall = performance.now() - start;
  console.log(
    `${CONCURRENCY} at once: all done in ${ms(wall)}, each answered after median ${ms(median(together))}, slowest ${ms(Math.max(...together))}`,
  );

  const secret = randomBytes(32);
  const now = Math.floor(Date.now() / 1000);
  const token = signToken({ iss: 'duban', sub: 'bench', jti: 'j', iat: now, exp: now + 900 }, secret);
  const checks = 100_000;
  let t = performance.now();
  for (let i = 0; i < checks; i++) decodeToken(token, secret, now);
  console.log(
    `JWT HS256 check (signature and claims, no database): ${(((performance.now() - t) * 1000) / checks).toFixed(2)} µs`,
  );
  const cookie = `${'a'.repeat(64)}.${'b'.repeat(43)}`;
  t = performance.now();
  for (let i = 0; i < checks; i++) sessionIdOf(cookie, secret);
  console.log(`session cookie HMAC check (no database): ${(((performance.now() - t) * 1000) / checks).toFixed(2)} µs`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
