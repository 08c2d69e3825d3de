import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS, envPrefix, type ServiceName } from '@hexbase/config';
import { parse } from 'yaml';
import { INFRASTRUCTURE_SERVERS, npmScriptCommand, readDeployManifest, readRepoFile, repoPath } from './support/deploy-manifest';

const manifest = readDeployManifest();
const deployed = [...manifest.processes, ...manifest.jobs];

describe('deploy/services.json', () => {
  it.each(manifest.processes)('names an entry file that exists: $entry', ({ entry }) => {
    expect(existsSync(repoPath(entry)), `${entry} is missing`).toBe(true);
  });

  it.each(manifest.jobs)('runs an npm script whose runner is in the production image and whose file exists: $npmScript', ({ npmScript }) => {
    const [runner, file] = npmScriptCommand(npmScript);
    const pkg = JSON.parse(readRepoFile('package.json')) as { dependencies: Record<string, string> };
    if (runner !== 'node') expect(Object.keys(pkg.dependencies), `${runner} must be a runtime dependency`).toContain(runner);
    expect(existsSync(repoPath(file!)), `${file} is missing`).toBe(true);
  });

  it('names every port variable as libs/config does: <SERVICE>_PORT', () => {
    for (const item of [...manifest.processes, ...manifest.planned]) {
      // envPrefix is the naming rule itself; the relay is not a ServiceName of libs/config.
      expect(item.portEnv).toBe(`${envPrefix(item.name as ServiceName)}_PORT`);
    }
  });

  it('uses the default ports of libs/config, and deploys or plans every service it knows', () => {
    const known = Object.fromEntries([...manifest.processes, ...manifest.planned].map((item) => [item.name, item.port]));
    for (const [service, port] of Object.entries(DEFAULT_PORTS)) expect(known[service], service).toBe(port);
  });

  it('has unique names and ports, and only known servers as dependencies', () => {
    const names = [...deployed, ...manifest.planned].map((item) => item.name);
    const ports = [...manifest.processes, ...manifest.planned].map((item) => item.port);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(ports).size).toBe(ports.length);
    for (const item of deployed) for (const server of item.needs) expect(INFRASTRUCTURE_SERVERS).toContain(server);
  });

  it('plans services without entry files, so nothing deploys a file that does not exist yet', () => {
    for (const planned of manifest.planned) {
      expect(planned).not.toHaveProperty('entry');
      expect(deployed.map((item) => item.name)).not.toContain(planned.name);
    }
  });

  it('has one manifest file per process in the kustomize base', () => {
    const base = parse(readRepoFile('deploy/k8s/base/kustomization.yaml')) as { resources: string[] };
    for (const process of manifest.processes) expect(base.resources).toContain(`processes/${process.name}.yaml`);
    for (const planned of manifest.planned) expect(base.resources).not.toContain(`processes/${planned.name}.yaml`);
  });
});
