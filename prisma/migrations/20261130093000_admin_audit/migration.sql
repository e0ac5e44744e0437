-- CreateEnum
CREATE TYPE "admin_audit_outcome" AS ENUM ('ok', 'failed');

-- CreateTable
CREATE TABLE "admin_audit" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "operator" VARCHAR(128) NOT NULL,
    "source" VARCHAR(200) NOT NULL,
    "action" VARCHAR(64) NOT NULL,
    "target" VARCHAR(200),
    "details" JSONB NOT NULL DEFAULT '{}',
    "outcome" "admin_audit_outcome" NOT NULL,

    CONSTRAINT "admin_audit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "admin_audit_at_id_idx" ON "admin_audit"("at", "id");

-- CreateIndex
CREATE INDEX "admin_audit_operator_at_id_idx" ON "admin_audit"("operator", "at", "id");

-- CreateIndex
CREATE INDEX "admin_audit_action_at_id_idx" ON "admin_audit"("action", "at", "id");
