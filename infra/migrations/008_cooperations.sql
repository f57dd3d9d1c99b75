-- Read model: the items each cooperating unit (配合单位) supports, kept in step with TaskAssigned and
-- CooperatingUnitsChanged; filled here from the assignments already stored.
CREATE TABLE cooperations (
  assignment_id text NOT NULL,
  unit          text NOT NULL,
  PRIMARY KEY (assignment_id, unit)
);
CREATE INDEX cooperations_unit ON cooperations (unit);

INSERT INTO cooperations (assignment_id, unit)
SELECT DISTINCT assignment_id, jsonb_array_elements_text(payload -> 'spec' -> 'cooperating')
FROM assignment_events
WHERE type = 'TaskAssigned' AND payload -> 'spec' ? 'cooperating'
ON CONFLICT DO NOTHING;
