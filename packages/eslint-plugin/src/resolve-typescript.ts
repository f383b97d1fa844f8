import { createRequire } from 'node:module';
import path from 'node:path';
import type ts from 'typescript';
import type { TypeScriptModule } from '@premortem/core';
import { resolveFromTypescriptEslint } from './from-typescript-eslint.js';

const localRequire = createRequire(import.meta.url);
let cached: TypeScriptModule | undefined;

/**
 * The `typescript` module that typescript-eslint parsed with. Syntax kinds differ between
 * TypeScript versions, so a detector must read nodes with the copy that made them; we take the
 * one typescript-estree loads and check it against the node we were given.
 */
export function getTypeScriptFor(sourceFile: ts.SourceFile): TypeScriptModule {
  if (cached && cached.SyntaxKind.SourceFile === sourceFile.kind) return cached;
  const tried: string[] = [];
  for (const load of candidates()) {
    try {
      const candidate = load();
      if (candidate.SyntaxKind.SourceFile === sourceFile.kind) {
        cached = candidate;
        return candidate;
      }
      tried.push(`typescript@${candidate.version}`);
    } catch {
      // Not installed along this path; the next candidate may be.
    }
  }
  throw new Error(
    `premortem: cannot find the TypeScript that parsed ${sourceFile.fileName} (tried ${tried.join(', ') || 'none'}). ` +
      'Install typescript next to typescript-eslint.',
  );
}

function candidates(): Array<() => TypeScriptModule> {
  return [
    () => createRequire(resolveFromTypescriptEslint('@typescript-eslint/typescript-estree'))('typescript') as TypeScriptModule,
    () => createRequire(path.join(process.cwd(), 'noop.js'))('typescript') as TypeScriptModule,
    () => localRequire('typescript') as TypeScriptModule,
  ];
}
