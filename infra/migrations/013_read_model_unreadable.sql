-- Messages of the events topic the read models could not read (a newer event type or version than this projector
-- knows, during a rolling upgrade; a damaged record): kept with where they were and why, instead of being passed over
-- unseen. `duban readmodels status` counts them; once a projector that reads them is deployed, `duban readmodels
-- rebuild` applies them. The events themselves are safe in the event store either way.
CREATE TABLE read_model_unreadable (
  topic       text        NOT NULL,
  partition   integer     NOT NULL,
  "offset"    bigint      NOT NULL,
  value       bytea,
  error       text        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition, "offset")
);
