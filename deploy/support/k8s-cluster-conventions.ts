import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { INFRASTRUCTURE_SERVERS } from './deploy-manifest';
import { containersOf, dataKeys, findObject, objectsOfKind, podTemplateOf, resourceProblems, secretValue, selects, WORKLOAD_KINDS } from './k8s-objects';
import type { DeployFacts, OverlayExpectations } from './k8s-process-conventions';
import type { K8sObject } from './render-kustomization';

const NAMESPACE = 'hexbase';
const PART_OF = 'app.kubernetes.io/part-of';
const INFRASTRUCTURE_IMAGE: Record<string, RegExp> = { postgres: /^postgres:/, redis: /^redis:/, rabbitmq: /^rabbitmq:/ };
const CREDENTIAL_URLS = ['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL'];

function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((object) => WORKLOAD_KINDS.has(object.kind));
}

/**
 * The workloads running hexbase/server are exactly the processes and jobs of
 * deploy/services.json, each image is `hexbase/<image>:<tag>` with one tag per overlay, and
 * nothing is deployed for a planned service.
 */
export function inventoryProblems(objects: K8sObject[], facts: DeployFacts, overlay: OverlayExpectations): string[] {
  const { manifest } = facts;
  const problems: string[] = [];
  const expected = new Set([...manifest.processes, ...manifest.jobs].map((item) => item.name));
  const tags = new Set<string>();
  for (const workload of workloads(objects)) {
    const where = `${workload.kind}/${workload.metadata.name}`;
    const listed = expected.has(workload.metadata.name);
    if (!listed && containersOf(workload).some((container) => container.image?.startsWith('hexbase/'))) problems.push(`${where} runs a Hexbase image but is not in deploy/services.json`);
    if (!listed) continue;
    for (const container of containersOf(workload)) {
      const match = /^(hexbase\/[a-z0-9-]+):([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(container.image ?? '');
      if (match === null || match[1] !== manifest.image) problems.push(`${where}: image ${container.image} is not ${manifest.image}:<tag>`);
      else tags.add(match[2]!);
    }
  }
  for (const name of expected) {
    if (!workloads(objects).some((workload) => workload.metadata.name === name)) problems.push(`${name}: listed in deploy/services.json but not deployed`);
  }
  if (tags.size > 1) problems.push(`more than one tag of ${manifest.image}: ${[...tags].join(', ')}`);
  if (overlay.redundant && [...tags].some((tag) => ['latest', 'dev'].includes(tag))) problems.push(`${overlay.name} must pin a release tag, not ${[...tags].join(', ')}`);

  for (const planned of manifest.planned) {
    for (const object of objects) {
      if (object.metadata.name === planned.name) problems.push(`${object.kind}/${planned.name} deploys the planned service ${planned.name}, which has no entry file yet`);
    }
  }
  return problems;
}

/** dev brings PostgreSQL, Redis and RabbitMQ with probes; prod uses external ones only. */
export function infrastructureProblems(objects: K8sObject[], overlay: OverlayExpectations, bringsInfrastructure: boolean): string[] {
  const problems: string[] = [];
  for (const server of INFRASTRUCTURE_SERVERS) {
    const image = INFRASTRUCTURE_IMAGE[server]!;
    const found = workloads(objects).filter((workload) => containersOf(workload).some((container) => image.test(container.image ?? '')));
    if (!bringsInfrastructure) {
      for (const workload of found) problems.push(`${overlay.name} must not run ${server} (${workload.kind}/${workload.metadata.name}): production uses a managed server`);
      continue;
    }
    const workload = found.find((candidate) => candidate.metadata.name === server);
    if (workload === undefined) {
      problems.push(`${overlay.name}: no workload named ${server}`);
      continue;
    }
    if (findObject(objects, 'Service', server) === undefined) problems.push(`${overlay.name}: no Service ${server}`);
    for (const container of containersOf(workload)) {
      if (!container.livenessProbe || !container.readinessProbe) problems.push(`${server}: container ${container.name} needs liveness and readiness probes`);
      problems.push(...resourceProblems(`${server} container ${container.name}`, container));
    }
    if (workload.metadata.labels?.[PART_OF] !== 'hexbase') problems.push(`${server}: not labelled ${PART_OF}=hexbase, so the network policies shut it off`);
  }
  return problems;
}

/**
 * The non-secret configuration is in a ConfigMap, URLs with credentials only in a Secret;
 * in dev the Secret's URLs point at Services that exist.
 */
export function configurationProblems(objects: K8sObject[], facts: DeployFacts, bringsInfrastructure: boolean): string[] {
  const problems: string[] = [];
  for (const configMap of objectsOfKind(objects, 'ConfigMap')) {
    for (const key of dataKeys(configMap)) if (CREDENTIAL_URLS.includes(key)) problems.push(`ConfigMap/${configMap.metadata.name}: ${key} carries credentials; it belongs in the Secret`);
  }
  const secrets = objectsOfKind(objects, 'Secret').filter((secret) => secret.metadata.name.startsWith(facts.externalSecret.name));
  if (!bringsInfrastructure && secrets.length > 0) problems.push(`the production overlay must not render ${facts.externalSecret.name}: it is created out of band and would be overwritten`);
  for (const secret of secrets) {
    const keys = dataKeys(secret).sort();
    if (JSON.stringify(keys) !== JSON.stringify([...facts.externalSecret.keys].sort())) problems.push(`Secret/${secret.metadata.name} keys ${keys.join(', ')} differ from secret.template.yaml`);
    for (const key of CREDENTIAL_URLS) {
      const host = new URL(secretValue(secret, key) ?? 'invalid:').hostname;
      if (findObject(objects, 'Service', host) === undefined) problems.push(`Secret/${secret.metadata.name}: ${key} points at ${host}, which is no Service here`);
    }
  }
  return problems;
}

/**
 * Ingress is denied by default; a Hexbase pod admits other Hexbase pods, and namespaces
 * (the monitoring one) only on its HTTP port. No rule admits everyone or an IP range.
 */
export function networkPolicyProblems(objects: K8sObject[], facts: DeployFacts): string[] {
  const policies = objectsOfKind<INetworkPolicy>(objects, 'NetworkPolicy');
  const problems: string[] = [];
  const denyAll = policies.some(
    (policy) =>
      Object.keys(policy.spec?.podSelector?.matchLabels ?? {}).length === 0 &&
      !policy.spec?.podSelector?.matchExpressions?.length &&
      policy.spec?.policyTypes?.includes('Ingress') &&
      !policy.spec?.ingress?.length,
  );
  if (!denyAll) problems.push('no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules)');

  for (const process of facts.manifest.processes) {
    const deployment = findObject(objects, 'Deployment', process.name);
    const podLabels = podTemplateOf(deployment ?? ({} as K8sObject))?.metadata?.labels;
    const applying = policies.filter((policy) => selects(policy.spec?.podSelector?.matchLabels, podLabels));
    let fromHexbase = false;
    for (const policy of applying) {
      for (const rule of policy.spec?.ingress ?? []) {
        const where = `NetworkPolicy/${policy.metadata?.name} on ${process.name}`;
        if (!rule.from?.length) {
          problems.push(`${where}: a rule without "from" admits every source`);
          continue;
        }
        for (const peer of rule.from) {
          if (peer.ipBlock) problems.push(`${where}: admits an IP range`);
          else if (peer.namespaceSelector) {
            const onlyHttp = rule.ports?.length && rule.ports.every((port) => port.port === 'http' || port.port === process.port);
            if (!onlyHttp) problems.push(`${where}: admits other namespaces beyond the HTTP port`);
          } else if (peer.podSelector?.matchLabels?.[PART_OF] === 'hexbase') fromHexbase = true;
          else problems.push(`${where}: admits pods that are not part of hexbase`);
        }
      }
    }
    if (!fromHexbase) problems.push(`${process.name}: no NetworkPolicy admits traffic from other Hexbase pods`);
  }
  return problems;
}

/** Everything in the hexbase namespace, which enforces the restricted Pod Security Standard. */
export function namespaceProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const namespace = findObject(objects, 'Namespace', NAMESPACE);
  if (namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce'] !== 'restricted') problems.push(`Namespace ${NAMESPACE} must enforce the restricted Pod Security Standard`);
  for (const object of objects) {
    if (object.kind !== 'Namespace' && object.metadata.namespace !== NAMESPACE) problems.push(`${object.kind}/${object.metadata.name} is in namespace ${object.metadata.namespace}, not ${NAMESPACE}`);
  }
  return problems;
}
