/**
 * A file of evidence (佐证材料) as events refer to it: by the SHA-256 of its bytes, with what the office called it and
 * what the store found it to be. The bytes live once in PostgreSQL (infra/evidence-store.ts), however many reports and
 * closure requests cite them; an event carries only this reference, so no file ever travels through Temporal or Kafka.
 */
import { z } from 'zod';

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export const evidenceRefSchema = z.object({
  /** Lower-case hex SHA-256 of the bytes: the file's identity in the store. */
  sha256: z.string().regex(SHA256_HEX),
  /** The file name as uploaded (for the download's name only; the type never comes from it). */
  name: z.string().min(1),
  size: z.number().int().min(1),
  /** The media type sniffed from the bytes when stored, e.g. application/pdf. */
  type: z.string().min(1),
});
export type EvidenceRef = z.infer<typeof evidenceRefSchema>;
