export { serviceSchemaName, assertSchemaName } from './service-schema';
export { databaseNameOf, redactDatabaseUrl, withDatabase } from './database-url';
export { isDatabaseUnreachable } from './database-connection';
export { schemaConnectionConfig, createPgPool, createPrismaAdapter, type PoolSettings } from './schema-connection';
export { ensureDatabase } from './ensure-database';
export { applyMigrations, type ApplyMigrationsOptions } from './apply-migrations';
export { createMigration, type CreateMigrationOptions } from './create-migration';
export { generatePrismaClient, type GeneratePrismaClientOptions } from './generate-prisma-client';
export { schemaEngineVersion } from './schema-engine-loader';
