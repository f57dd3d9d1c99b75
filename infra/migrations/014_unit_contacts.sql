-- Who in each unit is told, and where (domain/units/contacts.ts): the head (主要负责人), the liaisons (联络员) with
-- their emails, the group-chat robots and JSON endpoints with their signing secrets, and whether the unit takes a
-- daily digest. One jsonb value per unit, replaced whole with the directory by `duban units import` or PUT /units,
-- which check every cell first. The secrets are stored as given: the senders sign with them; listings mask them.
ALTER TABLE units
  ADD COLUMN contacts jsonb NOT NULL DEFAULT '{"liaisons": [], "webhooks": [], "digest": false}'
    CHECK (jsonb_typeof(contacts) = 'object');
