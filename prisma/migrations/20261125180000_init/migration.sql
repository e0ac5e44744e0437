-- CreateEnum
CREATE TYPE "conversion_status" AS ENUM ('approved', 'pending', 'rejected');

-- CreateEnum
CREATE TYPE "postback_outcome" AS ENUM ('rejected', 'reason_updated', 'unchanged', 'not_found', 'out_of_scope', 'superseded');

-- CreateTable
CREATE TABLE "advertisers" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "advertisers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "offers" (
    "id" SERIAL NOT NULL,
    "advertiser_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "offers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rejection_endpoints" (
    "id" SERIAL NOT NULL,
    "advertiser_id" INTEGER NOT NULL,
    "offer_id" INTEGER,
    "key_hash" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "rejection_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversions" (
    "id" BIGSERIAL NOT NULL,
    "transaction_id" VARCHAR(128) NOT NULL,
    "offer_id" INTEGER NOT NULL,
    "status" "conversion_status" NOT NULL,
    "rejected_reason" VARCHAR(255),
    "payout" DECIMAL(12,4),
    "last_postback_seq" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversion_status_history" (
    "id" BIGSERIAL NOT NULL,
    "conversion_id" BIGINT NOT NULL,
    "from_status" "conversion_status" NOT NULL,
    "to_status" "conversion_status" NOT NULL,
    "old_reason" VARCHAR(255),
    "new_reason" VARCHAR(255),
    "postback_id" UUID NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversion_status_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "postback_log" (
    "postback_id" UUID NOT NULL,
    "endpoint_id" INTEGER NOT NULL,
    "transaction_id" VARCHAR(128) NOT NULL,
    "reason" VARCHAR(255) NOT NULL,
    "seq" BIGINT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" "postback_outcome" NOT NULL,
    "attempts" INTEGER NOT NULL,

    CONSTRAINT "postback_log_pkey" PRIMARY KEY ("postback_id")
);

-- CreateIndex
CREATE INDEX "offers_advertiser_id_idx" ON "offers"("advertiser_id");

-- CreateIndex
CREATE UNIQUE INDEX "rejection_endpoints_key_hash_key" ON "rejection_endpoints"("key_hash");

-- CreateIndex
CREATE INDEX "rejection_endpoints_advertiser_id_idx" ON "rejection_endpoints"("advertiser_id");

-- CreateIndex
CREATE UNIQUE INDEX "conversions_transaction_id_key" ON "conversions"("transaction_id");

-- CreateIndex
CREATE INDEX "conversions_offer_id_idx" ON "conversions"("offer_id");

-- CreateIndex
CREATE UNIQUE INDEX "conversion_status_history_postback_id_key" ON "conversion_status_history"("postback_id");

-- CreateIndex
CREATE INDEX "conversion_status_history_conversion_id_idx" ON "conversion_status_history"("conversion_id");

-- CreateIndex
CREATE INDEX "postback_log_transaction_id_idx" ON "postback_log"("transaction_id");

-- CreateIndex
CREATE INDEX "postback_log_endpoint_id_received_at_idx" ON "postback_log"("endpoint_id", "received_at");

-- AddForeignKey
ALTER TABLE "offers" ADD CONSTRAINT "offers_advertiser_id_fkey" FOREIGN KEY ("advertiser_id") REFERENCES "advertisers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rejection_endpoints" ADD CONSTRAINT "rejection_endpoints_advertiser_id_fkey" FOREIGN KEY ("advertiser_id") REFERENCES "advertisers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rejection_endpoints" ADD CONSTRAINT "rejection_endpoints_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "offers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_offer_id_fkey" FOREIGN KEY ("offer_id") REFERENCES "offers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversion_status_history" ADD CONSTRAINT "conversion_status_history_conversion_id_fkey" FOREIGN KEY ("conversion_id") REFERENCES "conversions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
