import { beforeAll, describe, expect, it } from 'vitest';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { configurationProblems, infrastructureProblems, inventoryProblems, namespaceProblems, networkPolicyProblems } from './support/k8s-cluster-conventions';
import { readDeployFacts } from './support/deploy-facts';
import { containersOf, findObject, podTemplateOf } from './support/k8s-objects';
import { migrateJobProblems, processProblems, type OverlayExpectations } from './support/k8s-process-conventions';
import { schemaProblems } from './support/kubernetes-schemas';
import { renderKustomization, type K8sObject } from './support/render-kustomization';

type OverlayName = 'dev' | 'prod';

const OVERLAYS: Record<OverlayName, OverlayExpectations & { bringsInfrastructure: boolean }> = {
  dev: { name: 'dev', redundant: false, memoryRequestEqualsLimit: false, bringsInfrastructure: true },
  prod: { name: 'prod', redundant: true, memoryRequestEqualsLimit: true, bringsInfrastructure: false },
};

const facts = readDeployFacts();
const rendered = {} as Record<OverlayName, K8sObject[]>;

beforeAll(async () => {
  const [dev, prod] = await Promise.all([renderKustomization('deploy/k8s/overlays/dev'), renderKustomization('deploy/k8s/overlays/prod')]);
  rendered.dev = dev;
  rendered.prod = prod;
});

/** Every convention at once, as one list of problems. */
function allProblems(objects: K8sObject[], overlayName: OverlayName): string[] {
  const overlay = OVERLAYS[overlayName];
  return [
    ...schemaProblems(objects),
    ...processProblems(objects, facts, overlay),
    ...migrateJobProblems(objects, facts, overlay),
    ...inventoryProblems(objects, facts, overlay),
    ...infrastructureProblems(objects, overlay, overlay.bringsInfrastructure),
    ...configurationProblems(objects, facts, overlay.bringsInfrastructure),
    ...networkPolicyProblems(objects, facts),
    ...namespaceProblems(objects),
  ];
}

describe.each(['dev', 'prod'] as const)('kubectl kustomize deploy/k8s/overlays/%s', (overlayName) => {
  const overlay = OVERLAYS[overlayName];
  const objects = (): K8sObject[] => rendered[overlayName];

  it('renders only objects the Kubernetes schemas accept', () => {
    expect(objects().length).toBeGreaterThan(0);
    expect(schemaProblems(objects())).toEqual([]);
  });

  it('gives every process its probes, limits, a locked-down container, a Service, a PDB and its replicas', () => {
    expect(processProblems(objects(), facts, overlay)).toEqual([]);
  });

  it('runs npm run db:migrate once, as a Job', () => {
    expect(migrateJobProblems(objects(), facts, overlay)).toEqual([]);
  });

  it('deploys exactly the processes of deploy/services.json, from one hexbase image', () => {
    expect(inventoryProblems(objects(), facts, overlay)).toEqual([]);
  });

  it(overlay.bringsInfrastructure ? 'brings PostgreSQL, Redis and RabbitMQ with probes' : 'runs no PostgreSQL, Redis or RabbitMQ of its own', () => {
    expect(infrastructureProblems(objects(), overlay, overlay.bringsInfrastructure)).toEqual([]);
  });

  it('keeps the URLs with credentials in the Secret, apart from the ConfigMap', () => {
    expect(configurationProblems(objects(), facts, overlay.bringsInfrastructure)).toEqual([]);
  });

  it('denies ingress except between Hexbase pods and metrics scrapes', () => {
    expect(networkPolicyProblems(objects(), facts)).toEqual([]);
  });

  it('puts everything in the hexbase namespace under the restricted Pod Security Standard', () => {
    expect(namespaceProblems(objects())).toEqual([]);
  });
});

function deployment(objects: K8sObject[], name: string): K8sObject & IDeployment {
  const found = findObject<IDeployment>(objects, 'Deployment', name);
  if (found === undefined) throw new Error(`no Deployment ${name}`);
  return found;
}

function app(objects: K8sObject[], name = 'records') {
  return podTemplateOf(deployment(objects, name))!.spec!.containers[0]!;
}

function without(objects: K8sObject[], kind: string, name: string): void {
  objects.splice(
    objects.findIndex((object) => object.kind === kind && object.metadata.name === name),
    1,
  );
}

type Mutation = [description: string, overlay: OverlayName, mutate: (objects: K8sObject[]) => void, expected: RegExp];

const MUTATIONS: Mutation[] = [
  ['a readiness probe on /health/live', 'prod', (o) => void (app(o).readinessProbe!.httpGet!.path = '/health/live'), /readinessProbe must GET \/health\/ready/],
  ['a liveness probe on another port', 'prod', (o) => void (app(o).livenessProbe!.httpGet!.port = 9999), /livenessProbe port 9999/],
  ['no startup probe', 'dev', (o) => void delete app(o).startupProbe, /no startupProbe/],
  ['no memory limit', 'prod', (o) => void delete app(o).resources!.limits!.memory, /no memory limit/],
  ['a memory request below the limit in prod', 'prod', (o) => void (app(o).resources!.requests!.memory = '128Mi'), /memory request must equal the limit/],
  ['a writable root filesystem', 'prod', (o) => void (app(o).securityContext!.readOnlyRootFilesystem = false), /readOnlyRootFilesystem/],
  ['privilege escalation', 'dev', (o) => void (app(o).securityContext!.allowPrivilegeEscalation = true), /allowPrivilegeEscalation/],
  ['running as root', 'prod', (o) => void (podTemplateOf(deployment(o, 'records'))!.spec!.securityContext!.runAsUser = 0), /runAsUser 0/],
  ['an init container without limits', 'dev', (o) => void delete podTemplateOf(deployment(o, 'records'))!.spec!.initContainers![0]!.resources, /copy-source: no cpu request/],
  ['no preStop sleep', 'prod', (o) => void delete app(o).lifecycle, /no preStop sleep/],
  ['too short a grace period', 'dev', (o) => void (podTemplateOf(deployment(o, 'event-store'))!.spec!.terminationGracePeriodSeconds = 30), /terminationGracePeriodSeconds 30/],
  ['a command that replaces tini', 'prod', (o) => void (app(o).command = ['node']), /tini/],
  ['another entry file', 'prod', (o) => void (app(o).args = ['node', '--import', 'tsx', 'services/records/src/other.ts']), /do not run services\/records\/src\/main.ts/],
  ['no PodDisruptionBudget', 'prod', (o) => without(o, 'PodDisruptionBudget', 'records'), /records: 0 PodDisruptionBudgets/],
  ['no autoscaler in prod', 'prod', (o) => without(o, 'HorizontalPodAutoscaler', 'event-store'), /event-store: no HorizontalPodAutoscaler in prod/],
  ['a single relay in prod', 'prod', (o) => void (deployment(o, 'records-relay').spec!.replicas = 1), /records-relay: 1 replica/],
  ['no Service', 'dev', (o) => without(o, 'Service', 'event-store'), /event-store: no Service/],
  ['an image outside hexbase/', 'prod', (o) => void (app(o).image = 'other/server:1.0.0'), /image other\/server:1.0.0/],
  ['the dev tag in prod', 'prod', (o) => containersOf(deployment(o, 'records')).concat(containersOf(deployment(o, 'event-store'))).forEach((c) => (c.image = 'hexbase/server:dev')), /more than one tag|pin a release tag/],
  ['a variable no code reads', 'dev', (o) => void app(o).env!.push({ name: 'RECORDS_PROT', value: '1' }), /RECORDS_PROT is set but no code reads it/],
  ['a variable the config lib reads, missing', 'prod', (o) => void delete (o.find((x) => x.kind === 'ConfigMap')!.data as Record<string, string>).HEXBASE_EXCHANGE, /HEXBASE_EXCHANGE is not set/],
  ['a credential in the ConfigMap', 'dev', (o) => void ((o.find((x) => x.kind === 'ConfigMap')!.data as Record<string, string>).DATABASE_URL = 'postgresql://x'), /carries credentials/],
  ['no migrate job', 'prod', (o) => without(o, 'Job', 'migrate'), /migrate: no Job/],
  ['a planned service deployed', 'prod', (o) => void o.push({ ...structuredClone(deployment(o, 'records')), metadata: { name: 'gateway', namespace: 'hexbase' } }), /planned service gateway/],
  ['PostgreSQL in prod', 'prod', (o) => void o.push(structuredClone(rendered.dev.find((x) => x.kind === 'StatefulSet' && x.metadata.name === 'postgres')!)), /prod must not run postgres/],
  ['no RabbitMQ in dev', 'dev', (o) => without(o, 'StatefulSet', 'rabbitmq'), /no workload named rabbitmq/],
  ['no default deny', 'prod', (o) => without(o, 'NetworkPolicy', 'default-deny-ingress'), /no default-deny/],
  ['a rule that admits everyone', 'prod', (o) => void (o.find((x) => x.metadata.name === 'allow-from-hexbase')!.spec as { ingress: object[] }).ingress.push({}), /without "from" admits every source/],
  ['an object in another namespace', 'dev', (o) => void (deployment(o, 'records').metadata.namespace = 'default'), /not hexbase/],
  ['a field the schema rejects', 'prod', (o) => void ((app(o).ports![0] as { containerPort: unknown }).containerPort = 'http'), /containerPort must be integer/],
];

describe('the checks report a broken manifest', () => {
  it.each(MUTATIONS)('%s', (_description, overlayName, mutate, expected) => {
    const objects = structuredClone(rendered[overlayName]);
    mutate(objects);
    expect(allProblems(objects, overlayName)).toContainEqual(expect.stringMatching(expected));
  });
});
