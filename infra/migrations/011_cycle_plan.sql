-- Audit (审计): a cycle keeps the plan and the task table it was launched from, as the launch read them, so an audit
-- package can show what the assignments were started from. Cycles launched before this have the task table only
-- (cycle_items' specs); their plan is NULL, and `duban audit export` says so in the package's manifest.
ALTER TABLE cycles ADD COLUMN plan jsonb;
ALTER TABLE cycles ADD COLUMN plan_source text;

-- `duban audit timeline TASK`: a task's assignments (its lead units', and their successors after 改派) by the task id
-- their first event carries.
CREATE INDEX assignment_events_task ON assignment_events ((payload -> 'spec' ->> 'taskId')) WHERE seq = 1;
