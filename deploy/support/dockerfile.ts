/** One instruction of a Dockerfile, continuation lines joined. */
export interface DockerInstruction {
  keyword: string;
  args: string;
}

export interface DockerStage {
  from: string;
  name?: string;
  instructions: DockerInstruction[];
}

/** A line parser for the Dockerfile subset this project writes (no heredocs). */
export function parseDockerfile(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    pending += ` ${line}`;
    if (line.endsWith('\\')) {
      pending = pending.slice(0, -1);
      continue;
    }
    const [keyword = '', ...rest] = pending.trim().split(/\s+/);
    const args = rest.join(' ');
    pending = '';
    if (keyword.toUpperCase() === 'FROM') {
      const [from = '', as, name] = args.split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** A stage and the stages it is built FROM, nearest first. */
export function stageChain(stages: DockerStage[], stage: DockerStage): DockerStage[] {
  const chain = [stage];
  for (let parent = stages.find((s) => s.name === stage.from); parent && !chain.includes(parent); parent = stages.find((s) => s.name === parent!.from)) chain.push(parent);
  return chain;
}

function instructionsOf(chain: DockerStage[], keyword: string): DockerInstruction[] {
  return [...chain].reverse().flatMap((stage) => stage.instructions.filter((instruction) => instruction.keyword === keyword));
}

interface Copy {
  from?: string;
  sources: string[];
}

function parseCopy(args: string): Copy {
  const words = args.split(/\s+/);
  const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((word) => !word.startsWith('--'));
  return { from, sources: paths.slice(0, -1) };
}

function envOf(chain: DockerStage[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const instruction of instructionsOf(chain, 'ENV')) {
    for (const match of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) env.set(match[1]!, match[2]!.replace(/^"|"$/g, ''));
  }
  return env;
}

const NPM_CI = /\bnpm\s+ci\b([^&;|]*)/g;
const NPM_INSTALL = /\bnpm\s+(?:install|i|add)\b/;

/** Whether the stage (with its ancestors) installs production dependencies only. */
function installsProductionOnly(chain: DockerStage[]): boolean {
  const runs = instructionsOf(chain, 'RUN').map((run) => run.args);
  const installs = runs.flatMap((run) => [...run.matchAll(NPM_CI)].map((match) => match[1]!));
  return installs.length > 0 && installs.every((flags) => /--omit[= ]dev\b/.test(flags)) && !runs.some((run) => NPM_INSTALL.test(run));
}

/** The numeric user the final stage runs as, or undefined when it is not numeric. */
export function imageUser(stages: DockerStage[]): number | undefined {
  const final = stages.at(-1);
  const user = final ? instructionsOf(stageChain(stages, final), 'USER').at(-1)?.args : undefined;
  const match = /^(\d+)(?::\d+)?$/.exec(user ?? '');
  return match ? Number(match[1]) : undefined;
}

export function imageWorkdir(stages: DockerStage[]): string | undefined {
  const final = stages.at(-1);
  return final ? instructionsOf(stageChain(stages, final), 'WORKDIR').at(-1)?.args : undefined;
}

/**
 * The conventions of the Hexbase image: multi-stage on Node 20; the final stage holds
 * production dependencies only (plus the generated Prisma clients), runs as a numeric
 * non-root user with NODE_ENV=production and HOST=0.0.0.0, under tini.
 */
export function dockerfileProblems(stages: DockerStage[]): string[] {
  const problems: string[] = [];
  const final = stages.at(-1);
  if (stages.length < 2 || final === undefined) return ['the Dockerfile must be multi-stage'];
  const names = new Set(stages.map((stage) => stage.name));
  for (const stage of stages) {
    if (!names.has(stage.from) && !/^node:20(?:-[a-z0-9.-]+)?(?:@sha256:[a-f0-9]{64})?$/.test(stage.from)) problems.push(`FROM ${stage.from}: base images are node:20-<variant>, pinned to the major version`);
  }

  const chain = stageChain(stages, final);
  const user = instructionsOf(chain, 'USER').at(-1)?.args;
  const uid = imageUser(stages);
  if (uid === undefined) problems.push(`the final stage must end with a numeric USER, not ${user ?? 'none'}`);
  else if (uid === 0) problems.push('the final stage must not run as root');

  const env = envOf(chain);
  if (env.get('NODE_ENV') !== 'production') problems.push('the final stage must set NODE_ENV=production');
  if (env.get('HOST') !== '0.0.0.0') problems.push('the final stage must set HOST=0.0.0.0');
  const workdir = instructionsOf(chain, 'WORKDIR').at(-1)?.args;
  if (!env.get('PATH')?.split(':').includes(`${workdir}/node_modules/.bin`)) problems.push(`PATH must include ${workdir}/node_modules/.bin: jobs run their npm script's command line (tsx ...) without npm`);

  const entrypoint = instructionsOf(chain, 'ENTRYPOINT').at(-1)?.args ?? '';
  if (!/^\[\s*"[^"]*tini"/.test(entrypoint)) problems.push('ENTRYPOINT must start tini, so that SIGTERM reaches node');
  for (const healthcheck of instructionsOf(chain, 'HEALTHCHECK')) {
    if (healthcheck.args.trim().toUpperCase() !== 'NONE') problems.push('no HEALTHCHECK: the port differs per process (probes live in deploy/k8s and docker-compose.yml)');
  }

  const runs = instructionsOf(chain, 'RUN').map((run) => run.args);
  if (runs.some((run) => NPM_INSTALL.test(run) || [...run.matchAll(NPM_CI)].some((match) => !/--omit[= ]dev\b/.test(match[1]!)))) {
    problems.push('the final stage installs dev dependencies (npm install, or npm ci without --omit=dev)');
  }
  const copies = instructionsOf(chain, 'COPY').map((copy) => parseCopy(copy.args));
  let productionModules = installsProductionOnly(chain);
  for (const copy of copies) {
    const source = stages.find((stage) => stage.name === copy.from);
    if (source === undefined) continue;
    const wholeTree = copy.sources.filter((path) => /^\/app\/?$|node_modules\/?$/.test(path));
    if (wholeTree.length === 0) continue;
    if (installsProductionOnly(stageChain(stages, source))) productionModules = true;
    else problems.push(`COPY --from=${copy.from} ${wholeTree.join(' ')} brings dev dependencies into the final stage`);
  }
  if (!productionModules) problems.push('the final stage gets no node_modules from npm ci --omit=dev');

  const generator = stages.find((stage) => stage.instructions.some((instruction) => instruction.keyword === 'RUN' && instruction.args.includes('npm run db:generate')));
  if (generator === undefined) problems.push('no stage generates the Prisma clients (npm run db:generate)');
  else if (!copies.some((copy) => copy.from === generator.name)) problems.push(`the final stage does not copy the generated clients from ${generator.name}`);
  return problems;
}

/** The context paths the Dockerfile COPYs (no --from). */
export function contextSources(stages: DockerStage[]): string[] {
  return stages.flatMap((stage) =>
    stage.instructions
      .filter((instruction) => instruction.keyword === 'COPY' || instruction.keyword === 'ADD')
      .map((instruction) => parseCopy(instruction.args))
      .filter((copy) => copy.from === undefined)
      .flatMap((copy) => copy.sources),
  );
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index]!;
    if (glob.startsWith('**/', index)) {
      source += '(?:.*/)?';
      index += 2;
    } else if (glob.startsWith('**', index)) {
      source += '.*';
      index += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** .dockerignore semantics: the last pattern matching the path or one of its parents decides. */
export function dockerignoreExcludes(dockerignore: string, path: string): boolean {
  const patterns = dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const parts = path.replace(/^\.?\//, '').replace(/\/$/, '').split('/');
  const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  let excluded = false;
  for (const line of patterns) {
    const negated = line.startsWith('!');
    const pattern = globToRegExp((negated ? line.slice(1) : line).replace(/^\//, '').replace(/\/$/, ''));
    if (candidates.some((candidate) => pattern.test(candidate))) excluded = !negated;
  }
  return excluded;
}
