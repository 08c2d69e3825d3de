-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "search";

-- CreateTable
CREATE TABLE "indexes" (
    "tenant_id" TEXT NOT NULL,
    "collection" TEXT NOT NULL,
    "settings" JSONB,
    "settings_version" INTEGER NOT NULL DEFAULT 0,
    "active_generation" INTEGER NOT NULL,
    "building_generation" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "indexes_pkey" PRIMARY KEY ("tenant_id","collection")
);

-- CreateTable
CREATE TABLE "generations" (
    "tenant_id" TEXT NOT NULL,
    "collection" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "settings" JSONB,
    "settings_version" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "processed" BIGINT NOT NULL DEFAULT 0,
    "total" BIGINT,
    "checkpoint" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "retry_at" TIMESTAMPTZ(3),
    "error" TEXT,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "generations_pkey" PRIMARY KEY ("tenant_id","collection","generation")
);

-- CreateTable
CREATE TABLE "documents" (
    "tenant_id" TEXT NOT NULL,
    "collection" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "record_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "purged" BOOLEAN NOT NULL DEFAULT false,
    "data" JSONB NOT NULL,
    "facets" JSONB NOT NULL DEFAULT '{}',
    "vector" tsvector,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "documents_pkey" PRIMARY KEY ("tenant_id","collection","generation","record_id")
);

-- CreateTable
CREATE TABLE "lexicon" (
    "tenant_id" TEXT NOT NULL,
    "collection" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "word" TEXT NOT NULL,

    CONSTRAINT "lexicon_pkey" PRIMARY KEY ("tenant_id","collection","generation","word")
);

-- CreateIndex
CREATE INDEX "generations_status_requested_at_idx" ON "generations"("status", "requested_at");

-- CreateIndex
CREATE INDEX "documents_vector_idx" ON "documents" USING GIN ("vector");

-- CreateIndex
CREATE INDEX "documents_data_idx" ON "documents" USING GIN ("data" jsonb_path_ops);

-- Typo tolerance and prefix lookups search the lexicon by trigrams. pg_trgm goes into `public`,
-- where every service that needs it can find it: an extension exists once per database, so a
-- service installing it into its own schema would hide it from the others. Queries qualify its
-- functions and operators with `public.` because each service's search_path is its own schema.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

DO $$
DECLARE
  installed_in text;
BEGIN
  SELECT n.nspname INTO installed_in FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  IF installed_in <> 'public' THEN
    RAISE EXCEPTION 'pg_trgm is installed in schema "%"; Hexbase search needs it in public: ALTER EXTENSION pg_trgm SET SCHEMA public', installed_in;
  END IF;
END
$$;

-- CreateIndex
CREATE INDEX "lexicon_word_trgm_idx" ON "lexicon" USING GIN ("word" public.gin_trgm_ops);
