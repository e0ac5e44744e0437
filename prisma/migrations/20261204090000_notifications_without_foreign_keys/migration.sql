-- The outbox row is written in the worker's batch statement, one per notification (applyRejections' `notified`
-- insert): its two foreign keys ran a referential-integrity trigger per row, a key-share row lock on the affiliate
-- postback every batch of every worker takes again, and a check even for the null alert rule of an affiliate
-- notification. Measured with bench/explainAffiliates.mjs (batches of 1,000 rejections, 50 publishers with a postback
-- each, median of 9): the batch took 27.3 ms with no postbacks, 38.2 ms with them and the foreign keys, 33.9 ms
-- without the keys; the keys were 40 % of what the outbox added to the drain's statement.
--
-- What they guarded is kept otherwise: affiliate postbacks and alert rules are never deleted, only marked deleted
-- (deleted_at), and a notification whose postback or rule is missing or deleted is skipped when its delivery comes
-- (apps/worker/src/notifications/notificationRows.ts: loadNotifications). Dropping a constraint takes an ACCESS
-- EXCLUSIVE lock for an instant and reads no rows.
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_affiliate_postback_id_fkey";
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_alert_rule_id_fkey";
