-- The event store: every domain event of every assignment, append-only, in decision order.
CREATE TABLE assignment_events (
  assignment_id text        NOT NULL,
  seq           integer     NOT NULL CHECK (seq > 0),
  type          text        NOT NULL,
  version       integer     NOT NULL,
  occurred_at   timestamptz NOT NULL,
  payload       jsonb       NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  -- Set once Kafka has acknowledged the event; NULL rows are the outbox still to publish.
  published_at  timestamptz,
  PRIMARY KEY (assignment_id, seq)
);
CREATE INDEX assignment_events_unpublished ON assignment_events (recorded_at) WHERE published_at IS NULL;

-- Nothing changes without a trace: events are never updated (but for their publication mark) nor deleted.
CREATE FUNCTION assignment_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'assignment_events is append-only: event %/% cannot be deleted', OLD.assignment_id, OLD.seq;
  END IF;
  IF (NEW.assignment_id, NEW.seq, NEW.type, NEW.version, NEW.occurred_at, NEW.payload)
     IS DISTINCT FROM (OLD.assignment_id, OLD.seq, OLD.type, OLD.version, OLD.occurred_at, OLD.payload) THEN
    RAISE EXCEPTION 'assignment_events is append-only: event %/% cannot be changed', OLD.assignment_id, OLD.seq;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER assignment_events_append_only BEFORE UPDATE OR DELETE ON assignment_events
  FOR EACH ROW EXECUTE FUNCTION assignment_events_append_only();

-- Read model: one row per assignment, its current status.
CREATE TABLE assignments (
  assignment_id   text PRIMARY KEY,
  task_id         text        NOT NULL,
  ref             text        NOT NULL,
  title           text        NOT NULL,
  unit            text        NOT NULL,
  deadline_text   text        NOT NULL,
  due             date        NOT NULL,
  status          text        NOT NULL,
  overdue_periods text[]      NOT NULL DEFAULT '{}',
  last_seq        integer     NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX assignments_unit ON assignments (unit);

-- Read model: progress reports as submitted.
CREATE TABLE progress_reports (
  assignment_id    text        NOT NULL,
  period           text        NOT NULL,
  due              date        NOT NULL,
  unit             text        NOT NULL,
  summary          text        NOT NULL,
  percent_complete numeric(5, 2) NOT NULL,
  late             boolean     NOT NULL,
  submitted_at     timestamptz NOT NULL,
  PRIMARY KEY (assignment_id, period)
);

-- Notices for people: the inbox every unit, unit head and coordinator reads.
CREATE TABLE inbox (
  key           text PRIMARY KEY,
  recipient     text        NOT NULL,
  assignment_id text        NOT NULL,
  seq           integer     NOT NULL,
  occurred_at   timestamptz NOT NULL,
  kind          text        NOT NULL,
  subject       text        NOT NULL,
  body          text        NOT NULL,
  delivered_at  timestamptz NOT NULL DEFAULT now(),
  read_at       timestamptz
);
CREATE INDEX inbox_recipient ON inbox (recipient, delivered_at);
