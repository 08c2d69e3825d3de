-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "event_store";

-- CreateTable
CREATE TABLE "streams" (
    "tenant_id" TEXT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "streams_pkey" PRIMARY KEY ("tenant_id","stream_id")
);

-- CreateTable
CREATE TABLE "events" (
    "position" BIGINT NOT NULL,
    "event_id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "stream_version" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "data" JSONB NOT NULL,
    "envelope" JSONB NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "events_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "log_head" (
    "id" INTEGER NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "log_head_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "events_event_id_key" ON "events"("event_id");

-- CreateIndex
CREATE INDEX "events_tenant_id_position_idx" ON "events"("tenant_id", "position");

-- CreateIndex
CREATE INDEX "events_type_position_idx" ON "events"("type", "position");

-- CreateIndex
CREATE UNIQUE INDEX "events_tenant_id_stream_id_stream_version_key" ON "events"("tenant_id", "stream_id", "stream_version");

-- The single row holding the last global position (see services/event-store/src/adapters/postgres/pg-event-log.ts).
INSERT INTO "log_head" ("id", "position") VALUES (1, 0);
