-- Evidence (佐证材料): the files reports and closure requests cite, stored once each, addressed by the SHA-256 of their
-- bytes. Events carry only a reference (domain/evidence/ref.ts); storing the same bytes again, under any name, finds
-- the row already there. Rows are never changed: the key is the content, which the database checks itself.
CREATE TABLE evidence (
  sha256     text        PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes      bytea       NOT NULL,
  size       integer     NOT NULL CHECK (size > 0 AND size = octet_length(bytes)),
  -- The media type sniffed from the bytes when first stored (domain/evidence/sniff.ts), served with every download.
  type       text        NOT NULL CHECK (type <> ''),
  -- The name the bytes were first uploaded under, for a download no citing event names.
  first_name text        NOT NULL CHECK (first_name <> ''),
  stored_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT evidence_sha256_of_bytes CHECK (sha256 = encode(sha256(bytes), 'hex'))
);
-- PDFs, photographs and Office files are compressed already: keep them out of line without trying to compress again.
ALTER TABLE evidence ALTER COLUMN bytes SET STORAGE EXTERNAL;
