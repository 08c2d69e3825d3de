import { isDeepStrictEqual } from 'node:util';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import { envProblems, MIGRATE_ENV_NAMES, processEnvNames, type ConfigEnvNames } from './config-env-names';
import { processCommand, type DeployManifest, type DeployedProcess } from './deploy-manifest';
import { containersOf, dataKeys, findObject, objectsOfKind, podTemplateOf, resolvePort, resourceProblems, selects } from './k8s-objects';
import type { K8sObject } from './render-kustomization';

/** What an overlay promises about its processes. */
export interface OverlayExpectations {
  name: string;
  /** Autoscalers for the `autoscale` processes and two or more replicas of the others. */
  redundant: boolean;
  /** Memory requests equal limits (no overcommit). */
  memoryRequestEqualsLimit: boolean;
}

export interface DeployFacts {
  manifest: DeployManifest;
  env: ConfigEnvNames;
  /** The numeric USER of the image: pods must run as it (tsx needs its passwd entry). */
  imageUser: number;
  /** `npm run db:migrate`, as the command it runs. */
  migrateCommand: string[];
  /** The Secret created out of band (secret.template.yaml): its name and keys. */
  externalSecret: { name: string; keys: string[] };
}

const DEV_ONLY_FLAGS = new Set(['--watch']);
/** After SIGTERM a process drains and exits within 30 s (the shutdown timeout of libs/http). */
const PROCESS_SHUTDOWN_SECONDS = 30;

export function processProblems(objects: K8sObject[], facts: DeployFacts, overlay: OverlayExpectations): string[] {
  return facts.manifest.processes.flatMap((process) => {
    const deployment = findObject<IDeployment>(objects, 'Deployment', process.name);
    if (deployment === undefined) return [`${process.name}: no Deployment`];
    return [
      ...podProblems(`Deployment/${process.name}`, deployment, objects, facts, overlay),
      ...containerCommandProblems(process, deployment),
      ...probeProblems(process, deployment),
      ...shutdownProblems(process.name, podTemplateOf(deployment)?.spec),
      ...labelProblems(`Deployment/${process.name}`, deployment, process.name, process.component),
      ...envProblems(`Deployment/${process.name}`, providedEnv(deployment, objects, facts), processEnvNames(facts.env, process.portEnv), facts.env),
      ...portEnvProblems(process, deployment),
      ...serviceProblems(process, deployment, objects),
      ...disruptionBudgetProblems(process.name, deployment, objects),
      ...replicaProblems(process, deployment, objects, overlay),
    ];
  });
}

export function migrateJobProblems(objects: K8sObject[], facts: DeployFacts, overlay: OverlayExpectations): string[] {
  return facts.manifest.jobs.flatMap((job) => {
    const resource = findObject<IJob>(objects, 'Job', job.name);
    if (resource === undefined) return [`${job.name}: no Job`];
    const where = `Job/${job.name}`;
    const app = appContainer(resource);
    const problems = [
      ...podProblems(where, resource, objects, facts, overlay),
      ...labelProblems(where, resource, job.name, job.component),
      ...envProblems(where, providedEnv(resource, objects, facts), MIGRATE_ENV_NAMES, facts.env),
    ];
    if (app?.command !== undefined) problems.push(`${where}: sets command, which replaces the image's tini entrypoint; use args`);
    if (!isDeepStrictEqual(app?.args, facts.migrateCommand)) problems.push(`${where}: args ${JSON.stringify(app?.args)} are not npm run ${job.npmScript} (${facts.migrateCommand.join(' ')})`);
    const spec = resource.spec;
    if (!['Never', 'OnFailure'].includes(spec?.template.spec?.restartPolicy ?? '')) problems.push(`${where}: restartPolicy must be Never or OnFailure`);
    if (spec?.backoffLimit === undefined) problems.push(`${where}: no backoffLimit`);
    return problems;
  });
}

function appContainer(workload: K8sObject): IContainer | undefined {
  return podTemplateOf(workload)?.spec?.containers.find((container) => container.name === 'app');
}

/** Security, resources, /tmp and service-account settings every Hexbase pod shares. */
function podProblems(where: string, workload: K8sObject, objects: K8sObject[], facts: DeployFacts, overlay: OverlayExpectations): string[] {
  const pod = podTemplateOf(workload)?.spec;
  if (pod === undefined) return [`${where}: no pod template`];
  const problems: string[] = [];
  if (appContainer(workload) === undefined) problems.push(`${where}: no container named app`);
  if (pod.automountServiceAccountToken !== false) problems.push(`${where}: automountServiceAccountToken must be false (no pod talks to the API server)`);
  if (pod.enableServiceLinks !== false) problems.push(`${where}: enableServiceLinks must be false (a Service named records would inject RECORDS_PORT=tcp://...)`);
  for (const container of containersOf(workload)) {
    problems.push(...containerSecurityProblems(`${where} container ${container.name}`, container, pod, facts.imageUser));
    problems.push(...resourceProblems(`${where} container ${container.name}`, container, overlay.memoryRequestEqualsLimit));
  }
  const app = appContainer(workload);
  const tmp = app?.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
  const tmpVolume = pod.volumes?.find((volume) => volume.name === tmp?.name);
  if (tmpVolume?.emptyDir === undefined) problems.push(`${where}: /tmp must be an emptyDir (tsx caches there; the root filesystem is read-only)`);
  for (const ref of app?.envFrom ?? []) {
    const name = ref.configMapRef?.name ?? ref.secretRef?.name;
    const kind = ref.configMapRef ? 'ConfigMap' : 'Secret';
    if (name !== undefined && findObject(objects, kind, name) === undefined && name !== facts.externalSecret.name) {
      problems.push(`${where}: envFrom ${kind} ${name} is not rendered`);
    }
  }
  return problems;
}

function containerSecurityProblems(where: string, container: IContainer, pod: IPodSpec, imageUser: number): string[] {
  const own = container.securityContext;
  const shared = pod.securityContext;
  const problems: string[] = [];
  if ((own?.runAsNonRoot ?? shared?.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot is not true`);
  const user = own?.runAsUser ?? shared?.runAsUser;
  if (user !== imageUser) problems.push(`${where}: runAsUser ${user} is not the image's user ${imageUser}`);
  if (own?.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`);
  if (own?.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
  if (!own?.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities do not drop ALL`);
  if ((own?.seccompProfile ?? shared?.seccompProfile)?.type !== 'RuntimeDefault') problems.push(`${where}: seccompProfile is not RuntimeDefault`);
  return problems;
}

function containerCommandProblems(process: DeployedProcess, deployment: K8sObject): string[] {
  const app = appContainer(deployment);
  const problems: string[] = [];
  if (app?.command !== undefined) problems.push(`${process.name}: sets command, which replaces the image's tini entrypoint; use args`);
  const args = (app?.args ?? []).filter((arg) => !DEV_ONLY_FLAGS.has(arg));
  if (!isDeepStrictEqual(args, processCommand(process))) problems.push(`${process.name}: args ${JSON.stringify(app?.args)} do not run ${process.entry}`);
  return problems;
}

function probeProblems(process: DeployedProcess, deployment: K8sObject): string[] {
  const app = appContainer(deployment);
  const problems: string[] = [];
  if (!app?.ports?.some((port) => port.containerPort === process.port)) problems.push(`${process.name}: no container port ${process.port}`);
  const expected: [string, IProbe | undefined, string][] = [
    ['startupProbe', app?.startupProbe, '/health/live'],
    ['livenessProbe', app?.livenessProbe, '/health/live'],
    ['readinessProbe', app?.readinessProbe, '/health/ready'],
  ];
  for (const [name, probe, path] of expected) {
    if (probe === undefined) {
      problems.push(`${process.name}: no ${name}`);
      continue;
    }
    if (probe.httpGet?.path !== path) problems.push(`${process.name}: ${name} must GET ${path}, not ${probe.httpGet?.path}`);
    const port = resolvePort(probe.httpGet?.port, app);
    if (port !== process.port) problems.push(`${process.name}: ${name} port ${probe.httpGet?.port} is not the container port ${process.port}`);
  }
  const startup = app?.startupProbe;
  if (startup && (startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3) < 30) problems.push(`${process.name}: startupProbe allows less than 30 s to start`);
  return problems;
}

function shutdownProblems(name: string, pod: IPodSpec | undefined): string[] {
  const app = pod?.containers.find((container) => container.name === 'app');
  const preStop = app?.lifecycle?.preStop;
  const command = preStop?.exec?.command;
  const sleepSeconds = preStop?.sleep?.seconds ?? (command?.[0] === 'sleep' ? Number(command[1]) : undefined);
  const grace = pod?.terminationGracePeriodSeconds ?? 30;
  if (sleepSeconds === undefined || !(sleepSeconds > 0)) return [`${name}: no preStop sleep (endpoints must be removed before SIGTERM)`];
  if (grace < sleepSeconds + PROCESS_SHUTDOWN_SECONDS) return [`${name}: terminationGracePeriodSeconds ${grace} leaves under ${PROCESS_SHUTDOWN_SECONDS} s to drain after the ${sleepSeconds} s preStop`];
  return [];
}

function labelProblems(where: string, workload: K8sObject, name: string, component: string): string[] {
  const expected = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component, 'app.kubernetes.io/part-of': 'hexbase' };
  const problems: string[] = [];
  if (!selects(expected, workload.metadata.labels)) problems.push(`${where}: labels ${JSON.stringify(workload.metadata.labels)} lack ${JSON.stringify(expected)}`);
  if (workload.metadata.labels?.['app.kubernetes.io/managed-by'] === undefined) problems.push(`${where}: no app.kubernetes.io/managed-by label`);
  if (!selects(expected, podTemplateOf(workload)?.metadata?.labels)) problems.push(`${where}: pod labels lack ${JSON.stringify(expected)}`);
  return problems;
}

/** Every variable the app container gets: its env, and the keys of the ConfigMaps and Secrets it loads. */
function providedEnv(workload: K8sObject, objects: K8sObject[], facts: DeployFacts): string[] {
  const app = appContainer(workload);
  const names = (app?.env ?? []).map((variable) => variable.name);
  for (const ref of app?.envFrom ?? []) {
    if (ref.configMapRef?.name) names.push(...dataKeys(findObject(objects, 'ConfigMap', ref.configMapRef.name) ?? ({} as K8sObject)));
    if (ref.secretRef?.name) {
      const secret = findObject(objects, 'Secret', ref.secretRef.name);
      names.push(...(secret ? dataKeys(secret) : ref.secretRef.name === facts.externalSecret.name ? facts.externalSecret.keys : []));
    }
  }
  return names;
}

function portEnvProblems(process: DeployedProcess, deployment: K8sObject): string[] {
  const value = appContainer(deployment)?.env?.find((variable) => variable.name === process.portEnv)?.value;
  return value === String(process.port) ? [] : [`${process.name}: ${process.portEnv} is ${JSON.stringify(value)}, not "${process.port}"`];
}

function serviceProblems(process: DeployedProcess, deployment: K8sObject, objects: K8sObject[]): string[] {
  const service = findObject<IService>(objects, 'Service', process.name);
  if (service === undefined) return [`${process.name}: no Service`];
  const problems: string[] = [];
  if (!selects(service.spec?.selector, podTemplateOf(deployment)?.metadata?.labels)) problems.push(`Service/${process.name}: selector does not select the Deployment's pods`);
  const port = service.spec?.ports?.find((candidate) => candidate.port === process.port);
  if (port === undefined) problems.push(`Service/${process.name}: no port ${process.port}`);
  else if (resolvePort(port.targetPort ?? port.port, appContainer(deployment)) !== process.port) problems.push(`Service/${process.name}: targetPort is not the container port`);
  return problems;
}

function disruptionBudgetProblems(name: string, deployment: K8sObject, objects: K8sObject[]): string[] {
  const podLabels = podTemplateOf(deployment)?.metadata?.labels;
  const budgets = objectsOfKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').filter((budget) => selects(budget.spec?.selector?.matchLabels, podLabels));
  if (budgets.length !== 1) return [`${name}: ${budgets.length} PodDisruptionBudgets select its pods (want exactly 1)`];
  const spec = budgets[0]!.spec;
  // minAvailable would block every node drain of a one-replica process; maxUnavailable never does.
  if (spec?.maxUnavailable === undefined || spec.maxUnavailable === 0 || spec.maxUnavailable === '0%') return [`${name}: its PodDisruptionBudget must set a non-zero maxUnavailable`];
  return [];
}

function replicaProblems(process: DeployedProcess, deployment: K8sObject & IDeployment, objects: K8sObject[], overlay: OverlayExpectations): string[] {
  const autoscalers = objectsOfKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').filter(
    (hpa) => hpa.spec?.scaleTargetRef.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === process.name,
  );
  const replicas = deployment.spec?.replicas;
  const problems: string[] = [];
  if (overlay.redundant && process.autoscale) {
    const hpa = autoscalers[0]?.spec;
    if (autoscalers.length !== 1 || hpa === undefined) problems.push(`${process.name}: no HorizontalPodAutoscaler in ${overlay.name}`);
    else {
      if ((hpa.minReplicas ?? 1) < 2) problems.push(`${process.name}: autoscaler minReplicas must be 2 or more in ${overlay.name}`);
      if (hpa.maxReplicas < (hpa.minReplicas ?? 1) || !hpa.metrics?.length) problems.push(`${process.name}: autoscaler needs metrics and maxReplicas >= minReplicas`);
    }
    if (replicas !== undefined) problems.push(`${process.name}: spec.replicas fights the autoscaler; leave it unset`);
  } else {
    if (autoscalers.length > 0) problems.push(`${process.name}: unexpected HorizontalPodAutoscaler in ${overlay.name}`);
    if (overlay.redundant && (replicas ?? 1) < 2) problems.push(`${process.name}: ${replicas ?? 1} replica(s) in ${overlay.name}; a standby needs 2`);
    if (!overlay.redundant && (replicas ?? 1) !== 1) problems.push(`${process.name}: ${replicas} replicas in ${overlay.name}; want 1`);
  }
  return problems;
}
