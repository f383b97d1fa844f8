import { createRequire } from 'node:module';
import type { EngineDatamodel } from './engine-datamodel.js';

/**
 * Prisma's own schema engine, the WebAssembly build that `prisma format` and `prisma validate`
 * run (@prisma/prisma-schema-wasm, pinned to the build prisma 7.10.0 ships). It is given the
 * schema's text with a name per file, never a path to open: the module imports four JavaScript
 * functions and nothing else (test/trust/schema-engine.test.ts checks it), so it can read no
 * file and search for no configuration.
 */
const ENGINE_PACKAGE = '@prisma/prisma-schema-wasm';
const require = createRequire(import.meta.url);

/** `[name, text]` per file, as the engine takes a multi-file schema. */
export type SchemaFiles = ReadonlyArray<readonly [name: string, text: string]>;

/**
 * One problem the engine found, where it is. `start`/`end` count UTF-16 code units, as a language
 * server's positions do: they index the JavaScript string (a byte offset is off after an `—`).
 */
export interface EngineDiagnostic {
  file_name: string;
  start: number;
  end: number;
  text: string;
  is_warning: boolean;
}

interface WasmEngine {
  get_datamodel(params: string): string;
  lint(input: string): string;
  __wasm: { memory: { buffer: ArrayBuffer } };
}

/** How a panic surfaces: the module traps. (Core compiles without the DOM lib, which types `WebAssembly`.) */
const WasmRuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly.RuntimeError;

/** The engine's panic hook hands the panic's message to this global; Prisma's CLI defines it too. */
interface PanicRegistryHolder {
  PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void };
}

/**
 * Past this, the instance is dropped after the call so its memory can be freed: WebAssembly memory
 * only grows, and a 2.6 MB schema leaves ~200 MB behind (real schemas of 70 kB use under 20 MB).
 */
const MAX_RETAINED_MEMORY_BYTES = 64 * 1024 * 1024;

let engine: WasmEngine | undefined;
let lastPanic: string | undefined;

/** Loaded on the first schema, so runs on projects without Prisma never pay for it; then kept. */
function getEngine(): WasmEngine {
  if (engine) return engine;
  (globalThis as PanicRegistryHolder).PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message: (message) => {
      lastPanic = message;
    },
  };
  try {
    engine = require(ENGINE_PACKAGE) as WasmEngine;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(`premortem is incompletely installed: ${ENGINE_PACKAGE} (Prisma's schema engine) is missing. Reinstall premortem.`, { cause: error });
  }
  return engine;
}

/** Forgets the instance: after a panic its state is undefined, and a large schema leaves memory behind. */
function releaseEngine(): void {
  delete require.cache[require.resolve(ENGINE_PACKAGE)];
  engine = undefined;
}

/** The engine panicked on a schema (a bug in Prisma, not in premortem): the message is Prisma's. */
export class SchemaEngineFailed extends Error {}

/** Runs `call` on the engine; a panic (a `RuntimeError` from the module) becomes `SchemaEngineFailed`. */
function withEngine<T>(call: (wasm: WasmEngine) => T): T {
  const wasm = getEngine();
  lastPanic = undefined;
  try {
    return call(wasm);
  } catch (error) {
    if (!(error instanceof WasmRuntimeError)) throw error;
    releaseEngine();
    throw new SchemaEngineFailed(`Prisma's schema engine failed: ${(lastPanic ?? error.message).split('\n').join(' ')}`, { cause: error });
  } finally {
    if (engine && engine.__wasm.memory.buffer.byteLength > MAX_RETAINED_MEMORY_BYTES) releaseEngine();
  }
}

export type DatamodelResult = { ok: true; datamodel: EngineDatamodel } | { ok: false; message: string };

/** The datamodel Prisma reads from a valid schema, or its error (what `prisma validate` prints). */
export function getDatamodel(files: SchemaFiles): DatamodelResult {
  return withEngine((wasm) => {
    try {
      return { ok: true, datamodel: JSON.parse(wasm.get_datamodel(JSON.stringify({ prismaSchema: files, noColor: true }))) as EngineDatamodel };
    } catch (error) {
      if (error instanceof WasmRuntimeError || !(error instanceof Error)) throw error;
      return { ok: false, message: engineErrorMessage(error.message) };
    }
  });
}

/** Every error and warning Prisma finds in the schema, with its place (the language server's view). */
export function lintSchema(files: SchemaFiles): EngineDiagnostic[] {
  return withEngine((wasm) => JSON.parse(wasm.lint(JSON.stringify(files))) as EngineDiagnostic[]);
}

/** The engine throws `{"error_code":"P1012","message":"…"}`; older builds threw the text alone. */
function engineErrorMessage(thrown: string): string {
  try {
    const parsed = JSON.parse(thrown) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: the message is the text.
  }
  return thrown;
}
