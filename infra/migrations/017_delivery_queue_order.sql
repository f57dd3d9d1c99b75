-- The delivery dispatcher claims the oldest queued notices, a batch at a time. Without an index in that order each
-- claim sorted the whole queue joined with its notices: 835 ms a claim at 162,000 queued (2026-11-23), one core busy
-- for as long as a backlog lasts. With it, a claim reads its batch from the front of the index.
CREATE INDEX delivery_queue_order ON delivery_queue (enqueued_at, notice_key);

-- Simulations (`duban simulate`, api/simulation.ts) queued their notices for delivery before this version: a worker's
-- dispatcher would have sent a year that never happened to the real units' channels. Their queued rows go; the
-- notices themselves stay in the record and the inboxes. A simulation's assignments are its cycle's, `sim-YYYY-RUN`,
-- with the cycle's own stream `cycle:sim-YYYY-RUN`.
DELETE FROM delivery_queue q
 USING notices n
 WHERE n.key = q.notice_key
   AND n.assignment_id ~ '^(cycle:)?sim-[0-9]{4}-[0-9a-z]+(:|$)';
