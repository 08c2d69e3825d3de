/**
 * Prisma generation and migrations without network access (see libs/db).
 *
 *   tsx scripts/db.ts generate                  prisma generate for every services/<name>/prisma/schema.prisma
 *   tsx scripts/db.ts migrate                   create the database if needed, apply every service's new migrations
 *   tsx scripts/db.ts create <service> <name>   write services/<service>/prisma/migrations/<timestamp>_<name>/migration.sql
 *
 * DATABASE_URL names the database (default postgresql://postgres@127.0.0.1:5432/hexbase).
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInfrastructureConfig } from '@hexbase/config';
import { HexbaseError } from '@hexbase/contracts';
import { applyMigrations, createMigration, ensureDatabase, generatePrismaClient, isDatabaseUnreachable, redactDatabaseUrl, serviceSchemaName } from '@hexbase/db';

const root = fileURLToPath(new URL('..', import.meta.url));
const servicesDir = join(root, 'services');

const usage = `usage: tsx scripts/db.ts <command>
  generate                 generate the Prisma client of every service
  migrate                  create the database if needed and apply every service's new migrations
  create <service> <name>  write a new migration for <service> from its prisma/schema.prisma`;

interface Service {
  name: string;
  schemaFile: string;
  migrationsDir: string;
  configFile: string | undefined;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'generate' && rest.length === 0) return generate();
  if (command === 'migrate' && rest.length === 0) return migrate(readInfrastructureConfig().databaseUrl);
  if (command === 'create' && rest.length === 2) return create(readInfrastructureConfig().databaseUrl, rest[0]!, rest[1]!);
  console.error(usage);
  return 1;
}

async function generate(): Promise<number> {
  const services = (await listServices()).filter((service) => existsSync(service.schemaFile));
  if (services.length === 0) console.log('no services/*/prisma/schema.prisma to generate');
  // The services' prisma.config.ts read DATABASE_URL; generation never connects, the default will do.
  const env = { DATABASE_URL: readInfrastructureConfig().databaseUrl };
  const results = await Promise.allSettled(services.map((service) => generatePrismaClient({ schemaFile: service.schemaFile, configFile: service.configFile, env })));
  let failures = 0;
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') {
      console.log(`${services[index]!.name}: generated the Prisma client`);
    } else {
      failures += 1;
      report(result.reason);
    }
  });
  return failures === 0 ? 0 : 1;
}

async function migrate(databaseUrl: string): Promise<number> {
  const services = (await listServices()).filter((service) => existsSync(service.migrationsDir));
  await ensureDatabase(databaseUrl);
  let total = 0;
  for (const service of services) {
    const schema = serviceSchemaName(service.name);
    const { applied } = await applyMigrations({ databaseUrl, schema, migrationsDir: service.migrationsDir });
    for (const migration of applied) console.log(`${service.name}: applied ${migration} (schema ${schema})`);
    if (applied.length === 0) console.log(`${service.name}: up to date (schema ${schema})`);
    total += applied.length;
  }
  console.log(`${total} migration${total === 1 ? '' : 's'} applied to ${redactDatabaseUrl(databaseUrl)} for ${services.length} service${services.length === 1 ? '' : 's'}`);
  return 0;
}

async function create(databaseUrl: string, serviceName: string, name: string): Promise<number> {
  const service = (await listServices()).find((candidate) => candidate.name === serviceName);
  if (!service || !existsSync(service.schemaFile)) {
    console.error(`no services/${serviceName}/prisma/schema.prisma`);
    return 1;
  }
  const file = await createMigration({ databaseUrl, schema: serviceSchemaName(service.name), schemaFile: service.schemaFile, migrationsDir: service.migrationsDir, name });
  console.log(file ? `${service.name}: wrote ${relative(root, file)}` : `${service.name}: the migrations already match prisma/schema.prisma, nothing written`);
  return 0;
}

async function listServices(): Promise<Service[]> {
  const entries = await readdir(servicesDir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const dir = join(servicesDir, name);
      const configFile = join(dir, 'prisma.config.ts');
      return { name, schemaFile: join(dir, 'prisma/schema.prisma'), migrationsDir: join(dir, 'prisma/migrations'), configFile: existsSync(configFile) ? configFile : undefined };
    });
}

function report(error: unknown): number {
  if (isDatabaseUnreachable(error)) {
    console.error(`${error.message}
PostgreSQL must be running at ${String(error.extensions.databaseUrl)}. On the development machines start it with (as root):
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
or point DATABASE_URL at a running server.`);
  } else if (error instanceof HexbaseError) {
    console.error(`${error.code}: ${error.message}`);
  } else {
    console.error(error);
  }
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = report(error);
  },
);
