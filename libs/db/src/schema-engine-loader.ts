import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HexbaseError } from '@hexbase/contracts';

/** The wasm-bindgen glue of @prisma/schema-engine-wasm, bound to one WebAssembly instance. */
export type SchemaEngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

interface PanicRegistry {
  set_message(message: string): void;
}

/**
 * The engine reports a Rust panic through this global before trapping (the Prisma CLI installs
 * the same one); without it a panic surfaces as an unrelated TypeError.
 */
const panics = { lastMessage: '', set_message(message: string) { this.lastMessage = message; } };
const host = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
host.PRISMA_WASM_PANIC_REGISTRY ??= panics;

/** The parts of the WebAssembly global used here (the project's `lib` setting has no typings for it). */
interface WebAssemblyRuntime {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, unknown>): Promise<{ exports: Record<string, unknown> }>;
  RuntimeError: new () => Error;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyRuntime }).WebAssembly;

let compiled: Promise<object> | undefined;
let current: Promise<SchemaEngineModule> | undefined;
let instances = 0;

/**
 * The schema engine, compiled once per process and instantiated once until a panic
 * poisons the instance (see `discardSchemaEngine`).
 */
export function loadSchemaEngine(): Promise<SchemaEngineModule> {
  current ??= instantiate().catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
}

/** Drops the current instance, whose memory a trap may have left inconsistent; the next call starts a fresh one. */
export function discardSchemaEngine(): void {
  current = undefined;
}

/** True for the trap a Rust panic ends in (`RuntimeError: unreachable`). */
export function isEnginePanic(error: unknown): boolean {
  return error instanceof webAssembly.RuntimeError;
}

/** The message of the engine panic since the last call, if the registry above is the one installed. */
export function lastPanicMessage(): string {
  const message = panics.lastMessage || 'no panic message was reported';
  panics.lastMessage = '';
  return message;
}

/** The git commit of prisma-engines the loaded WebAssembly was built from. */
export async function schemaEngineVersion(): Promise<string> {
  return (await loadSchemaEngine()).version();
}

async function instantiate(): Promise<SchemaEngineModule> {
  const gluePath = resolveGlue();
  compiled ??= readFile(join(dirname(gluePath), 'schema_engine_bg.wasm')).then((bytes) => webAssembly.compile(bytes));
  const wasm = await compiled.catch((error: unknown) => {
    compiled = undefined;
    throw error;
  });
  // The glue keeps the instance in module state, so a fresh instance needs a fresh copy of the glue.
  const glueUrl = pathToFileURL(gluePath);
  if (instances > 0) glueUrl.search = `instance=${instances}`;
  instances += 1;
  const glue = (await import(glueUrl.href)) as SchemaEngineModule;
  const instance = await webAssembly.instantiate(wasm, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

function resolveGlue(): string {
  try {
    return createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  } catch {
    throw new HexbaseError('SCHEMA_ENGINE_MISSING', 'unavailable', 'the package @prisma/schema-engine-wasm is not installed: run npm install at the repository root');
  }
}
