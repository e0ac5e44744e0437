-- CreateEnum
CREATE TYPE "dlq_replay_status" AS ENUM ('running', 'completed', 'cancelled', 'failed', 'interrupted');

-- CreateTable
CREATE TABLE "dlq_replays" (
    "id" UUID NOT NULL,
    "filter" JSONB NOT NULL,
    "rate_per_second" INTEGER NOT NULL,
    "operator" VARCHAR(128) NOT NULL,
    "status" "dlq_replay_status" NOT NULL DEFAULT 'running',
    "matched" INTEGER,
    "replayed" INTEGER NOT NULL DEFAULT 0,
    "missing" INTEGER NOT NULL DEFAULT 0,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dlq_replays_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dlq_replays_created_at_idx" ON "dlq_replays"("created_at");
