-- Read models built from the stream (read-models/): the event store keeps the events, their outbox rows and the
-- notices that went out with them; the read models (assignments, progress_reports, cooperations, bulletins, inbox)
-- are built by a Kafka consumer group that applies each (stream, seq) once, in order per stream.

-- Every notice that went out, append-only, keyed like the inbox (one per event and recipient): the record the
-- auditor's timeline reads, and what the outbox relay puts in each event's Kafka message so the inbox can be rebuilt.
CREATE TABLE notices (
  key           text PRIMARY KEY,
  assignment_id text        NOT NULL,
  seq           integer     NOT NULL,
  recipient     text        NOT NULL,
  occurred_at   timestamptz NOT NULL,
  kind          text        NOT NULL,
  subject       text        NOT NULL,
  body          text        NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notices_event ON notices (assignment_id, seq);

CREATE FUNCTION notices_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'notices is append-only: notice % cannot be changed or deleted', OLD.key;
END $$;
CREATE TRIGGER notices_append_only BEFORE UPDATE OR DELETE ON notices
  FOR EACH ROW EXECUTE FUNCTION notices_append_only();

-- The notices delivered before this migration were written to the inbox only.
INSERT INTO notices (key, assignment_id, seq, recipient, occurred_at, kind, subject, body, recorded_at)
SELECT key, assignment_id, seq, recipient, occurred_at, kind, subject, body, delivered_at FROM inbox
ON CONFLICT DO NOTHING;

-- How far the read models have applied each stream, written in the transaction that changes them: an event at or
-- below its stream's position is a repeat and is skipped.
CREATE TABLE read_model_positions (
  stream     text PRIMARY KEY,
  seq        integer     NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Until now the read models were written with the events: every stored event is applied already.
INSERT INTO read_model_positions (stream, seq)
SELECT assignment_id, max(seq) FROM assignment_events GROUP BY assignment_id;

-- Events that arrived before their predecessor: held here, not applied, until the predecessor is.
CREATE TABLE read_model_parked (
  stream    text        NOT NULL,
  seq       integer     NOT NULL,
  message   jsonb       NOT NULL,
  parked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream, seq)
);
