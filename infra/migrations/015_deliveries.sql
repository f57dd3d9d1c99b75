-- Notices delivered where people work (email, group-chat robots, webhooks), never lost and never doubled.
--
-- A notice is recorded in `notices` in the transaction that stores its event; the same statement queues it here.
-- The worker's delivery dispatcher (worker/delivery-dispatcher.ts) takes queued notices, starts one delivery
-- workflow per notice whose recipient has a channel in the unit directory (its id is the notice's key, so a notice
-- is never delivered by two workflows), and deletes the row in the transaction that claimed it.
CREATE TABLE delivery_queue (
  notice_key  text        PRIMARY KEY REFERENCES notices (key),
  enqueued_at timestamptz NOT NULL DEFAULT now()
);

-- What happened to each delivery, append-only: the record the auditor's timeline and `duban deliveries` read.
--   held    outside office hours, or the channel did not answer: it will be tried again (detail says until when)
--   digest  waiting for the recipient's daily digest
--   sent    the channel took it (detail: the server's answer)
--   failed  refused for good, or still failing when the delivery gave up; the coordinator was told
-- `delivery_id` is the idempotency key the receiver sees: one per (notice or digest, channel, address); `at` is the
-- workflow's time of the outcome (simulated time in the time-skipping tests), `recorded_at` the database's.
CREATE TABLE delivery_outcomes (
  id          bigserial   PRIMARY KEY,
  delivery_id text        NOT NULL,
  notice_key  text        NOT NULL REFERENCES notices (key),
  recipient   text        NOT NULL,
  channel     text        NOT NULL,
  address     text        NOT NULL,
  outcome     text        NOT NULL CHECK (outcome IN ('held', 'digest', 'sent', 'failed')),
  at          timestamptz NOT NULL,
  detail      text        NOT NULL DEFAULT '',
  recorded_at timestamptz NOT NULL DEFAULT now()
);
-- A delivery is sent once: a retried or replayed activity finds this row and sends nothing.
CREATE UNIQUE INDEX delivery_outcomes_sent_once ON delivery_outcomes (delivery_id, notice_key) WHERE outcome = 'sent';
-- A retried activity that records an outcome again records nothing new.
CREATE UNIQUE INDEX delivery_outcomes_once ON delivery_outcomes (delivery_id, notice_key, outcome, at);
CREATE INDEX delivery_outcomes_notice ON delivery_outcomes (notice_key);
CREATE INDEX delivery_outcomes_failed ON delivery_outcomes (at) WHERE outcome = 'failed';

CREATE FUNCTION delivery_outcomes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'delivery_outcomes is append-only: outcome % cannot be changed or deleted', OLD.id;
END $$;
CREATE TRIGGER delivery_outcomes_append_only BEFORE UPDATE OR DELETE ON delivery_outcomes
  FOR EACH ROW EXECUTE FUNCTION delivery_outcomes_append_only();
