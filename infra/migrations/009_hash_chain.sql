-- Audit (审计): every stored event names who made it happen and the Temporal run that decided it (meta), and carries
-- a SHA-256 chain over its stream (domain/audit/chain.ts): prev_hash is the hash of the event before it (a fixed
-- genesis value for the first), hash is over prev_hash and the event's canonical content. The appender computes
-- both; events stored before this migration are chained by migrate() (infra/postgres.ts) right after it, in order.
ALTER TABLE assignment_events ADD COLUMN meta jsonb;
ALTER TABLE assignment_events ADD COLUMN prev_hash text;
ALTER TABLE assignment_events ADD COLUMN hash text;
CREATE INDEX assignment_events_unchained ON assignment_events (assignment_id, seq) WHERE hash IS NULL;

-- The chain and the metadata are part of the record: set once (on append, or by the backfill of older rows), then
-- never changed, like the rest of the row.
CREATE OR REPLACE FUNCTION assignment_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'assignment_events is append-only: event %/% cannot be deleted', OLD.assignment_id, OLD.seq;
  END IF;
  IF (NEW.assignment_id, NEW.seq, NEW.type, NEW.version, NEW.occurred_at, NEW.payload)
     IS DISTINCT FROM (OLD.assignment_id, OLD.seq, OLD.type, OLD.version, OLD.occurred_at, OLD.payload) THEN
    RAISE EXCEPTION 'assignment_events is append-only: event %/% cannot be changed', OLD.assignment_id, OLD.seq;
  END IF;
  IF OLD.hash IS NOT NULL AND (NEW.meta, NEW.prev_hash, NEW.hash) IS DISTINCT FROM (OLD.meta, OLD.prev_hash, OLD.hash) THEN
    RAISE EXCEPTION 'assignment_events is append-only: the chain of event %/% cannot be changed', OLD.assignment_id, OLD.seq;
  END IF;
  IF OLD.hash IS NULL AND NEW.meta IS DISTINCT FROM OLD.meta THEN
    RAISE EXCEPTION 'assignment_events is append-only: the metadata of event %/% cannot be added later', OLD.assignment_id, OLD.seq;
  END IF;
  RETURN NEW;
END $$;
