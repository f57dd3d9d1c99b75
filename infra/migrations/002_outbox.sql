-- The outbox: one row per stored event still to be published, naming the topic it goes to. The activity that stores
-- events writes these rows in the same transaction and wakes the relay (NOTIFY duban_outbox); only the relay
-- publishes, claiming rows with FOR UPDATE SKIP LOCKED so that several workers never send the same row, and deletes
-- them once Kafka has acknowledged them (assignment_events.published_at keeps when that was).
CREATE TABLE outbox (
  id            bigserial   PRIMARY KEY,
  assignment_id text        NOT NULL,
  seq           integer     NOT NULL,
  topic         text        NOT NULL,
  enqueued_at   timestamptz NOT NULL DEFAULT now(),
  -- A row Kafka refuses for good (a record over its size limit, say) is set aside with the reason, so it neither
  -- blocks the relay nor goes out again; its stream's later events wait behind it, keeping each stream in order.
  attempts      integer     NOT NULL DEFAULT 0,
  last_error    text,
  set_aside_at  timestamptz,
  UNIQUE (assignment_id, seq, topic),
  FOREIGN KEY (assignment_id, seq) REFERENCES assignment_events (assignment_id, seq)
);
CREATE INDEX outbox_pending ON outbox (id) WHERE set_aside_at IS NULL;
CREATE INDEX outbox_stream ON outbox (assignment_id, id);

-- Events stored before this migration and not yet published go out through the outbox too, to the topic every
-- deployment used until now.
INSERT INTO outbox (assignment_id, seq, topic, enqueued_at)
SELECT assignment_id, seq, 'duban.assignment-events', recorded_at
FROM assignment_events WHERE published_at IS NULL ORDER BY recorded_at, assignment_id, seq;

DROP INDEX assignment_events_unpublished;
