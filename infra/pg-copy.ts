/**
 * COPY … FROM STDIN through node-postgres's own connection, for bulk loads (the read-model rebuild): the rows are
 * sent as COPY's text format in a few large chunks, which PostgreSQL loads several times faster than INSERTs of the
 * same rows. node-postgres runs any object with `submit` as a query (a "submittable", as pg-copy-streams does it);
 * this one answers the server's CopyInResponse with the data and settles on ReadyForQuery.
 */
import type { PoolClient } from 'pg';

interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

class CopyIn {
  readonly done: Promise<void>;
  private settle!: (error?: Error) => void;

  constructor(
    private readonly text: string,
    private readonly chunks: Buffer[],
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error ? reject(error) : resolve());
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (const chunk of this.chunks) connection.sendCopyFromChunk(chunk);
    connection.endCopyFrom();
  }

  handleError(error: Error): void {
    this.settle(error);
  }

  handleReadyForQuery(): void {
    this.settle();
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
}

/** One value in COPY's text format: \N for null, arrays as array literals, objects as JSON, specials escaped. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value))
    return escape(`{${value.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  if (typeof value === 'object') return escape(JSON.stringify(value));
  return escape(String(value));
}

function escape(text: string): string {
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
}

const CHUNK_BYTES = 1 << 20;

/**
 * Loads `rows` (values in the order of `columns`) into `table` with COPY, in the client's transaction. `table` and
 * `columns` are the caller's own identifiers, never input.
 */
export async function copyRows(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  if (rows.length === 0) return;
  const chunks: Buffer[] = [];
  let text = '';
  for (const row of rows) {
    text += `${row.map(field).join('\t')}\n`;
    if (text.length >= CHUNK_BYTES) {
      chunks.push(Buffer.from(text));
      text = '';
    }
  }
  if (text) chunks.push(Buffer.from(text));
  const copy = new CopyIn(`COPY ${table} (${columns.join(', ')}) FROM STDIN`, chunks);
  void client.query(copy as never);
  await copy.done;
}
