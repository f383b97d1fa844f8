import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type ts from 'typescript';
import { globSync } from 'tinyglobby';
import type { TypeScriptModule } from '../rule.js';

export interface SchemaLocation {
  files: string[];
  /** How it was found, for messages: `package.json prisma.schema`, `prisma.config.ts`, `prisma/schema.prisma`… */
  via: string;
}

const CONFIG_FILES = ['prisma.config.ts', 'prisma.config.mts', 'prisma.config.js', 'prisma.config.mjs', '.config/prisma.ts'];
const CONVENTIONAL = ['prisma/schema.prisma', 'schema.prisma', 'prisma/schema'];
const IGNORED = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/.next/**', '**/build/**'];

/**
 * Where a project's Prisma schema lives, the way Prisma looks for it: `package.json`
 * `prisma.schema`, then `prisma.config.ts` (read as text, never run), then the conventional
 * paths; in a monorepo, the shallowest schema below `rootDir`.
 */
export function locatePrismaSchema(tsm: TypeScriptModule, rootDir: string): SchemaLocation | undefined {
  const fromPackage = readPackageJsonSchema(rootDir);
  if (fromPackage) return expand(path.resolve(rootDir, fromPackage), 'package.json prisma.schema');
  for (const name of CONFIG_FILES) {
    const configFile = path.join(rootDir, name);
    if (!existsSync(configFile)) continue;
    const schema = readSchemaFromConfig(tsm, configFile);
    if (schema) return expand(path.resolve(path.dirname(configFile), schema), name);
  }
  for (const candidate of CONVENTIONAL) {
    const found = expand(path.join(rootDir, candidate), candidate);
    if (found) return found;
  }
  const nested = globSync(['**/schema.prisma', '**/prisma/schema/*.prisma'], { cwd: rootDir, ignore: IGNORED, absolute: true, deep: 6 });
  if (nested.length === 0) return undefined;
  const depth = (file: string) => file.split(/[\\/]/).length;
  const shallowest = Math.min(...nested.map(depth));
  const first = nested.filter((file) => depth(file) === shallowest).sort()[0]!;
  return expand(path.basename(first) === 'schema.prisma' ? first : path.dirname(first), path.relative(rootDir, first));
}

/** A file, or every `.prisma` file under a folder (a multi-file schema). */
function expand(target: string, via: string): SchemaLocation | undefined {
  if (!existsSync(target)) return undefined;
  if (statSync(target).isFile()) return { files: [target], via };
  const files = globSync('**/*.prisma', { cwd: target, ignore: IGNORED, absolute: true }).sort();
  return files.length > 0 ? { files, via } : undefined;
}

function readPackageJsonSchema(rootDir: string): string | undefined {
  const file = path.join(rootDir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { prisma?: { schema?: unknown } };
    return typeof json.prisma?.schema === 'string' ? json.prisma.schema : undefined;
  } catch {
    // A broken package.json is not ours to report; the conventional paths still apply.
    return undefined;
  }
}

/**
 * The `schema` option of `defineConfig({ … })` or the default export, when it is a string
 * literal or `path.join(…)`/`path.resolve(…)` of literals. The file is parsed, not executed.
 */
export function readSchemaFromConfig(tsm: TypeScriptModule, configFile: string): string | undefined {
  const sourceFile = tsm.createSourceFile(configFile, readFileSync(configFile, 'utf8'), tsm.ScriptTarget.Latest, true);
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (found !== undefined) return;
    if (tsm.isPropertyAssignment(node) && tsm.isIdentifier(node.name) && node.name.text === 'schema') {
      found = staticPath(tsm, node.initializer);
      if (found !== undefined) return;
    }
    tsm.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function staticPath(tsm: TypeScriptModule, node: ts.Expression): string | undefined {
  if (tsm.isStringLiteralLike(node)) return node.text;
  if (tsm.isCallExpression(node) && tsm.isPropertyAccessExpression(node.expression) && ['join', 'resolve'].includes(node.expression.name.text)) {
    const parts = node.arguments.map((arg) => (tsm.isStringLiteralLike(arg) ? arg.text : isDirname(tsm, arg) ? '.' : undefined));
    if (parts.every((part): part is string => part !== undefined)) return path.join(...parts);
  }
  return undefined;
}

function isDirname(tsm: TypeScriptModule, node: ts.Expression): boolean {
  if (tsm.isIdentifier(node)) return node.text === '__dirname';
  return tsm.isPropertyAccessExpression(node) && node.name.text === 'dirname' && node.expression.getText().startsWith('import.meta');
}
