-- Telling the affiliates (issue 14): publishers, the affiliate postbacks they set up, the transactional outbox of
-- notifications, every delivery attempt, and the rejection-rate alert rules.
--
-- conversions gains publisher_id and sub_id: nullable, no default, so the ALTER changes only the catalog however
-- many rows the table has. The foreign key is added NOT VALID: every existing row's publisher_id is null, so there is
-- nothing to check, and validating would scan the whole table under the ALTER's lock (the migration is one
-- transaction). New and updated rows are checked as with any foreign key.

CREATE TABLE "publishers" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "publishers_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "conversions"
    ADD COLUMN "publisher_id" INTEGER,
    ADD COLUMN "sub_id" VARCHAR(255);
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_publisher_id_fkey"
    FOREIGN KEY ("publisher_id") REFERENCES "publishers"("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;

CREATE TYPE "affiliate_postback_status" AS ENUM ('active', 'paused');

-- One postback an affiliate set up: where to send, which changes fire it, after what delay. url and body are
-- templates with macros (packages/core/src/notifications/template.ts). events: rejected and/or reason_updated;
-- reasons: empty for every reason. secret: whsec_ + base64, null when deliveries are not signed. A deleted postback
-- keeps its row (deleted_at) so the delivery log can still name it.
CREATE TABLE "affiliate_postbacks" (
    "id" SERIAL NOT NULL,
    "publisher_id" INTEGER NOT NULL,
    "offer_id" INTEGER,
    "url" TEXT NOT NULL,
    "method" VARCHAR(6) NOT NULL DEFAULT 'GET',
    "headers" JSONB NOT NULL DEFAULT '{}',
    "body" TEXT,
    "events" TEXT[] NOT NULL,
    "reasons" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "delay_seconds" INTEGER NOT NULL DEFAULT 120,
    "secret" TEXT,
    "status" "affiliate_postback_status" NOT NULL DEFAULT 'active',
    "paused_reason" TEXT,
    "paused_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "affiliate_postbacks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "affiliate_postbacks_events_check"
        CHECK (cardinality("events") > 0 AND "events" <@ ARRAY['rejected', 'reason_updated']::text[]),
    CONSTRAINT "affiliate_postbacks_method_check" CHECK ("method" IN ('GET', 'POST', 'PUT')),
    CONSTRAINT "affiliate_postbacks_delay_check" CHECK ("delay_seconds" >= 0)
);
CREATE INDEX "affiliate_postbacks_publisher_id_idx" ON "affiliate_postbacks"("publisher_id");
ALTER TABLE "affiliate_postbacks" ADD CONSTRAINT "affiliate_postbacks_publisher_id_fkey"
    FOREIGN KEY ("publisher_id") REFERENCES "publishers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "affiliate_postbacks" ADD CONSTRAINT "affiliate_postbacks_offer_id_fkey"
    FOREIGN KEY ("offer_id") REFERENCES "offers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TYPE "alert_rule_state" AS ENUM ('ok', 'firing');

-- A rejection-rate alert: over the last window_minutes, of the scope's conversions (created in the window), more
-- than max_rejection_rate_percent rejected, with at least min_conversions seen. state is what was last notified.
CREATE TABLE "alert_rules" (
    "id" SERIAL NOT NULL,
    "advertiser_id" INTEGER,
    "offer_id" INTEGER,
    "window_minutes" INTEGER NOT NULL,
    "min_conversions" INTEGER NOT NULL,
    "max_rejection_rate_percent" DECIMAL(5,2) NOT NULL,
    "webhook_url" TEXT NOT NULL,
    "notify_resolved" BOOLEAN NOT NULL DEFAULT false,
    "state" "alert_rule_state" NOT NULL DEFAULT 'ok',
    "last_conversions" INTEGER,
    "last_rejected" INTEGER,
    "last_evaluated_at" TIMESTAMPTZ(3),
    "state_changed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_rules_scope_check" CHECK (("advertiser_id" IS NULL) <> ("offer_id" IS NULL))
);
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_advertiser_id_fkey"
    FOREIGN KEY ("advertiser_id") REFERENCES "advertisers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_offer_id_fkey"
    FOREIGN KEY ("offer_id") REFERENCES "offers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TYPE "notification_state" AS ENUM ('waiting', 'sending', 'delivered', 'failed', 'skipped');

-- The transactional outbox: one row per notification, written in the transaction that made the change (an affiliate
-- postback's) or that changed an alert rule's state (an alert's). Its id is the webhook-id every attempt sends.
--   waiting:   not sent yet; a later change of the same conversion for the same postback joins it (the partial
--              unique index), so changes inside the delay give one notification;
--   sending:   its request was rendered (the conversion's state at that moment, in `request`) and is being
--              delivered, retried as needed; a change from now on makes a new notification;
--   delivered / failed (dead-lettered) / skipped (its postback paused or deleted): recorded, final.
-- waiting and sending are pending: the relay hands them to the delivery queue again until one is recorded, so a
-- crash or a Redis failover between commit and delivery loses nothing.
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "affiliate_postback_id" INTEGER,
    "alert_rule_id" INTEGER,
    "conversion_id" BIGINT,
    "transaction_id" VARCHAR(128),
    "event" VARCHAR(32) NOT NULL,
    "previous_status" "conversion_status",
    "previous_reason" VARCHAR(255),
    "first_changed_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "state" "notification_state" NOT NULL DEFAULT 'waiting',
    "handed_at" TIMESTAMPTZ(3),
    "request" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "notifications_source_check" CHECK (("affiliate_postback_id" IS NULL) <> ("alert_rule_id" IS NULL))
);
CREATE UNIQUE INDEX "notifications_waiting_key" ON "notifications"("affiliate_postback_id", "conversion_id")
    WHERE "state" = 'waiting';
CREATE INDEX "notifications_pending_idx" ON "notifications"("due_at") WHERE "state" IN ('waiting', 'sending');
CREATE INDEX "notifications_created_at_idx" ON "notifications"("created_at");
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_affiliate_postback_id_fkey"
    FOREIGN KEY ("affiliate_postback_id") REFERENCES "affiliate_postbacks"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_alert_rule_id_fkey"
    FOREIGN KEY ("alert_rule_id") REFERENCES "alert_rules"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TYPE "delivery_result" AS ENUM ('delivered', 'retrying', 'failed');

-- Every attempt to deliver a notification: the delivery log. url has its secrets masked; response_head is at most the
-- first kilobyte of the answer. Pruned with the notifications after DELIVERY_LOG_RETENTION_DAYS.
CREATE TABLE "delivery_attempts" (
    "id" BIGSERIAL NOT NULL,
    "notification_id" UUID NOT NULL,
    "affiliate_postback_id" INTEGER,
    "alert_rule_id" INTEGER,
    "transaction_id" VARCHAR(128),
    "attempt" INTEGER NOT NULL,
    "attempted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "url" TEXT NOT NULL,
    "status_code" INTEGER,
    "latency_ms" INTEGER,
    "response_head" TEXT,
    "error" TEXT,
    "result" "delivery_result" NOT NULL,
    CONSTRAINT "delivery_attempts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "delivery_attempts_notification_id_idx" ON "delivery_attempts"("notification_id");
CREATE INDEX "delivery_attempts_affiliate_postback_id_id_idx" ON "delivery_attempts"("affiliate_postback_id", "id");
CREATE INDEX "delivery_attempts_transaction_id_id_idx" ON "delivery_attempts"("transaction_id", "id");
CREATE INDEX "delivery_attempts_attempted_at_idx" ON "delivery_attempts"("attempted_at");
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_notification_id_fkey"
    FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;
