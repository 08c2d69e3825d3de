import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { repoPath } from './deploy-manifest';

/** One rendered object; typed loosely, the checks narrow it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const run = promisify(execFile);

/** `kubectl kustomize <dir>`, parsed: exactly what `kubectl apply -k` would send. */
export async function renderKustomization(dir: string): Promise<K8sObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', repoPath(dir)], { maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(stdout)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}
