import { describe, expect, it } from 'vitest';
import { readDeployManifest, readRepoFile } from './support/deploy-manifest';
import { imageWorkdir, parseDockerfile } from './support/dockerfile';
import { tiltfileProblems, type ImageFacts } from './support/tiltfile-conventions';

const manifest = readDeployManifest();
const tiltfile = readRepoFile('Tiltfile');
const stages = parseDockerfile(readRepoFile('Dockerfile'));
const image: ImageFacts = { workdir: imageWorkdir(stages) ?? '/', finalStage: stages.at(-1)?.name };

describe('Tiltfile', () => {
  it('deploys the dev overlay and live-updates services/ and libs/ into the final stage of the image', () => {
    expect(tiltfileProblems(tiltfile, manifest, image)).toEqual([]);
  });

  it.each([
    ['another overlay', ["kustomize('deploy/k8s/overlays/dev')", "kustomize('deploy/k8s/overlays/prod')"], /overlays\/dev/],
    ['no live update', ['live_update=', 'live_updates='], /no live_update/],
    ['a sync to the wrong directory', ["sync('libs', '/app/libs')", "sync('libs', '/srv/libs')"], /sync libs\//],
    ['processes that do not wait for migrate', ["resource_deps=['migrate']", 'resource_deps=['], /resource_deps on migrate/],
    ['a hand-kept process list', ["read_json('deploy/services.json')", "{'processes': []}"], /deploy\/services.json/],
  ] as const)('reports %s', (_description, [from, to], expected) => {
    expect(tiltfile).toContain(from);
    expect(tiltfileProblems(tiltfile.replace(from, to), manifest, image)).toContainEqual(expect.stringMatching(expected));
  });
});
