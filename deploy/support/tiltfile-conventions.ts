import { INFRASTRUCTURE_SERVERS, type DeployManifest } from './deploy-manifest';

export interface ImageFacts {
  /** WORKDIR of the final stage: where live update syncs to. */
  workdir: string;
  finalStage: string | undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const quoted = (text: string): string => `['"]${escape(text)}['"]`;

/**
 * The Tiltfile deploys the dev overlay, builds the final stage of the Dockerfile, live-updates
 * services/ and libs/ into its WORKDIR, takes the processes from deploy/services.json and
 * starts them after the migrate job.
 */
export function tiltfileProblems(tiltfile: string, manifest: DeployManifest, image: ImageFacts): string[] {
  const problems: string[] = [];
  const has = (pattern: string): boolean => new RegExp(pattern).test(tiltfile);
  if (!has(`k8s_yaml\\(\\s*kustomize\\(\\s*${quoted('deploy/k8s/overlays/dev')}\\s*\\)\\s*\\)`)) problems.push("k8s_yaml(kustomize('deploy/k8s/overlays/dev')) is missing");
  if (!has(`read_json\\(\\s*${quoted('deploy/services.json')}\\s*\\)`)) problems.push('the Tiltfile must read the processes from deploy/services.json');
  if (!has('docker_build\\(')) problems.push('no docker_build');
  if (image.finalStage === undefined || !has(`target\\s*=\\s*${quoted(image.finalStage)}`)) problems.push(`docker_build must build the final stage (${image.finalStage})`);
  if (!has('live_update\\s*=')) problems.push('docker_build has no live_update');
  for (const dir of ['services', 'libs']) {
    if (!has(`sync\\(\\s*${quoted(dir)}\\s*,\\s*${quoted(`${image.workdir}/${dir}`)}\\s*\\)`)) problems.push(`live_update must sync ${dir}/ to ${image.workdir}/${dir}`);
  }
  if (!has(`fall_back_on\\(`) || !tiltfile.includes('package-lock.json')) problems.push('a dependency change must fall back to a full build (fall_back_on package.json, package-lock.json)');
  for (const job of manifest.jobs) {
    if (!has(`k8s_resource\\(\\s*${quoted(job.name)}`)) problems.push(`no k8s_resource for the ${job.name} job`);
    if (!has(`resource_deps\\s*=\\s*\\[\\s*${quoted(job.name)}`)) problems.push(`the processes must have resource_deps on ${job.name}`);
  }
  if (!has(`for\\s+process\\s+in\\s+processes`) || !has(`k8s_resource\\(\\s*process\\[['"]name['"]\\]`)) problems.push('one k8s_resource per process of deploy/services.json');
  if (!has('port_forwards\\s*=')) problems.push('no port_forwards');
  for (const label of ['infra', 'pipeline']) if (!has(`labels\\s*=\\s*\\[\\s*${quoted(label)}\\s*\\]`)) problems.push(`no resources labelled ${label}`);
  for (const server of INFRASTRUCTURE_SERVERS) if (!has(quoted(server))) problems.push(`no k8s_resource for ${server}`);
  return problems;
}
