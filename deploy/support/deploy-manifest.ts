import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A long-running process of the hexbase/server image. */
export interface DeployedProcess {
  name: string;
  /** TypeScript entry file, relative to the repository root (and to /app in the image). */
  entry: string;
  portEnv: string;
  port: number;
  /** Value of the app.kubernetes.io/component label. */
  component: string;
  /** true: a HorizontalPodAutoscaler sets the replicas; false: a fixed count (standby). */
  autoscale: boolean;
  /** Servers that must be healthy before it starts. */
  needs: InfrastructureServer[];
}

export interface DeployedJob {
  name: string;
  /** The root package.json script the job runs. */
  npmScript: string;
  component: string;
  needs: InfrastructureServer[];
}

/** A service of the architecture that has no entry file yet: nothing may deploy it. */
export interface PlannedProcess {
  name: string;
  portEnv: string;
  port: number;
  component: string;
}

export type InfrastructureServer = 'postgres' | 'redis' | 'rabbitmq';

export const INFRASTRUCTURE_SERVERS: readonly InfrastructureServer[] = ['postgres', 'redis', 'rabbitmq'];

export interface DeployManifest {
  image: string;
  processes: DeployedProcess[];
  jobs: DeployedJob[];
  planned: PlannedProcess[];
}

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function repoPath(relative: string): string {
  return fileURLToPath(new URL(relative, new URL('../../', import.meta.url)));
}

export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

/** deploy/services.json: the one list of what gets deployed. */
export function readDeployManifest(): DeployManifest {
  return JSON.parse(readRepoFile('deploy/services.json')) as DeployManifest;
}

/** The command line of a root package.json script, split on spaces (`tsx scripts/db.ts migrate`). */
export function npmScriptCommand(script: string): string[] {
  const pkg = JSON.parse(readRepoFile('package.json')) as { scripts?: Record<string, string> };
  const command = pkg.scripts?.[script];
  if (command === undefined) throw new Error(`package.json has no script "${script}"`);
  return command.trim().split(/\s+/);
}

/** How a process is started in every container: tsx runs its TypeScript entry directly. */
export function processCommand(process: DeployedProcess): string[] {
  return ['node', '--import', 'tsx', process.entry];
}
