import Module, { isBuiltin } from 'node:module';
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isInsideFolder } from '../engine/canonical-paths.js';
import type { GuardData } from './refuse-foreign-modules-hooks.js';

/** A module premortem would not load: it is not part of the installed program. */
export class ModuleRefused extends Error {
  readonly code = 'ERR_PREMORTEM_MODULE_REFUSED';
  constructor(readonly file: string) {
    super(`premortem refused to load ${file} as code: it is not part of premortem. Premortem never runs code from what it analyzes; something tried to, and was stopped.`);
  }
}

/** How far the guard reaches in this process: `import()` of ES modules needs module hooks. */
export type GuardCoverage = 'require and import' | 'require only';

/** Node's CommonJS loader internals that every `require` and hand-made module goes through. */
interface ModuleInternals {
  _resolveFilename: (this: unknown, request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
  prototype: { _compile: (this: unknown, content: string, filename: string) => unknown };
}

interface RegisterHooks {
  registerHooks?: (hooks: { resolve: (specifier: string, context: object, next: (specifier: string, context?: object) => { url: string }) => { url: string } }) => unknown;
}

let installed: { allowed: string[]; refused: Set<string>; port: MessagePort | undefined; coverage: GuardCoverage } | undefined;

/**
 * From now on, this process loads code only from `allowed` folders (the installed program, see
 * installed-program.ts) and Node's built-ins: `require`, `import()`, CommonJS compiled by hand
 * (config loaders that read a file and compile it) and native addons. Anything else throws
 * `ModuleRefused` and is remembered, so a dependency that swallows the error cannot hide it:
 * callers ask `refusedModules()` at the end and fail. Installed once per process, for good.
 */
export function refuseForeignModules(allowed: readonly string[]): GuardCoverage {
  if (installed) {
    for (const folder of allowed) if (!installed.allowed.includes(folder)) throw new Error('refuseForeignModules: already installed with other folders');
    return installed.coverage;
  }
  const folders = allowed.map((folder) => path.resolve(folder));
  const refused = new Set<string>();
  const check = (file: string): void => {
    if (isAllowedFile(file, folders)) return;
    refused.add(file);
    throw new ModuleRefused(file);
  };

  const internals = Module as unknown as ModuleInternals;
  const resolveFilename = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, isMain, options) {
    const resolved = resolveFilename.call(this, request, parent, isMain, options);
    if (!isBuiltin(resolved)) check(resolved);
    return resolved;
  };
  const compile = internals.prototype._compile;
  internals.prototype._compile = function (content, filename) {
    check(filename);
    return compile.call(this, content, filename);
  };
  const dlopen = process.dlopen.bind(process);
  process.dlopen = (module, filename, flags) => {
    check(filename);
    return flags === undefined ? dlopen(module, filename) : dlopen(module, filename, flags);
  };

  const { coverage, port } = guardImports(folders, check);
  installed = { allowed: folders, refused, port, coverage };
  return coverage;
}

/**
 * ES modules: in this thread where Node has synchronous hooks (22.15+), else through
 * `module.register`'s hooks thread. That thread is a worker, which Node's permission model
 * forbids unless `--allow-worker` is given (isolationFlags gives it on Node before 22.15); without
 * it only CommonJS is guarded, and the coverage says so.
 */
function guardImports(folders: string[], check: (file: string) => void): { coverage: GuardCoverage; port: MessagePort | undefined } {
  const { registerHooks } = Module as unknown as RegisterHooks;
  if (registerHooks) {
    registerHooks({
      resolve(specifier, context, next) {
        const result = next(specifier, context);
        if (result.url.startsWith('file:')) check(fileURLToPath(result.url));
        else if (!result.url.startsWith('node:')) check(result.url);
        return result;
      },
    });
    return { coverage: 'require and import', port: undefined };
  }
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  if (permission && !permission.has('worker')) return { coverage: 'require only', port: undefined };
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  const data: GuardData = { allowed: folders, port: port2 };
  Module.register(pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'refuse-foreign-modules-hooks.js')), {
    data,
    transferList: [port2],
  });
  return { coverage: 'require and import', port: port1 };
}

export function isAllowedFile(file: string, folders: readonly string[]): boolean {
  const resolved = path.resolve(file);
  return folders.some((folder) => isInsideFolder(resolved, folder));
}

/** What to say when code was refused: which, that nothing ran, and that the analysis is void. */
export function describeRefusal(files: readonly string[]): string {
  const named = `${files.slice(0, 3).join(', ')}${files.length > 3 ? `, and ${files.length - 3} more` : ''}`;
  return `The analysis tried to load code that is not part of premortem (${named}); it was refused, nothing from it ran, and the analysis cannot be trusted. This is a premortem bug: please report it.`;
}

/** Every module refused so far in this process, ES modules' included. */
export function refusedModules(): string[] {
  if (!installed) return [];
  for (let message = installed.port && receiveMessageOnPort(installed.port); message; message = receiveMessageOnPort(installed.port!)) {
    installed.refused.add(String(message.message));
  }
  return [...installed.refused].sort();
}
