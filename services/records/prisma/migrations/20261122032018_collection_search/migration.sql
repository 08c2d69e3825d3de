-- AlterTable
ALTER TABLE "collections" ADD COLUMN     "search" JSONB;
