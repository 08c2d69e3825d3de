import { parse } from 'yaml';
import { configEnvNames } from './config-env-names';
import { readDeployManifest, readRepoFile, npmScriptCommand } from './deploy-manifest';
import { imageUser, parseDockerfile } from './dockerfile';
import type { DeployFacts } from './k8s-process-conventions';
import { dataKeys } from './k8s-objects';
import type { K8sObject } from './render-kustomization';

export const SECRET_TEMPLATE = 'deploy/k8s/base/secret.template.yaml';

export function readSecretTemplate(): K8sObject {
  return parse(readRepoFile(SECRET_TEMPLATE)) as K8sObject;
}

/** What the manifests are checked against, read from the files that own each fact. */
export function readDeployFacts(): DeployFacts {
  const manifest = readDeployManifest();
  const migrate = manifest.jobs.find((job) => job.name === 'migrate');
  const user = imageUser(parseDockerfile(readRepoFile('Dockerfile')));
  if (migrate === undefined) throw new Error('deploy/services.json has no migrate job');
  if (user === undefined) throw new Error('the Dockerfile has no numeric USER');
  const secret = readSecretTemplate();
  return {
    manifest,
    env: configEnvNames(),
    imageUser: user,
    migrateCommand: npmScriptCommand(migrate.npmScript),
    externalSecret: { name: secret.metadata.name, keys: dataKeys(secret) },
  };
}
