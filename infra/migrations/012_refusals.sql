-- Refusals (拒绝记录): a refused command leaves no event in its task's stream, but auditors must see who tried what,
-- when, and why it was refused. One row per refused call to a turn of the 督办 conversation, from the API or the CLI,
-- append-only like the event store. `request` is the body as sent, as JSON text (NULs and lone surrogates escaped, so
-- the very body that was refused for them can be kept), cut at 8 KB.
CREATE TABLE refusals (
  id            bigserial   PRIMARY KEY,
  refused_at    timestamptz NOT NULL DEFAULT now(),
  caller        text        NOT NULL,
  operation     text        NOT NULL,
  assignment_id text        NOT NULL,
  code          text        NOT NULL,
  detail        text        NOT NULL,
  source        text        NOT NULL CHECK (source IN ('api', 'cli')),
  request       text        NOT NULL
);
CREATE INDEX refusals_assignment ON refusals (assignment_id, id);
CREATE INDEX refusals_caller ON refusals (caller, id);

CREATE FUNCTION refusals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'refusals is append-only: refusal % cannot be changed or deleted', OLD.id;
END $$;
CREATE TRIGGER refusals_append_only BEFORE UPDATE OR DELETE ON refusals
  FOR EACH ROW EXECUTE FUNCTION refusals_append_only();
