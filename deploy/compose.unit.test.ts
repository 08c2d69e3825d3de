import { describe, expect, it } from 'vitest';
import { configEnvNames } from './support/config-env-names';
import { composeProblems, parseCompose, type ComposeFile } from './support/compose-conventions';
import { npmScriptCommand, readDeployManifest, readRepoFile } from './support/deploy-manifest';

const manifest = readDeployManifest();
const env = configEnvNames();
const migrateCommand = npmScriptCommand('db:migrate');
const compose = parseCompose(readRepoFile('docker-compose.yml'));
const problemsOf = (file: ComposeFile): string[] => composeProblems(file, manifest, env, migrateCommand);

describe('docker-compose.yml', () => {
  it('runs every process of deploy/services.json after healthy servers and a completed migrate, with the configuration the code reads', () => {
    expect(problemsOf(compose)).toEqual([]);
  });

  type Mutation = [description: string, mutate: (file: ComposeFile) => void, expected: RegExp];
  const environment = (file: ComposeFile, service: string) => file.services[service]!.environment as Record<string, string>;
  const dependsOn = (file: ComposeFile, service: string) => file.services[service]!.depends_on as Record<string, { condition?: string }>;

  it.each<Mutation>([
    ['a missing process', (f) => void delete f.services['event-store'], /event-store: not a compose service/],
    ['a process that does not wait for migrate', (f) => void delete dependsOn(f, 'records').migrate, /records: must wait for migrate/],
    ['a dependency on a server that is merely started', (f) => void (dependsOn(f, 'records-relay').postgres = { condition: 'service_started' }), /records-relay: must wait for postgres/],
    ['a server without a healthcheck', (f) => void delete f.services.rabbitmq!.healthcheck, /rabbitmq: no healthcheck|has no healthcheck/],
    ['a misspelt variable', (f) => void (environment(f, 'records').RABBIT_URL = 'amqp://x') , /RABBIT_URL is set but no code reads it/],
    ['a missing variable', (f) => void delete environment(f, 'event-store').HEXBASE_EXCHANGE, /HEXBASE_EXCHANGE is not set/],
    ['another port', (f) => void (environment(f, 'records').RECORDS_PORT = '8080'), /RECORDS_PORT must be 4101/],
    ['a port published on every interface', (f) => void (f.services.records!.ports = ['4101:4101']), /127.0.0.1:4101:4101/],
    ['a migrate that restarts', (f) => void (f.services.migrate!.restart = 'on-failure'), /must not restart/],
    ['a migrate that runs something else', (f) => void (f.services.migrate!.command = ['npx', 'prisma', 'migrate', 'deploy']), /not npm run db:migrate/],
    ['a planned service', (f) => void (f.services.gateway = { ...f.services.records! }), /gateway: planned service/],
  ])('reports %s', (_description, mutate, expected) => {
    const broken = structuredClone(compose);
    mutate(broken);
    expect(problemsOf(broken)).toContainEqual(expect.stringMatching(expected));
  });
});
