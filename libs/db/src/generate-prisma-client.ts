import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { HexbaseError } from '@hexbase/contracts';

export interface GeneratePrismaClientOptions {
  schemaFile: string;
  /** The service's `prisma.config.ts`, when it has one. */
  configFile?: string;
  /** Extra environment for the CLI (the config file may read DATABASE_URL). */
  env?: Record<string, string>;
}

/**
 * Runs `prisma generate` for one schema, offline and quietly: generation itself only uses
 * WebAssembly, but the CLI insists on finding a native schema engine, so
 * PRISMA_SCHEMA_ENGINE_BINARY points at a file that exists (the WebAssembly engine) unless the
 * caller's environment names a real binary; update checks and telemetry are off. Returns the
 * CLI's output; throws PRISMA_GENERATE_FAILED with that output when it fails.
 */
export async function generatePrismaClient(options: GeneratePrismaClientOptions): Promise<string> {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('prisma/package.json')), 'build/index.js');
  const engineStandIn = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
  const configured = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  const schemaFile = resolve(options.schemaFile);
  const args = [cli, 'generate', '--schema', schemaFile];
  if (options.configFile) args.push('--config', resolve(options.configFile));
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: configured && existsSync(configured) ? configured : engineStandIn,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    NO_COLOR: '1',
    ...options.env,
  };
  return new Promise((done, fail) => {
    execFile(process.execPath, args, { cwd: dirname(options.configFile ? resolve(options.configFile) : schemaFile), env, timeout: 120_000 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim();
      if (error) fail(new HexbaseError('PRISMA_GENERATE_FAILED', 'internal', `prisma generate failed for ${options.schemaFile}:\n${output || error.message}`));
      else done(output);
    });
  });
}
