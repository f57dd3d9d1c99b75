-- Idempotency-Key headers the API has seen, each bound to the request it first came with (a SHA-256 over the route,
-- the assignment and the canonical body): the same key with the same request is applied once (it becomes the
-- Temporal update id), the same key with another request is refused.
CREATE TABLE idempotency_keys (
  key          text        PRIMARY KEY,
  request_hash text        NOT NULL,
  first_seen   timestamptz NOT NULL DEFAULT now()
);
