import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { envProblems, MIGRATE_ENV_NAMES, processEnvNames, type ConfigEnvNames } from './config-env-names';
import { INFRASTRUCTURE_SERVERS, processCommand, type DeployManifest } from './deploy-manifest';

interface ComposeService {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  ports?: (string | { published?: string | number; target?: number; host_ip?: string })[];
  read_only?: boolean;
  tmpfs?: string[] | string;
  stop_grace_period?: string;
  restart?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** docker-compose.yml as Compose reads it: anchors resolved, `<<` merge keys applied. */
export function parseCompose(text: string): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

const INFRASTRUCTURE_IMAGE: Record<string, RegExp> = { postgres: /^postgres:15\b/, redis: /^redis:7\b/, rabbitmq: /^rabbitmq:3\.13-management$/ };

function environmentNames(service: ComposeService): string[] {
  const environment = service.environment ?? {};
  return Array.isArray(environment) ? environment.map((entry) => entry.split('=')[0]!) : Object.keys(environment);
}

function environmentValue(service: ComposeService, name: string): string | undefined {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) return environment.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
  const value = environment[name];
  return value === undefined ? undefined : String(value);
}

function dependencyConditions(service: ComposeService): Record<string, string | undefined> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, dependency]) => [name, dependency?.condition]));
}

function seconds(duration: string | undefined): number {
  const match = /^(\d+)(s|m)?$/.exec(duration ?? '');
  return match ? Number(match[1]) * (match[2] === 'm' ? 60 : 1) : 10;
}

/**
 * Every process of deploy/services.json is a service of the hexbase image that starts after
 * its servers are healthy and `migrate` has completed, with exactly the configuration
 * variables the code reads; every server it waits for has a healthcheck.
 */
export function composeProblems(compose: ComposeFile, manifest: DeployManifest, env: ConfigEnvNames, migrateCommand: string[]): string[] {
  const services = compose.services ?? {};
  const problems: string[] = [];
  const imagePattern = new RegExp(`^${manifest.image.replace('/', '\\/')}:`);

  for (const process of manifest.processes) {
    const service = services[process.name];
    if (service === undefined) {
      problems.push(`${process.name}: not a compose service`);
      continue;
    }
    if (!imagePattern.test(service.image ?? '')) problems.push(`${process.name}: image ${service.image} is not ${manifest.image}`);
    if (!isDeepStrictEqual(service.command, processCommand(process))) problems.push(`${process.name}: command ${JSON.stringify(service.command)} does not run ${process.entry}`);
    const conditions = dependencyConditions(service);
    for (const server of process.needs) {
      if (conditions[server] !== 'service_healthy') problems.push(`${process.name}: must wait for ${server} with condition service_healthy`);
    }
    for (const job of manifest.jobs) {
      if (conditions[job.name] !== 'service_completed_successfully') problems.push(`${process.name}: must wait for ${job.name} with condition service_completed_successfully`);
    }
    for (const [name, condition] of Object.entries(conditions)) {
      if (condition !== 'service_healthy' && condition !== 'service_completed_successfully') problems.push(`${process.name}: depends on ${name} without a health or completion condition`);
    }
    problems.push(...envProblems(process.name, environmentNames(service), processEnvNames(env, process.portEnv), env));
    if (environmentValue(service, process.portEnv) !== String(process.port)) problems.push(`${process.name}: ${process.portEnv} must be ${process.port}`);
    if (environmentValue(service, 'HOST') !== '0.0.0.0') problems.push(`${process.name}: HOST must be 0.0.0.0 in a container`);
    const published = (service.ports ?? []).map((port) => (typeof port === 'string' ? port : `${port.host_ip}:${port.published}:${port.target}`));
    if (!published.includes(`127.0.0.1:${process.port}:${process.port}`)) problems.push(`${process.name}: must publish 127.0.0.1:${process.port}:${process.port}`);
    const test = [service.healthcheck?.test ?? []].flat().join(' ');
    if (!test.includes(`:${process.port}/health/ready`)) problems.push(`${process.name}: healthcheck must query /health/ready on port ${process.port}`);
    if (service.read_only !== true || ![service.tmpfs ?? []].flat().includes('/tmp')) problems.push(`${process.name}: must run read_only with a tmpfs on /tmp`);
    if (seconds(service.stop_grace_period) < 30) problems.push(`${process.name}: stop_grace_period under 30s cuts the drain short`);
  }

  for (const job of manifest.jobs) {
    const service = services[job.name];
    if (service === undefined) {
      problems.push(`${job.name}: not a compose service`);
      continue;
    }
    if (!imagePattern.test(service.image ?? '')) problems.push(`${job.name}: image ${service.image} is not ${manifest.image}`);
    if (!isDeepStrictEqual(service.command, migrateCommand)) problems.push(`${job.name}: command is not npm run ${job.npmScript} (${migrateCommand.join(' ')})`);
    if (service.restart !== 'no') problems.push(`${job.name}: a one-shot service must not restart`);
    const conditions = dependencyConditions(service);
    for (const server of job.needs) if (conditions[server] !== 'service_healthy') problems.push(`${job.name}: must wait for ${server} with condition service_healthy`);
    problems.push(...envProblems(job.name, environmentNames(service), MIGRATE_ENV_NAMES, env));
  }

  for (const server of INFRASTRUCTURE_SERVERS) {
    const service = services[server];
    if (service === undefined) problems.push(`${server}: not a compose service`);
    else {
      if (!INFRASTRUCTURE_IMAGE[server]!.test(service.image ?? '')) problems.push(`${server}: image ${service.image} is not the expected version`);
      if (!service.healthcheck?.test || service.healthcheck.disable) problems.push(`${server}: no healthcheck`);
    }
  }
  for (const [name, service] of Object.entries(services)) {
    for (const [dependency, condition] of Object.entries(dependencyConditions(service))) {
      const target = services[dependency];
      if (condition === 'service_healthy' && (!target?.healthcheck?.test || target.healthcheck.disable)) problems.push(`${name} waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`);
    }
  }
  for (const planned of manifest.planned) {
    if (services[planned.name] !== undefined) problems.push(`${planned.name}: planned service has no entry file yet and must not be in compose`);
  }
  return problems;
}
