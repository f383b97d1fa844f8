import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ProgramQueries } from '../compiler-surface.js';
import { loadConfig, type PremortemConfig } from '../config/load-config.js';
import { UsageError } from '../errors.js';
import type { PrismaSchema } from '../prisma/schema.js';
import { readStatsFile, STATS_FILE, TableStatistics } from '../prisma/table-statistics.js';
import type { TypeScriptModule } from '../rule.js';
import { timeProjectIndex } from './program-cache.js';
import { getProgramRoot } from './program-root.js';
import { getRememberedWorkspace } from './program-workspace.js';
import { filesImportingPrismaClient, loadProjectSchema } from './project-schema.js';
import { findProjectRoot, toPosixRelative } from './project-root.js';
import { Workspaces } from './workspace-packages.js';
import { mayRead } from './read-boundary.js';

/**
 * Facts about the whole project that rules share: computed once per Program, on first use, and
 * cached by Program so the editor and a CLI run each pay for them once.
 */
export interface ProjectFacts {
  /** The tsconfig's folder (or the Program's working folder). */
  readonly rootDir: string;
  /** The enclosing git work tree, where config and stats files live. */
  readonly repositoryRoot: string;
  config(): PremortemConfig;
  /** The parsed Prisma schema, or undefined when the project has none. */
  prismaSchema(): PrismaSchema | undefined;
  /** What to tell the user about the schema: its problems, or why none was found. */
  prismaSchemaNotes(): readonly string[];
  tableStatistics(): TableStatistics;
}

const cache = new WeakMap<ProgramQueries, ProjectFacts>();

export function getProjectFacts(tsm: TypeScriptModule, program: ProgramQueries): ProjectFacts {
  let facts = cache.get(program);
  if (!facts) {
    facts = createProjectFacts(tsm, program);
    cache.set(program, facts);
  }
  return facts;
}

function createProjectFacts(tsm: TypeScriptModule, program: ProgramQueries): ProjectFacts {
  const rootDir = getProgramRoot(program);
  const repositoryRoot = findProjectRoot(rootDir);
  const once = <T>(compute: () => T): (() => T) => {
    let value: { v: T } | undefined;
    return () => (value ??= { v: compute() }).v;
  };
  const config = once(() => loadConfig(repositoryRoot).config);
  const projectSchema = once(() =>
    timeProjectIndex('prisma schema', () => {
      // A Program the engine built shares its run's workspace; the ESLint front's reads its own, once per Program.
      const remembered = getRememberedWorkspace(program);
      const workspace = remembered === 'unknown' ? new Workspaces().of(rootDir) : remembered;
      return loadProjectSchema(tsm, rootDir, repositoryRoot, workspace);
    }),
  );
  const prismaSchema = (): PrismaSchema | undefined => projectSchema().schema;
  const tableStatistics = once(() => {
    const configured = config().prisma;
    if (configured?.stats && !mayRead(path.resolve(repositoryRoot, configured.stats))) {
      throw new UsageError(`prisma.stats in the premortem config is ${configured.stats}, outside the repository; give a path inside it.`);
    }
    const candidates = configured?.stats
      ? [path.resolve(repositoryRoot, configured.stats)]
      : [path.join(rootDir, STATS_FILE), path.join(repositoryRoot, STATS_FILE)];
    const file = candidates.find((candidate) => existsSync(candidate));
    return new TableStatistics(file ? readStatsFile(file) : undefined, configured?.rows ?? {});
  });
  // The schema's own problems, which one was chosen among several, why a folder searched had none;
  // and, when the code imports Prisma's client and no schema was found, that its queries went unrecognized.
  const prismaSchemaNotes = once((): readonly string[] => {
    const { schema, notes } = projectSchema();
    const clientImports = schema ? [] : filesImportingPrismaClient(tsm, program);
    const missing = clientImports.length > 0 ? [noSchemaNote(rootDir, repositoryRoot, clientImports)] : [];
    return [...new Set([...(schema?.diagnostics ?? []), ...notes, ...missing])];
  });
  return { rootDir, repositoryRoot, config, prismaSchema, prismaSchemaNotes, tableStatistics };
}

/** No schema, yet the code imports Prisma's client: its queries went unrecognized, and the user should hear why. */
function noSchemaNote(rootDir: string, repositoryRoot: string, clientImports: readonly string[]): string {
  const project = toPosixRelative(repositoryRoot, rootDir) || '.';
  const [first, ...more] = clientImports.map((file) => toPosixRelative(repositoryRoot, file));
  const where = more.length > 0 ? `${first} and ${more.length} more file(s)` : first;
  return `${where} ${more.length > 0 ? 'import' : 'imports'} Prisma's client, but no schema was found for ${project} (in its folder, its workspace dependencies or the repository), so no Prisma query there was recognized. Put the schema where Prisma looks (schema.prisma, prisma/schema.prisma, prisma/schema/) or name it in prisma.config.ts or package.json "prisma.schema".`;
}
