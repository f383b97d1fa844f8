import type { Linter } from 'eslint';
import { fromTypescriptEslint } from './from-typescript-eslint.js';

interface TypescriptEslintParser {
  parseForESLint(code: string, options?: Record<string, unknown> | null): Linter.ESLintParseResult;
}

let loaded: TypescriptEslintParser | undefined;

/** typescript-eslint's parser, loaded on the first parse so that importing the plugin stays cheap. */
function typescriptEslintParser(): TypescriptEslintParser {
  return (loaded ??= fromTypescriptEslint<TypescriptEslintParser>('@typescript-eslint/parser'));
}

/**
 * Where the config says nothing about types, the parser finds each file's tsconfig itself
 * (typescript-eslint's project service). A config that chose `project`, `projectService` or
 * `programs` keeps its choice: typescript-eslint refuses `project` next to `projectService`, and a
 * preset's `projectService: true` would replace a config's `{ allowDefaultProject }`.
 */
export function withTypeInformation(options: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const given = options ?? {};
  const chosen = given.project != null || given.projectService != null || given.programs != null;
  return chosen ? given : { ...given, projectService: true };
}

/** typescript-eslint's parser with typed linting on by default: what the presets parse with. */
export function createTypedParser(meta: { name: string; version: string }): Linter.Parser {
  return {
    meta: { name: `${meta.name}/typed-parser`, version: meta.version },
    parseForESLint: (code: string, options?: Record<string, unknown>) => typescriptEslintParser().parseForESLint(code, withTypeInformation(options)),
  };
}
