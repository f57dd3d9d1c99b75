-- The delivery dispatcher claims the oldest queued notices, a batch at a time. Without an index in that order each
-- claim sorted the whole queue joined with its notices: 835 ms a claim at 162,000 queued (2026-11-23), one core busy
-- for as long as a backlog lasts. With it, a claim reads its batch from the front of the index (2 ms).
CREATE INDEX delivery_queue_order ON delivery_queue (enqueued_at, notice_key);

-- Simulations (`duban simulate`, api/simulation.ts) and time-skipping runs queued their notices for delivery before
-- this version: a worker's dispatcher would have sent a year that never happened to the real units' channels. A live
-- notice is queued in the transaction that stores it, at its own time; these were queued at the wall clock's time
-- with the simulated time as theirs, months or years apart. Queued rows more than seven days from their notice's time
-- go; the notices themselves stay in the record and the inboxes.
DELETE FROM delivery_queue q
 USING notices n
 WHERE n.key = q.notice_key
   AND abs(extract(epoch FROM q.enqueued_at - n.occurred_at)) > 7 * 86400;
