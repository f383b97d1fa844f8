import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type ts from 'typescript';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import { walkTree } from '../ast/walk-tree.js';
import type { TypeScriptModule } from '../rule.js';
import { describeParserFailure } from '../engine/unanalyzable-files.js';
import { resolveLocalConst } from './recognize-call.js';

/** The `schema` option of a Prisma config file, as far as reading its text can tell. */
export type ConfigSchema =
  | { kind: 'path'; path: string }
  | { kind: 'absent' }
  | { kind: 'unresolved'; reason: string };

const EXTENSIONS = ['.js', '.ts', '.mjs', '.cjs', '.mts', '.cts'];

/** Where Prisma 6 and 7 look for their config, in their order (@prisma/config `findPrismaConfigFile`). */
export const PRISMA_CONFIG_FILES = ['prisma.config', '.config/prisma', '.config/prisma.config'].flatMap((base) => [
  ...EXTENSIONS.map((extension) => base + extension),
  ...EXTENSIONS.map((extension) => `${base}/index${extension}`),
]);

export function findPrismaConfigFile(rootDir: string): string | undefined {
  return PRISMA_CONFIG_FILES.map((name) => path.join(rootDir, name)).find((file) => existsSync(file) && statSync(file).isFile());
}

/**
 * The `schema` option of the object given to `defineConfig(…)` or exported as default, as an
 * absolute path. The file is parsed, never run, so only literal paths are understood: strings,
 * templates, `path.join`/`path.resolve` of them, `__dirname`, `import.meta.dirname` and
 * `fileURLToPath(new URL('…', import.meta.url))`. Like Prisma, a relative path is taken from the
 * config file's folder; `path.resolve` starts from `cwd`, where the Prisma CLI runs.
 */
export function readConfigSchema(tsm: TypeScriptModule, configFile: string, cwd = path.dirname(configFile)): ConfigSchema {
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch (error) {
    return { kind: 'unresolved', reason: `cannot be read (${error instanceof Error ? error.message : String(error)})` };
  }
  let sourceFile: ts.SourceFile;
  try {
    sourceFile = tsm.createSourceFile(configFile, text, tsm.ScriptTarget.Latest, true);
  } catch (error) {
    return { kind: 'unresolved', reason: `cannot be read: ${describeParserFailure(error)}` };
  }
  for (const config of getConfigObjects(tsm, sourceFile)) {
    const value = getSchemaOption(tsm, config);
    if (!value) continue;
    const evaluated = evaluatePath(tsm, value, { configDir: path.dirname(configFile), cwd }, 0);
    if (evaluated === undefined) {
      const source = value.getText(sourceFile).replace(/\s+/g, ' ');
      return { kind: 'unresolved', reason: `sets \`schema\` to \`${source.length > 80 ? `${source.slice(0, 77)}...` : source}\`, which is only known when the file runs` };
    }
    return { kind: 'path', path: path.resolve(path.dirname(configFile), evaluated) };
  }
  return { kind: 'absent' };
}

/** The config's schema path, or undefined when it has none or it cannot be read statically. */
export function readSchemaFromConfig(tsm: TypeScriptModule, configFile: string, cwd?: string): string | undefined {
  const schema = readConfigSchema(tsm, configFile, cwd);
  return schema.kind === 'path' ? schema.path : undefined;
}

/** Objects given to `defineConfig(…)` anywhere, then the default export (`export default`, `module.exports =`). */
function getConfigObjects(tsm: TypeScriptModule, sourceFile: ts.SourceFile): ts.ObjectLiteralExpression[] {
  const objects: ts.ObjectLiteralExpression[] = [];
  const addObject = (expression: ts.Expression | undefined): void => {
    const value = expression ? resolveLocalConst(tsm, expression) : undefined;
    if (!value) return;
    if (tsm.isObjectLiteralExpression(value)) objects.push(value);
    else if (tsm.isCallExpression(value) && isDefineConfigCall(tsm, value)) addObject(value.arguments[0]);
  };
  walkTree(tsm, sourceFile, (node) => {
    if (tsm.isCallExpression(node) && isDefineConfigCall(tsm, node)) addObject(node.arguments[0]);
  });
  for (const statement of sourceFile.statements) {
    if (tsm.isExportAssignment(statement)) addObject(statement.expression);
    if (tsm.isExpressionStatement(statement) && tsm.isBinaryExpression(statement.expression)) {
      const { left, operatorToken, right } = statement.expression;
      if (operatorToken.kind === tsm.SyntaxKind.EqualsToken && left.getText(sourceFile) === 'module.exports') addObject(right);
    }
  }
  return objects;
}

function isDefineConfigCall(tsm: TypeScriptModule, call: ts.CallExpression): boolean {
  return getCalleeName(tsm, call) === 'defineConfig';
}

/** `schema: …` or the shorthand `schema` (then the `const` it names). */
function getSchemaOption(tsm: TypeScriptModule, config: ts.ObjectLiteralExpression): ts.Expression | undefined {
  for (const property of config.properties) {
    if (tsm.isPropertyAssignment(property) && (tsm.isIdentifier(property.name) || tsm.isStringLiteral(property.name)) && property.name.text === 'schema') {
      return property.initializer;
    }
    if (tsm.isShorthandPropertyAssignment(property) && property.name.text === 'schema') return property.name;
  }
  return undefined;
}

interface PathContext {
  configDir: string;
  cwd: string;
}

const MAX_CONST_DEPTH = 5;

/** A path built from literals only; undefined for anything that needs the program to run. */
function evaluatePath(tsm: TypeScriptModule, node: ts.Expression, context: PathContext, depth: number): string | undefined {
  const expression = skipOuterExpressions(tsm, node);
  if (tsm.isStringLiteralLike(expression)) return expression.text;
  if (tsm.isTemplateExpression(expression)) {
    let text = expression.head.text;
    for (const span of expression.templateSpans) {
      const part = evaluatePath(tsm, span.expression, context, depth);
      if (part === undefined) return undefined;
      text += part + span.literal.text;
    }
    return text;
  }
  if (isDirname(tsm, expression)) return context.configDir;
  if (tsm.isIdentifier(expression)) {
    const value = resolveLocalConst(tsm, expression);
    return value && value !== expression && depth < MAX_CONST_DEPTH ? evaluatePath(tsm, value, context, depth + 1) : undefined;
  }
  if (tsm.isCallExpression(expression)) return evaluatePathCall(tsm, expression, context, depth);
  return undefined;
}

function evaluatePathCall(tsm: TypeScriptModule, call: ts.CallExpression, context: PathContext, depth: number): string | undefined {
  const name = getCalleeName(tsm, call);
  if (name === 'fileURLToPath') return evaluateFileUrl(tsm, call.arguments[0], context);
  if (name !== 'join' && name !== 'resolve') return undefined;
  // `['a', 'b'].join('/')` is an array method, not `path.join`.
  if (tsm.isPropertyAccessExpression(call.expression) && tsm.isArrayLiteralExpression(skipOuterExpressions(tsm, call.expression.expression))) return undefined;
  const parts: string[] = [];
  for (const argument of call.arguments) {
    const part = evaluatePath(tsm, argument, context, depth);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return name === 'join' ? path.join(...parts) : path.resolve(context.cwd, ...parts);
}

/** `new URL('./prisma/schema.prisma', import.meta.url)`: relative to the config file. */
function evaluateFileUrl(tsm: TypeScriptModule, argument: ts.Expression | undefined, context: PathContext): string | undefined {
  const url = argument ? skipOuterExpressions(tsm, argument) : undefined;
  if (!url || !tsm.isNewExpression(url) || !tsm.isIdentifier(url.expression) || url.expression.text !== 'URL') return undefined;
  const [relative, base] = url.arguments ?? [];
  if (!relative || !base || !tsm.isStringLiteralLike(relative) || !isImportMeta(tsm, base, 'url')) return undefined;
  return path.resolve(context.configDir, relative.text);
}

function getCalleeName(tsm: TypeScriptModule, call: ts.CallExpression): string | undefined {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (tsm.isIdentifier(callee)) return callee.text;
  if (tsm.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

function isDirname(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return (tsm.isIdentifier(node) && node.text === '__dirname') || isImportMeta(tsm, node, 'dirname');
}

function isImportMeta(tsm: TypeScriptModule, node: ts.Expression, property: string): boolean {
  return (
    tsm.isPropertyAccessExpression(node) &&
    node.name.text === property &&
    tsm.isMetaProperty(node.expression) &&
    node.expression.keywordToken === tsm.SyntaxKind.ImportKeyword
  );
}
