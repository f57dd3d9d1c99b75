/** The one message every entry point gives when a server it needs does not answer. */
const HOW_TO_START = 'start the local stack with `scripts/stack.sh up` (or `docker compose up -d`)';

export class ServerUnreachableError extends Error {
  constructor(
    readonly server: 'Temporal' | 'Kafka' | 'PostgreSQL',
    readonly address: string,
    cause: unknown,
  ) {
    super(`${server} is not reachable at ${address} (${describe(cause)}): ${HOW_TO_START}`);
    this.name = 'ServerUnreachableError';
  }
}

export function unreachable(server: ServerUnreachableError['server'], address: string, cause: unknown): ServerUnreachableError {
  return new ServerUnreachableError(server, address, cause);
}

function describe(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) return describe(cause.errors[0]);
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}
