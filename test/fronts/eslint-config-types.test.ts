import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const dir = path.join(import.meta.dirname, '../../fixtures/eslint-front/typed-config');

/** Type errors per file, checked as a user's project would: declaration files included, no @types/node. */
function typeErrors(files: string[]): Map<string, string[]> {
  const program = ts.createProgram(
    files.map((file) => path.join(dir, file)),
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: false, types: [] },
  );
  const errors = new Map(files.map((file) => [file, [] as string[]]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file ? path.relative(dir, d.file.fileName) : '(options)';
    errors.set(file, [...(errors.get(file) ?? []), `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`]);
  }
  return errors;
}

// One Program for both files: checking typescript-eslint's and ESLint's declarations takes seconds.
const errors = typeErrors(['eslint.config.ts', 'misuse.ts']);

describe('the plugin’s exported types', () => {
  it('compile in a typed eslint.config.ts: defineConfig with the plugin, typescript-eslint’s config helper, a plain array', () => {
    expect(Object.fromEntries([...errors].filter(([file]) => file !== 'misuse.ts'))).toEqual({ 'eslint.config.ts': [] });
  });

  it('refuse a preset the plugin does not have', () => {
    expect(errors.get('misuse.ts')).toEqual([expect.stringMatching(/^TS2339: Property 'everything' does not exist/)]);
  });
});
