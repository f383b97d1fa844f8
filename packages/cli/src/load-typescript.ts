import { createRequire } from 'node:module';
import type { TypeScriptModule } from '@premortem/core';

let loaded: TypeScriptModule | undefined;

/**
 * TypeScript through the CommonJS loader. `import('typescript')` from an ES module costs about
 * 0.4 s more per run: Node compiles its 9 MB file once to detect the module format and scans it
 * for named exports before compiling it again to run it.
 */
export function loadTypeScript(): TypeScriptModule {
  return (loaded ??= createRequire(import.meta.url)('typescript') as TypeScriptModule);
}
