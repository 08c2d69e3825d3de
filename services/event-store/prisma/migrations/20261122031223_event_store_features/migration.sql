-- AlterTable
ALTER TABLE "events" ADD COLUMN     "correlation_id" TEXT,
ADD COLUMN     "erased_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "streams" ADD COLUMN     "deleted_at" TIMESTAMPTZ(3),
ADD COLUMN     "truncated_before" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "snapshots" (
    "tenant_id" TEXT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "state" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "snapshots_pkey" PRIMARY KEY ("tenant_id","stream_id","version")
);

-- CreateTable
CREATE TABLE "subscriptions" (
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" BIGINT NOT NULL DEFAULT 0,
    "filter" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("tenant_id","name")
);

-- CreateTable
CREATE TABLE "outbox" (
    "position" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "stream_id" TEXT NOT NULL,
    "envelope" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "retention_policies" (
    "tenant_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "max_age_seconds" INTEGER,
    "max_count" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "retention_policies_pkey" PRIMARY KEY ("tenant_id","scope","target")
);

-- CreateTable
CREATE TABLE "replays" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "consumer" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "from_position" BIGINT NOT NULL,
    "to_position" BIGINT NOT NULL,
    "total" BIGINT NOT NULL,
    "published" BIGINT NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "replays_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "erasures" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "selector" JSONB NOT NULL,
    "events_erased" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "erasures_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_id_key" ON "outbox"("event_id");

-- CreateIndex
CREATE INDEX "replays_tenant_id_created_at_idx" ON "replays"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "erasures_tenant_id_created_at_idx" ON "erasures"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "events_tenant_id_correlation_id_idx" ON "events"("tenant_id", "correlation_id");

-- Correlation ids of the events stored before the column existed.
UPDATE "events" SET "correlation_id" = "envelope"->>'correlationid' WHERE "correlation_id" IS NULL;
