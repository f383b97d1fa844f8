// Module hooks for `module.register` (its own thread): ES module imports outside the installed
// program are refused, as refuse-foreign-modules.ts does for CommonJS in the main thread.
import path from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

export interface GuardData {
  allowed: string[];
  /** Each refused file is posted here, so the main thread knows even if the error is swallowed. */
  port: MessagePort;
}

let guard: GuardData | undefined;

export function initialize(data: GuardData): void {
  guard = data;
}

interface ResolveResult {
  url: string;
}

export async function resolve(specifier: string, context: object, next: (specifier: string, context: object) => Promise<ResolveResult>): Promise<ResolveResult> {
  const result = await next(specifier, context);
  if (!guard || result.url.startsWith('node:')) return result;
  const file = result.url.startsWith('file:') ? fileURLToPath(result.url) : result.url;
  if (!guard.allowed.some((folder) => path.resolve(file).startsWith(folder + path.sep))) {
    guard.port.postMessage(file);
    const error = new Error(`premortem refused to load ${file} as code: it is not part of premortem. Premortem never runs code from what it analyzes; something tried to, and was stopped.`);
    Object.assign(error, { code: 'ERR_PREMORTEM_MODULE_REFUSED' });
    throw error;
  }
  return result;
}
