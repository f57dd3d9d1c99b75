/** The one message every entry point gives when a server it needs does not answer. */
const HOW_TO_START = '请先启动本地服务栈 `scripts/stack.sh up`（或 `docker compose up -d`）';

export class ServerUnreachableError extends Error {
  constructor(
    readonly server: 'Temporal' | 'Kafka' | 'PostgreSQL',
    readonly address: string,
    cause: unknown,
  ) {
    super(`无法连接 ${server}（${address}：${describe(cause)}）：${HOW_TO_START}`);
    this.name = 'ServerUnreachableError';
  }
}

export function unreachable(
  server: ServerUnreachableError['server'],
  address: string,
  cause: unknown,
): ServerUnreachableError {
  return new ServerUnreachableError(server, address, cause);
}

/** The first line of what went wrong; duck-typed, since errors may come from another realm (a test sandbox). */
function describe(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const { errors, message, name } = cause as { errors?: unknown[]; message?: string; name?: string };
  if (Array.isArray(errors) && errors.length > 0) return describe(errors[0]);
  return (message || name || String(cause)).split('\n')[0]!;
}
