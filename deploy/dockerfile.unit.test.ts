import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRepoFile, repoPath } from './support/deploy-manifest';
import { contextSources, dockerfileProblems, dockerignoreExcludes, imageUser, parseDockerfile } from './support/dockerfile';

const dockerfile = readRepoFile('Dockerfile');
const dockerignore = readRepoFile('.dockerignore');

describe('Dockerfile', () => {
  it('builds a multi-stage Node 20 image whose final stage has production dependencies only and runs as a numeric non-root user under tini', () => {
    expect(dockerfileProblems(parseDockerfile(dockerfile))).toEqual([]);
    expect(imageUser(parseDockerfile(dockerfile))).toBeGreaterThan(0);
  });

  const replace = (from: string | RegExp, to: string): string => {
    const changed = dockerfile.replace(from, to);
    if (changed === dockerfile) throw new Error(`the Dockerfile no longer contains ${from}`);
    return changed;
  };
  const finalStage = dockerfile.lastIndexOf('\nFROM ');
  const inFinalStage = (line: string): string => `${dockerfile.slice(0, finalStage)}${dockerfile.slice(finalStage).replace(/\nUSER /, `\n${line}\nUSER `)}`;

  it.each([
    ['a single stage', dockerfile.slice(finalStage).replace(/--from=\S+/g, ''), /multi-stage|node_modules|generated/],
    ['a floating base image', replace('FROM node:20-bookworm-slim', 'FROM node:latest'), /node:latest/],
    ['no USER', replace(/\nUSER .*/, ''), /numeric USER/],
    ['a named USER', replace(/\nUSER .*/, '\nUSER node'), /numeric USER, not node/],
    ['root', replace(/\nUSER .*/, '\nUSER 0'), /must not run as root/],
    ['dev dependencies in the production install', replace('npm ci --omit=dev', 'npm ci'), /no node_modules from npm ci --omit=dev|brings dev dependencies/],
    ['npm install in the final stage', inFinalStage('RUN npm install typescript'), /installs dev dependencies/],
    ['the full node_modules copied into the final stage', inFinalStage('COPY --from=deps /app/node_modules ./node_modules'), /brings dev dependencies/],
    ['no tini', replace(/ENTRYPOINT .*/, 'ENTRYPOINT ["node"]'), /tini/],
    ['a fixed-port HEALTHCHECK', inFinalStage('HEALTHCHECK CMD node -e "fetch(\'http://127.0.0.1:4101/health/ready\')"'), /HEALTHCHECK/],
    ['no NODE_ENV', replace('NODE_ENV=production', 'NODE_ENV=development'), /NODE_ENV=production/],
    ['no package bins on PATH', replace('PATH=/app/node_modules/.bin:$PATH', 'PATH=$PATH'), /PATH must include/],
    ['no generated clients', replace(/\nCOPY --from=build .*/, ''), /generated clients/],
  ])('reports %s', (_description, broken, expected) => {
    expect(dockerfileProblems(parseDockerfile(broken))).toContainEqual(expect.stringMatching(expected));
  });
});

/** The directories the root package.json's workspaces patterns match. */
function workspaceDirs(): string[] {
  const { workspaces } = JSON.parse(readRepoFile('package.json')) as { workspaces: string[] };
  return workspaces
    .flatMap((pattern) => (pattern.endsWith('/*') ? readdirSync(repoPath(pattern.slice(0, -2))).map((dir) => `${pattern.slice(0, -2)}/${dir}`) : [pattern]))
    .filter((dir) => existsSync(repoPath(`${dir}/package.json`)));
}

describe('package-lock.json', () => {
  it('lists every workspace, or npm ci in the image build refuses it', () => {
    const lock = JSON.parse(readRepoFile('package-lock.json')) as { packages: Record<string, unknown> };
    expect(workspaceDirs().filter((dir) => !(dir in lock.packages))).toEqual([]);
  });
});

describe('.dockerignore', () => {
  it('lets in everything the Dockerfile copies from the context', () => {
    const sources = contextSources(parseDockerfile(dockerfile)).filter((source) => source !== '.');
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((source) => dockerignoreExcludes(dockerignore, source))).toEqual([]);
  });

  it("lets in every workspace's package.json, which npm ci needs even for a workspace the image does not run", () => {
    const manifests = workspaceDirs().map((dir) => `${dir}/package.json`);
    expect(manifests.length).toBeGreaterThan(0);
    expect(manifests.filter((file) => dockerignoreExcludes(dockerignore, file))).toEqual([]);
  });

  it('keeps out host dependencies, generated clients, local secrets and version control', () => {
    for (const path of ['node_modules', 'services/records/node_modules', 'services/records/src/generated/prisma/client.ts', '.env', '.git', 'services/records/src/app.unit.test.ts']) {
      expect(dockerignoreExcludes(dockerignore, path), path).toBe(true);
    }
    expect(dockerignoreExcludes(dockerignore, 'services/records/src/main.ts')).toBe(false);
  });

  it('is read with the last matching pattern winning', () => {
    expect(dockerignoreExcludes('*\n!libs/\n**/node_modules', 'libs/config/node_modules')).toBe(true);
    expect(dockerignoreExcludes('*\n!libs/', 'libs/config/src/index.ts')).toBe(false);
    expect(dockerignoreExcludes('*\n!libs/', 'docs/operations.md')).toBe(true);
  });
});
