-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "records";

-- CreateTable
CREATE TABLE "collections" (
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "schema" JSONB NOT NULL,
    "unique_fields" TEXT[],
    "indexed_fields" JSONB NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "collections_pkey" PRIMARY KEY ("tenant_id","name")
);

-- CreateTable
CREATE TABLE "records" (
    "tenant_id" TEXT NOT NULL,
    "collection" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),
    "purged_at" TIMESTAMPTZ(3),

    CONSTRAINT "records_pkey" PRIMARY KEY ("tenant_id","collection","id")
);

-- CreateTable
CREATE TABLE "unique_values" (
    "tenant_id" TEXT NOT NULL,
    "collection" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,

    CONSTRAINT "unique_values_pkey" PRIMARY KEY ("tenant_id","collection","field","value")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "tenant_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "headers" JSONB NOT NULL,
    "body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("tenant_id","key")
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

-- CreateIndex
CREATE INDEX "records_tenant_id_collection_created_at_id_idx" ON "records"("tenant_id", "collection", "created_at", "id");

-- CreateIndex
CREATE INDEX "records_tenant_id_collection_updated_at_id_idx" ON "records"("tenant_id", "collection", "updated_at", "id");

-- CreateIndex
CREATE INDEX "records_data_idx" ON "records" USING GIN ("data" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "unique_values_tenant_id_collection_record_id_idx" ON "unique_values"("tenant_id", "collection", "record_id");

-- CreateIndex
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_id_key" ON "outbox"("event_id");
