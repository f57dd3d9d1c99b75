/**
 * Evidence (佐证材料) in PostgreSQL (table `evidence`, migration 007): each file once, under the SHA-256 of its bytes,
 * with the type sniffed from them. Reports and closure requests cite a file by that hash (domain/evidence/ref.ts), so
 * the bytes never travel through Temporal or Kafka, and a file cited by ten reports is stored once.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { evidenceName } from '../domain/evidence/name';
import { evidenceRefSchema, type EvidenceRef } from '../domain/evidence/ref';
import { sniffEvidence, type EvidenceLimits } from '../domain/evidence/sniff';

export interface StoredEvidence {
  /** The reference an event carries: this upload's name, the stored copy's hash, size and type. */
  ref: EvidenceRef;
  /** false when the same bytes were stored before (under this or any other name): nothing was written. */
  created: boolean;
}

/**
 * Checks and stores one uploaded file. The name and the bytes are checked before anything is written (a refusal
 * throws EvidenceRefused and changes nothing); bytes already stored are not sent to PostgreSQL again, and two uploads
 * of the same bytes racing each other end with one row (ON CONFLICT DO NOTHING), both answered with the same hash.
 */
export async function storeEvidence(
  pool: Pool,
  upload: { name: string; bytes: Uint8Array },
  limits: EvidenceLimits,
): Promise<StoredEvidence> {
  const name = evidenceName(upload.name);
  const type = sniffEvidence(upload.bytes, limits);
  const sha256 = createHash('sha256').update(upload.bytes).digest('hex');
  const ref = (storedType: string): EvidenceRef => ({ sha256, name, size: upload.bytes.length, type: storedType });

  const existing = await storedType(pool, sha256);
  if (existing !== undefined) return { ref: ref(existing), created: false };
  const inserted = await pool.query<{ type: string }>(
    `INSERT INTO evidence (sha256, bytes, size, type, first_name) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (sha256) DO NOTHING RETURNING type`,
    [
      sha256,
      Buffer.from(upload.bytes.buffer, upload.bytes.byteOffset, upload.bytes.length),
      upload.bytes.length,
      type,
      name,
    ],
  );
  if (inserted.rowCount === 1) return { ref: ref(type), created: true };
  // Another upload of the same bytes committed between the look and the insert.
  return { ref: ref((await storedType(pool, sha256)) ?? type), created: false };
}

async function storedType(pool: Pool, sha256: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ type: string }>('SELECT type FROM evidence WHERE sha256 = $1', [sha256]);
  return rows[0]?.type;
}

export interface EvidenceFile {
  bytes: Buffer;
  type: string;
  /** The name the bytes were first uploaded under. */
  firstName: string;
}

/**
 * A stored file, or undefined when no file has this hash. (The bytes come as PostgreSQL's hex text, twice the file's
 * size for a moment: pg decodes each column of a row as UTF-8 text before its per-query `binary` option applies,
 * which mangles binary bytea.)
 */
export async function readEvidence(pool: Pool, sha256: string): Promise<EvidenceFile | undefined> {
  const { rows } = await pool.query<{ bytes: Buffer; type: string; first_name: string }>(
    'SELECT bytes, type, first_name FROM evidence WHERE sha256 = $1',
    [sha256],
  );
  const row = rows[0];
  return row && { bytes: row.bytes, type: row.type, firstName: row.first_name };
}

/**
 * The reference by which an event of this assignment cites the file — in an `evidence` array at any depth of its
 * payload, the latest such event's — or undefined when none does. A file is shown through an assignment only when
 * the assignment's own history cites it, so knowing a hash is not enough to fetch a file through an item one may
 * see. Who may see which assignment is issue 11 (sign-in); until then this is the whole check.
 */
export async function evidenceCitedBy(
  pool: Pool,
  assignmentId: string,
  sha256: string,
): Promise<EvidenceRef | undefined> {
  const { rows } = await pool.query<{ ref: unknown }>(
    `SELECT jsonb_path_query_first(payload, '$.**.evidence[*] ? (@.sha256 == $h)', jsonb_build_object('h', $2::text))
              AS ref
       FROM assignment_events
      WHERE assignment_id = $1
        AND jsonb_path_exists(payload, '$.**.evidence[*] ? (@.sha256 == $h)', jsonb_build_object('h', $2::text))
      ORDER BY seq DESC
      LIMIT 1`,
    [assignmentId, sha256],
  );
  const parsed = evidenceRefSchema.safeParse(rows[0]?.ref);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The references a report or a closure request may cite, as the store knows them: each hash's stored size and type
 * (what the caller says of them is not trusted), under the caller's name. The hashes not stored are returned apart,
 * for the edge to refuse before anything is recorded.
 */
export async function resolveEvidence(
  pool: Pool,
  cited: ReadonlyArray<Pick<EvidenceRef, 'sha256' | 'name'>>,
): Promise<{ refs: EvidenceRef[]; missing: string[] }> {
  if (cited.length === 0) return { refs: [], missing: [] };
  const { rows } = await pool.query<{ sha256: string; size: string; type: string }>(
    'SELECT sha256, size, type FROM evidence WHERE sha256 = ANY($1)',
    [cited.map((c) => c.sha256)],
  );
  const stored = new Map(rows.map((r) => [r.sha256, r]));
  const refs: EvidenceRef[] = [];
  const missing: string[] = [];
  for (const { sha256, name } of cited) {
    const row = stored.get(sha256);
    if (row) refs.push({ sha256, name, size: Number(row.size), type: row.type });
    else missing.push(sha256);
  }
  return { refs, missing };
}
