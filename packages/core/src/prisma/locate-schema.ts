import { statSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { mayRead } from '../engine/read-boundary.js';
import { readPackageManifest } from '../engine/workspace-manifest.js';
import type { TypeScriptModule } from '../rule.js';
import { findPrismaConfigFile, readConfigSchema } from './config-schema.js';

export { readSchemaFromConfig } from './config-schema.js';

export interface SchemaLocation {
  /** Absolute paths of the schema's `.prisma` files. */
  files: string[];
  /** How it was found, for messages: `prisma.config.ts`, `package.json prisma.schema`, `prisma/schema.prisma`… */
  via: string;
  /** Sources set aside on the way: a config whose `schema` is computed, a path that does not exist. */
  diagnostics: string[];
}

type Found = Omit<SchemaLocation, 'diagnostics'>;

/** Prisma's default places, in its order (`getDefaultSchema` in @prisma/internals). */
const CONVENTIONAL = ['schema.prisma', 'prisma/schema.prisma', 'prisma/schema'];
const IGNORED = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/.next/**', '**/build/**'];
// Searches walk the repository's own folders and no symbolic link (one could lead to `/` or a
// sibling checkout). A schema path named outright is still read through a link.
const WALK = { ignore: IGNORED, followSymbolicLinks: false };
const MONOREPO_DEPTH = 8;

/**
 * Where a project's Prisma schema lives, in the order Prisma 6 looks: the config file's `schema`
 * (read as text, never run), `package.json` `prisma.schema`, then `schema.prisma`,
 * `prisma/schema.prisma` and the `prisma/schema/` folder. In a monorepo, whose root has none of
 * these, the shallowest schema below `rootDir`.
 */
export function locatePrismaSchema(tsm: TypeScriptModule, rootDir: string): SchemaLocation | undefined {
  const { found, diagnostics } = searchPrismaSchema(tsm, rootDir);
  return found ? { ...found, diagnostics } : undefined;
}

/**
 * The same search, also when it finds nothing: then `diagnostics` says which sources pointed
 * nowhere (a `prisma.schema` with a typo), so that the user hears why no Prisma rule had a schema.
 */
export function searchPrismaSchema(tsm: TypeScriptModule, rootDir: string): { found: Found | undefined; diagnostics: string[] } {
  const diagnostics: string[] = [];
  const found = searchAsPrisma(tsm, rootDir, diagnostics) ?? fromShallowestBelow(rootDir, diagnostics);
  return { found, diagnostics };
}

/**
 * Prisma's own search in one folder, as the Prisma CLI run there would do it (its config file,
 * `package.json` `prisma.schema`, the default places), without looking below: whether a package
 * of a workspace has a schema of its own.
 */
export function searchPrismaSchemaAsPrisma(tsm: TypeScriptModule, rootDir: string): { found: Found | undefined; diagnostics: string[] } {
  const diagnostics: string[] = [];
  return { found: searchAsPrisma(tsm, rootDir, diagnostics), diagnostics };
}

function searchAsPrisma(tsm: TypeScriptModule, rootDir: string, diagnostics: string[]): Found | undefined {
  return fromConfigFile(tsm, rootDir, diagnostics) ?? fromPackageJson(rootDir, diagnostics) ?? fromConventionalPaths(rootDir);
}

function fromConfigFile(tsm: TypeScriptModule, rootDir: string, diagnostics: string[]): Found | undefined {
  const configFile = findPrismaConfigFile(rootDir);
  if (!configFile) return undefined;
  const via = toPosix(path.relative(rootDir, configFile));
  const schema = readConfigSchema(tsm, configFile, rootDir);
  if (schema.kind === 'absent') return undefined;
  if (schema.kind === 'unresolved') {
    diagnostics.push(`${via} ${schema.reason}; looked for the schema where Prisma looks by default instead`);
    return undefined;
  }
  if (!mayRead(schema.path)) {
    diagnostics.push(`${via} sets \`schema\` to ${schema.path}, outside the repository, which was not read`);
    return undefined;
  }
  const files = expand(schema.path);
  if (files) return { files, via };
  diagnostics.push(`${via} sets \`schema\` to ${schema.path}, which holds no .prisma file`);
  return undefined;
}

function fromPackageJson(rootDir: string, diagnostics: string[]): Found | undefined {
  // Size-limited, as data. No package.json, or a broken one, is not ours to report: the default places still apply.
  const read = readPackageManifest(rootDir);
  if (!read || 'problem' in read) return undefined;
  const prisma = read.value['prisma'];
  const schema = typeof prisma === 'object' && prisma !== null ? (prisma as { schema?: unknown }).schema : undefined;
  if (schema === undefined) return undefined;
  const via = 'package.json prisma.schema';
  if (typeof schema !== 'string') {
    diagnostics.push(`${via} is not a string and was ignored`);
    return undefined;
  }
  if (!mayRead(path.resolve(rootDir, schema))) {
    diagnostics.push(`${via} is ${schema}, outside the repository, which was not read`);
    return undefined;
  }
  const files = expand(path.resolve(rootDir, schema));
  if (files) return { files, via };
  diagnostics.push(`${via} is ${schema}, which holds no .prisma file`);
  return undefined;
}

function fromConventionalPaths(rootDir: string): Found | undefined {
  for (const candidate of CONVENTIONAL) {
    const files = expand(path.join(rootDir, candidate));
    if (files) return { files, via: candidate };
  }
  return undefined;
}

/** A monorepo: the shallowest `schema.prisma` or `prisma/schema/` folder; the others are named in a diagnostic. */
function fromShallowestBelow(rootDir: string, diagnostics: string[]): Found | undefined {
  const matches = globSync(['**/schema.prisma', '**/prisma/schema/**/*.prisma'], { ...WALK, cwd: rootDir, deep: MONOREPO_DEPTH });
  const targets = [...new Set(matches.map(toSchemaTarget))];
  if (targets.length === 0) return undefined;
  const depth = (target: string) => target.split('/').length;
  const shallowest = Math.min(...targets.map(depth));
  const [chosen, ...others] = targets.filter((target) => depth(target) === shallowest).sort();
  if (!chosen) return undefined;
  if (others.length > 0) {
    diagnostics.push(`found several schemas at the same depth (${[chosen, ...others].join(', ')}) and read ${chosen}; set \`schema\` in prisma.config.ts to choose`);
  }
  const files = expand(path.join(rootDir, chosen));
  return files ? { files, via: chosen } : undefined;
}

/** A file inside a `prisma/schema/` folder stands for the folder: a multi-file schema. */
function toSchemaTarget(match: string): string {
  const parts = match.split('/');
  const prisma = parts.findIndex((part, i) => part === 'prisma' && parts[i + 1] === 'schema' && i + 2 < parts.length);
  return prisma >= 0 ? parts.slice(0, prisma + 2).join('/') : match;
}

/** A file, or every `.prisma` file under a folder, recursively, as Prisma reads a multi-file schema. */
function expand(target: string): string[] | undefined {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    return undefined;
  }
  if (stats.isFile()) return [target];
  if (!stats.isDirectory()) return undefined;
  const files = globSync('**/*.prisma', { ...WALK, cwd: target, absolute: true }).sort();
  return files.length > 0 ? files.map((file) => path.normalize(file)) : undefined;
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}
