import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { K8sObject } from './render-kustomization';

/** Kinds that run pods, and where their pod template is. */
export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'Job']);

export function objectsOfKind<T = K8sObject>(objects: K8sObject[], kind: string): (K8sObject & T)[] {
  return objects.filter((object) => object.kind === kind) as (K8sObject & T)[];
}

export function findObject<T = K8sObject>(objects: K8sObject[], kind: string, name: string): (K8sObject & T) | undefined {
  return objectsOfKind<T>(objects, kind).find((object) => object.metadata.name === name);
}

export function podTemplateOf(workload: K8sObject): IPodTemplateSpec | undefined {
  return (workload.spec as { template?: IPodTemplateSpec } | undefined)?.template;
}

export function containersOf(workload: K8sObject): IContainer[] {
  const spec = podTemplateOf(workload)?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

/** A matchLabels selector selects a pod when every pair is among the pod's labels. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** A probe or Service may name a container port; this is its number. */
export function resolvePort(port: number | string | undefined, container: IContainer | undefined): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container?.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

const MEMORY_UNITS: Record<string, number> = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** CPU in cores, memory in bytes; undefined when the quantity is not one this project writes. */
export function parseQuantity(resource: 'cpu' | 'memory', quantity: string | number | undefined): number | undefined {
  if (quantity === undefined) return undefined;
  if (typeof quantity === 'number') return quantity;
  if (resource === 'cpu') {
    const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity);
    return match ? Number(match[1]) / (match[2] === 'm' ? 1000 : 1) : undefined;
  }
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(quantity);
  return match ? Number(match[1]) * MEMORY_UNITS[match[2] ?? '']! : undefined;
}

/** The keys a ConfigMap or Secret holds, whichever of data / stringData kustomize wrote. */
export function dataKeys(object: K8sObject): string[] {
  return [...Object.keys((object.data as object | undefined) ?? {}), ...Object.keys((object.stringData as object | undefined) ?? {})];
}

/** A Secret's value, decoded from `data` (base64) or read from `stringData`. */
export function secretValue(secret: K8sObject, key: string): string | undefined {
  const stringValue = (secret.stringData as Record<string, string> | undefined)?.[key];
  if (stringValue !== undefined) return stringValue;
  const encoded = (secret.data as Record<string, string> | undefined)?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/** Requests and limits for CPU and memory, a request never above its limit. */
export function resourceProblems(where: string, container: IContainer, memoryRequestEqualsLimit = false): string[] {
  const problems: string[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    const request = parseQuantity(resource, container.resources?.requests?.[resource]);
    const limit = parseQuantity(resource, container.resources?.limits?.[resource]);
    if (request === undefined) problems.push(`${where}: no ${resource} request`);
    if (limit === undefined) problems.push(`${where}: no ${resource} limit`);
    if (request !== undefined && limit !== undefined && request > limit) problems.push(`${where}: ${resource} request exceeds its limit`);
    if (resource === 'memory' && memoryRequestEqualsLimit && request !== limit) problems.push(`${where}: memory request must equal the limit`);
  }
  return problems;
}
