-- Supervision cycles (督办周期): what was launched, from which task table, and the assignments it gives — one row per
-- task item × lead unit, with the spec its assignment workflow is started with. The launch writes them in one
-- transaction before it starts the cycle's workflow, which starts the assignments from here in batches.
CREATE TABLE cycles (
  cycle_id    text        PRIMARY KEY,
  title       text        NOT NULL,
  coordinator text        NOT NULL,
  config      jsonb       NOT NULL,
  table_hash  text        NOT NULL,
  items       integer     NOT NULL,
  launched_by text        NOT NULL,
  launched_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cycle_items (
  cycle_id      text    NOT NULL REFERENCES cycles (cycle_id),
  position      integer NOT NULL,
  assignment_id text    NOT NULL UNIQUE,
  ref           text    NOT NULL,
  unit          text    NOT NULL,
  spec          jsonb   NOT NULL,
  PRIMARY KEY (cycle_id, position)
);

-- Read models: the cycle an assignment belongs to, and the bulletins issued.
ALTER TABLE assignments ADD COLUMN cycle_id text;
CREATE INDEX assignments_cycle ON assignments (cycle_id, unit);

CREATE TABLE bulletins (
  cycle_id  text        NOT NULL,
  period    text        NOT NULL,
  issued_at timestamptz NOT NULL,
  bulletin  jsonb       NOT NULL,
  PRIMARY KEY (cycle_id, period)
);
