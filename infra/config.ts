/**
 * Configuration: one validated module, read from the environment, with loopback defaults that match
 * scripts/stack.sh. docker-compose.yml sets the same variables.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseOfficeHours } from '../domain/notify/hours';

/** 0 asks the system for any free port. */
const port = z.coerce.number().int().min(0).max(65535);
/** A yes/no variable: true/false (1/0, yes/no also read). */
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A comma-separated list, each entry trimmed and empty ones dropped. */
function commaList(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    );
}

const schema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('duban-assignments'),
  DATABASE_URL: z.url().default('postgres://duban:duban@127.0.0.1:55432/duban'),
  KAFKA_BROKERS: commaList('127.0.0.1:19092').pipe(
    z.array(z.string().regex(/^[^:\s]+:\d+$/, '每个 broker 应写作 host:port')).min(1),
  ),
  KAFKA_CLIENT_ID: z.string().default('duban'),
  KAFKA_EVENTS_TOPIC: z.string().default('duban.assignment-events'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(3000),
  /**
   * The reverse proxies in front of the API, comma-separated addresses or CIDR ranges (127.0.0.1,10.0.0.0/8): a
   * request from one of them is taken to come from the client its X-Forwarded-For names, so sign-in throttling and
   * rate limits count each client, not the proxy. Empty (the default): nobody's X-Forwarded-For is believed.
   */
  API_TRUST_PROXY: commaList('').pipe(
    z.array(z.string().refine(isAddressOrRange, '每一项应为 IP 地址或 CIDR 网段，如 127.0.0.1 或 10.0.0.0/8')),
  ),
  /** Who receives 通报 when nobody else is named: the coordinator's office. */
  DUBAN_COORDINATOR: z.string().default('市政府督查室'),
  /**
   * The largest file of evidence (佐证材料) accepted, in bytes: 20 MB holds a scanned report of a few dozen pages. At
   * most 100 MB: a file is held whole in memory on its way in and out of PostgreSQL.
   */
  EVIDENCE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  /**
   * Requests each signed-in account (each client address before sign-in) may make per minute on the API, held in each
   * API process's memory; 0 turns the limit off. RATE_LIMIT_BURST: how many may come at once after a quiet while.
   */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /**
   * The deployment's Ed25519 key that signs audit packages (`duban audit export`): a PEM file, created with mode 0600
   * on first use; its public key is written beside it (`.pub.pem`) and into every package. Relative to the working
   * directory.
   */
  AUDIT_SIGNING_KEY: z.string().min(1).default('.data/audit-signing-key.pem'),
  // Sign-in (issue 11): api/auth/, infra/auth/.
  /**
   * The secret that signs session cookies and bearer tokens, at least 32 bytes. When not set, AUTH_SECRET_FILE holds
   * it (created with 32 random bytes, mode 0600, on first use): every API process and the CLI must see the same one.
   */
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET 至少 32 个字符；可用 openssl rand -hex 32 生成').optional(),
  AUTH_SECRET_FILE: z.string().min(1).default('.data/auth-secret'),
  /** How long a web session lasts from sign-in (the cookie's Max-Age): a working day. */
  SESSION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 24)
    .default(12),
  /** A bearer token's lifetime when none is asked for; at most 24 hours (a script asks for a new one). */
  TOKEN_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /**
   * The session cookie's Secure flag. auto: when the request came over https (directly or by a proxy's
   * X-Forwarded-Proto); always: behind a TLS proxy that does not say so; never: plain http on a trusted network only.
   */
  COOKIE_SECURE: z.enum(['auto', 'always', 'never']).default('auto'),
  // Notices by email (SMTP, nodemailer) and webhooks: infra/notify/. The defaults are GreenMail of scripts/stack.sh.
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_PORT: port.default(3025),
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when the server offers it. */
  SMTP_SECURE: flag.default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().min(1).default('督办系统 <duban@localhost>'),
  /** How long a webhook receiver may take to answer before the delivery counts as failed (and retryable). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** true: webhooks to loopback, private, link-local and unique-local addresses are refused, at import and at send. */
  WEBHOOK_FORBID_PRIVATE: flag.default(false),
  /** The web page's address: emails and robot messages link an item there (`…/assignments/ID`) when it is set. */
  DUBAN_WEB_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * When notices go out by email and webhook: 'HH:MM-HH:MM', Beijing time, on working days of the Chinese calendar.
   * A notice outside is held to the next opening; a daily digest goes at the opening.
   */
  DELIVERY_HOURS: z
    .string()
    .default('09:00-18:00')
    .transform((text, ctx) => {
      try {
        return parseOfficeHours(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** How long a channel that does not answer is tried before the delivery is marked failed and the coordinator told. */
  DELIVERY_GIVE_UP_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(24 * 60),
  /** The wait before the second try of a channel that did not answer; it doubles, up to 15 minutes. */
  DELIVERY_RETRY_SECONDS: z.coerce.number().int().min(1).max(900).default(60),
  /** Workflows the worker keeps in memory; by default as many as its heap holds (worker/create-worker.ts). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(1_000_000).optional(),
  /** How many SDK workers share that cache on the one task queue (create-worker.ts says when more than one helps). */
  WORKER_SHARDS: z.coerce.number().int().min(1).max(32).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** text: one readable line per record (Beijing time); json: one JSON object per line, for log collectors. */
  LOG_FORMAT: z.enum(['text', 'json']).default('text'),
});

export type Config = z.infer<typeof schema>;

/** Reads and checks the configuration; a bad value stops the process with the variable's name and the problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // zod's own messages ("too big", "invalid URL") in Chinese too, like the ones worded here
  const result = schema.safeParse(env, { error: z.locales.zhCN().localeError });
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join('.')}：${i.message}`).join('\n');
  throw new Error(`环境变量中的配置无效：\n${problems}\n请改正这些变量，或删去它们以使用默认值`);
}

/** How the delivery workflows retry a channel, from the configuration. */
export function deliveryRetryOf(config: Pick<Config, 'DELIVERY_GIVE_UP_MINUTES' | 'DELIVERY_RETRY_SECONDS'>): {
  firstMs: number;
  maxMs: number;
  giveUpMs: number;
} {
  return {
    firstMs: config.DELIVERY_RETRY_SECONDS * 1000,
    maxMs: 15 * 60_000,
    giveUpMs: config.DELIVERY_GIVE_UP_MINUTES * 60_000,
  };
}

/** An IPv4 or IPv6 address, or a CIDR range of one (10.0.0.0/8, fd00::/8). */
function isAddressOrRange(text: string): boolean {
  const [address = '', bits, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
