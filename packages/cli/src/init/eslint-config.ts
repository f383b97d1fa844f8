import { lstatSync } from 'node:fs';
import path from 'node:path';
import type ts from 'typescript';
import type { PresetName, TypeScriptModule } from '@premortem/core';
import { isFile, readManifest, readSmallText } from './detect.js';

/** Flat config names ESLint 9 and 10 look for, in its order. */
const FLAT_CONFIGS = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', 'eslint.config.cts'];
/** Configs of ESLint 8 and before: a flat config written next to one would replace it. */
const LEGACY_CONFIGS = ['.eslintrc.js', '.eslintrc.cjs', '.eslintrc.yaml', '.eslintrc.yml', '.eslintrc.json', '.eslintrc'];
const PLUGIN = '@premortem/eslint-plugin';
const TYPESCRIPT_FILES = "['**/*.{ts,tsx,mts,cts}']";

export interface EslintBlockOptions {
  preset: PresetName;
  /** One more config object for a rule's options (the detected app shells), when the preset runs that rule. */
  ruleOverride?: { rule: string; level: 'error' | 'warn'; options: object; comment: string };
}

export type EslintPlan =
  | { kind: 'create'; file: string; text: string }
  | { kind: 'update'; file: string; text: string; added: string }
  | { kind: 'unchanged'; file: string }
  | { kind: 'print'; file: string | undefined; text: string; reason: string };

/**
 * What to do with the ESLint config in `folder`: write one when there is none; when there is one,
 * add premortem to it only if its text has a shape that can be edited safely (parsed with the
 * TypeScript compiler, never loaded: loading a config runs it); else print the lines to add.
 */
export function planEslintConfig(tsm: TypeScriptModule, folder: string, options: EslintBlockOptions): EslintPlan {
  const existing = FLAT_CONFIGS.map((name) => path.join(folder, name)).find(isFile);
  if (!existing) {
    const legacy = LEGACY_CONFIGS.find((name) => isFile(path.join(folder, name))) ?? (readManifest(folder)?.['eslintConfig'] !== undefined ? 'package.json `eslintConfig`' : undefined);
    if (legacy) {
      return {
        kind: 'print',
        file: undefined,
        text: newConfigText(options),
        reason: `this project is configured by ${legacy} (ESLint 8 and before); premortem's plugin needs a flat config (eslint.config.js, ESLint 9+), and writing one would replace it`,
      };
    }
    const esm = readManifest(folder)?.['type'] === 'module';
    return { kind: 'create', file: path.join(folder, esm ? 'eslint.config.js' : 'eslint.config.mjs'), text: newConfigText(options) };
  }
  if (lstatSync(existing).isSymbolicLink()) {
    return { kind: 'print', file: existing, text: elementsText(options, {}), reason: 'it is a symbolic link, and the file it leads to may be shared with other projects' };
  }
  const text = readSmallText(existing);
  if (text === undefined) return { kind: 'print', file: existing, text: elementsText(options, {}), reason: 'it is too large to be an ESLint config that can be edited safely' };
  if (text.includes(PLUGIN)) return { kind: 'unchanged', file: existing };
  const merged = mergeIntoConfig(tsm, existing, text, options);
  if ('reason' in merged) return { kind: 'print', file: existing, text: merged.instructions, reason: merged.reason };
  return { kind: 'update', file: existing, text: merged.text, added: merged.added };
}

/** A new eslint.config.js: typed linting for TypeScript files, then the preset. */
function newConfigText(options: EslintBlockOptions): string {
  return [
    "// ESLint's config, written by `premortem init`. Premortem's rules are typed: they need",
    '// typescript-eslint\'s parser with `projectService`, which finds each file\'s tsconfig.',
    "import tseslint from 'typescript-eslint';",
    `import premortem from '${PLUGIN}';`,
    '',
    'export default [',
    "  { ignores: ['**/dist/**', '**/build/**', '**/.next/**', '**/coverage/**'] },",
    ...indent(elementLines(options, { tseslint: 'tseslint', withParser: true, alongside: false }), '  '),
    '];',
    '',
  ].join('\n');
}

interface ElementContext {
  tseslint: string;
  withParser: boolean;
  alongside: boolean;
}

/** The config objects premortem adds, one line each, unindented, each ending with a comma. */
function elementLines(options: EslintBlockOptions, context: ElementContext): string[] {
  const lines: string[] = [];
  if (context.withParser) {
    lines.push(
      '{',
      `  files: ${TYPESCRIPT_FILES},`,
      '  languageOptions: {',
      `    parser: ${context.tseslint}.parser,`,
      '    parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },',
      '  },',
      '},',
    );
  }
  lines.push(`premortem.configs.${options.preset},`);
  const override = options.ruleOverride;
  if (override) {
    lines.push(
      `// ${override.comment}`,
      '{',
      `  ...premortem.configs.${options.preset},`,
      "  name: 'premortem/init',",
      `  rules: { ${jsLiteral(override.rule)}: [${jsLiteral(override.level)}, ${jsLiteral(override.options)}] },`,
      '},',
    );
  }
  if (context.alongside) {
    lines.push("// typescript-eslint's type-checked rules report dropped promises; premortem leaves those to them.", "premortem.configs['alongside-typescript-eslint'],");
  }
  return lines;
}

/** What to add by hand, when the file cannot be edited safely. */
function elementsText(options: EslintBlockOptions, context: Partial<ElementContext>): string {
  return [
    'Add these imports:',
    "  import tseslint from 'typescript-eslint';",
    `  import premortem from '${PLUGIN}';`,
    'and these entries at the end of the exported config array:',
    ...indent(elementLines(options, { tseslint: 'tseslint', withParser: true, alongside: false, ...context }), '  '),
    '',
  ].join('\n');
}

/** Options as JavaScript source, in the file's style: single quotes, unquoted keys where they can be. */
function jsLiteral(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(jsLiteral).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : jsLiteral(key)}: ${jsLiteral(item)}`);
    return entries.length > 0 ? `{ ${entries.join(', ')} }` : '{}';
  }
  return String(value);
}

function indent(lines: readonly string[], prefix: string): string[] {
  return lines.map((line) => (line === '' ? line : prefix + line));
}

type Merged = { text: string; added: string } | { reason: string; instructions: string };

/**
 * Adds premortem's config objects to a config whose default export is an array literal or a
 * `tseslint.config(…)` / `defineConfig(…)` call (directly or through a top-level `const`), and
 * its imports after the last import. Anything else (CommonJS, a config computed by a function of
 * the project's own, a file that does not parse) is left as it is.
 */
export function mergeIntoConfig(tsm: TypeScriptModule, file: string, text: string, options: EslintBlockOptions): Merged {
  const sourceFile = tsm.createSourceFile(file, text, tsm.ScriptTarget.Latest, true, scriptKind(tsm, file));
  const instructions = (context: Partial<ElementContext> = {}) => elementsText(options, context);
  if (hasSyntaxErrors(tsm, file, text)) return { reason: 'it does not parse', instructions: instructions() };
  const list = findConfigList(tsm, sourceFile);
  if (!list) {
    return {
      reason: 'its default export is not an array literal or a tseslint.config(…)/defineConfig(…) call (it is never run to find out what it builds)',
      instructions: instructions(),
    };
  }
  const identifiers = collectIdentifiers(tsm, sourceFile);
  const tseslintImport = defaultImportOf(tsm, sourceFile, 'typescript-eslint');
  // A config that sets parserOptions already chose how to get type information (project or projectService).
  const withParser = !/\bparserOptions\b/.test(text);
  const alongside = /\b(?:recommended|strict)TypeChecked\b/.test(text);
  const tseslint = tseslintImport ?? 'tseslint';
  if (identifiers.has('premortem') || (withParser && !tseslintImport && identifiers.has('tseslint'))) {
    return { reason: 'it already uses the name `premortem` or `tseslint` for something else', instructions: instructions({ alongside }) };
  }
  const context: ElementContext = { tseslint, withParser, alongside };

  const imports = [...(withParser && !tseslintImport ? ["import tseslint from 'typescript-eslint';"] : []), `import premortem from '${PLUGIN}';`];
  const lastImport = sourceFile.statements.filter((statement) => tsm.isImportDeclaration(statement)).at(-1);
  const importEdit: Edit = lastImport
    ? { at: lastImport.end, text: imports.map((line) => `\n${line}`).join('') }
    : { at: sourceFile.statements[0]?.getStart(sourceFile) ?? 0, text: imports.map((line) => `${line}\n`).join('') + '\n' };

  const { elements, closeAt } = list;
  const last = elements.at(-1);
  // A list on one line (`[a, b]`) gets its new entries one per line, then its closing bracket on a line of its own.
  const oneLine = !text.slice(list.openAt, closeAt).includes('\n');
  const outer = lineIndent(text, list.openAt);
  const unit = last && !oneLine ? lineIndent(text, elements[0]?.getStart(sourceFile) ?? 0) : outer + '  ';
  const lines = elementLines(options, context);
  if (last && !oneLine && !elements.hasTrailingComma) {
    // Keep the file's style: no comma after its last entry.
    const lastLine = lines.length - 1;
    lines[lastLine] = (lines[lastLine] ?? '').replace(/,$/, '');
  }
  const block = indent(lines, unit).join('\n');
  let listEdit: Edit;
  if (!last || oneLine) listEdit = { at: last ? commaAfter(text, last.end, closeAt) : list.openAt + 1, text: `${last && !elements.hasTrailingComma ? ',' : ''}\n${block}\n${outer}` };
  else if (elements.hasTrailingComma) listEdit = { at: commaAfter(text, last.end, closeAt), text: `\n${block}` };
  else listEdit = { at: last.end, text: `,\n${block}` };

  const merged = applyEdits(text, [importEdit, listEdit]);
  if (hasSyntaxErrors(tsm, file, merged)) return { reason: 'adding to it would not parse', instructions: instructions(context) };
  return { text: merged, added: [...imports, ...indent(lines, unit)].join('\n') };
}

interface ConfigList {
  elements: ts.NodeArray<ts.Expression>;
  /** The `[` or `(` that opens the list. */
  openAt: number;
  /** The `]` or `)` that closes it. */
  closeAt: number;
}

function findConfigList(tsm: TypeScriptModule, sourceFile: ts.SourceFile): ConfigList | undefined {
  const exported = sourceFile.statements.find((statement): statement is ts.ExportAssignment => tsm.isExportAssignment(statement) && !statement.isExportEquals);
  if (!exported) return undefined;
  let expression = unwrap(tsm, exported.expression);
  if (tsm.isIdentifier(expression)) {
    const initializer = topLevelConst(tsm, sourceFile, expression.text);
    if (!initializer) return undefined;
    expression = unwrap(tsm, initializer);
  }
  if (tsm.isArrayLiteralExpression(expression)) {
    return { elements: expression.elements, openAt: expression.getStart(sourceFile), closeAt: expression.end - 1 };
  }
  if (tsm.isCallExpression(expression) && isConfigHelper(tsm, sourceFile, expression)) {
    // `defineConfig([…])`: the entries are the array's.
    const [only] = expression.arguments;
    if (expression.arguments.length === 1 && only && tsm.isArrayLiteralExpression(only)) {
      return { elements: only.elements, openAt: only.getStart(sourceFile), closeAt: only.end - 1 };
    }
    const open = expression.arguments.pos - 1;
    return { elements: expression.arguments, openAt: open, closeAt: expression.end - 1 };
  }
  return undefined;
}

/**
 * `tseslint.config(…)` of typescript-eslint or `defineConfig(…)` of eslint/config, as the file's
 * imports name them: they take config objects as arguments. A function of the project's own
 * could do anything with one more argument.
 */
function isConfigHelper(tsm: TypeScriptModule, sourceFile: ts.SourceFile, call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (tsm.isIdentifier(callee)) return ['eslint/config', '@eslint/config-helpers'].includes(importedFrom(tsm, sourceFile, callee.text, 'defineConfig') ?? '');
  return (
    tsm.isPropertyAccessExpression(callee) &&
    tsm.isIdentifier(callee.expression) &&
    callee.name.text === 'config' &&
    importedFrom(tsm, sourceFile, callee.expression.text, 'default') === 'typescript-eslint'
  );
}

/** The module `local` is imported from, as `exported` (`default` for a default or namespace import). */
function importedFrom(tsm: TypeScriptModule, sourceFile: ts.SourceFile, local: string, exported: string): string | undefined {
  for (const statement of sourceFile.statements) {
    if (!tsm.isImportDeclaration(statement) || !tsm.isStringLiteral(statement.moduleSpecifier) || statement.importClause?.isTypeOnly) continue;
    const clause = statement.importClause;
    const module = statement.moduleSpecifier.text;
    if (exported === 'default' && clause?.name?.text === local) return module;
    const bindings = clause?.namedBindings;
    if (!bindings) continue;
    if (tsm.isNamespaceImport(bindings)) {
      if (exported === 'default' && bindings.name.text === local) return module;
      continue;
    }
    const element = bindings.elements.find((item) => item.name.text === local && !item.isTypeOnly);
    if (element && (element.propertyName?.text ?? element.name.text) === exported) return module;
  }
  return undefined;
}

function unwrap(tsm: TypeScriptModule, expression: ts.Expression): ts.Expression {
  let current = expression;
  while (tsm.isParenthesizedExpression(current) || tsm.isAsExpression(current) || tsm.isSatisfiesExpression(current)) current = current.expression;
  return current;
}

function topLevelConst(tsm: TypeScriptModule, sourceFile: ts.SourceFile, name: string): ts.Expression | undefined {
  for (const statement of sourceFile.statements) {
    if (!tsm.isVariableStatement(statement) || !(statement.declarationList.flags & tsm.NodeFlags.Const)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (tsm.isIdentifier(declaration.name) && declaration.name.text === name) return declaration.initializer;
    }
  }
  return undefined;
}

function defaultImportOf(tsm: TypeScriptModule, sourceFile: ts.SourceFile, module: string): string | undefined {
  for (const statement of sourceFile.statements) {
    if (tsm.isImportDeclaration(statement) && tsm.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === module) {
      const name = statement.importClause?.name?.text;
      if (name && !statement.importClause?.isTypeOnly) return name;
    }
  }
  return undefined;
}

function collectIdentifiers(tsm: TypeScriptModule, sourceFile: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (tsm.isIdentifier(node)) names.add(node.text);
    tsm.forEachChild(node, visit);
  };
  visit(sourceFile);
  return names;
}

function hasSyntaxErrors(tsm: TypeScriptModule, file: string, text: string): boolean {
  const typed = /\.[cm]?ts$/.test(file);
  const result = tsm.transpileModule(text, { fileName: typed ? 'eslint.config.ts' : 'eslint.config.js', reportDiagnostics: true, compilerOptions: { allowJs: true } });
  return (result.diagnostics ?? []).some((diagnostic) => diagnostic.category === tsm.DiagnosticCategory.Error);
}

function scriptKind(tsm: TypeScriptModule, file: string): ts.ScriptKind {
  return /\.[cm]?ts$/.test(file) ? tsm.ScriptKind.TS : tsm.ScriptKind.JS;
}

/** The whitespace that starts the line `offset` is on. */
function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** Just past the trailing comma that follows the last entry (comments may sit between). */
function commaAfter(text: string, from: number, to: number): number {
  const comma = text.indexOf(',', from);
  return comma >= 0 && comma < to ? comma + 1 : from;
}

interface Edit {
  at: number;
  text: string;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.at - a.at)) result = result.slice(0, edit.at) + edit.text + result.slice(edit.at);
  return result;
}
