-- The unit directory (单位名录): the offices a cycle assigns to, the other names plans use for them, and the groups
-- (各区人民政府, 市质强委成员单位) a collective name in a plan expands to. `duban units import` replaces it as a whole,
-- in one transaction, after checking the file (a name used by two units, a group named like a unit, …), so the rows
-- are always one consistent directory. `position` keeps the file's order for listings and group expansion.
CREATE TABLE units (
  name       text        PRIMARY KEY CHECK (name <> '' AND name = btrim(name)),
  position   integer     NOT NULL,
  aliases    text[]      NOT NULL DEFAULT '{}',
  groups     text[]      NOT NULL DEFAULT '{}',
  -- When the unit was added, or its aliases or groups last changed.
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX units_groups ON units USING gin (groups);
