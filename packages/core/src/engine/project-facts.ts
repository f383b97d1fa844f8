import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ProgramQueries } from '../compiler-surface.js';
import { loadConfig, type PremortemConfig } from '../config/load-config.js';
import { UsageError } from '../errors.js';
import { loadPrismaSchema, prismaSchemaSearchNotes } from '../prisma/schema-loader.js';
import type { PrismaSchema } from '../prisma/schema.js';
import { readStatsFile, STATS_FILE, TableStatistics } from '../prisma/table-statistics.js';
import type { TypeScriptModule } from '../rule.js';
import { timeProjectIndex } from './program-cache.js';
import { getProgramRoot } from './program-root.js';
import { findProjectRoot } from './project-root.js';
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
  const prismaSchema = once(() =>
    timeProjectIndex('prisma schema', () => loadPrismaSchema(tsm, rootDir) ?? (repositoryRoot !== rootDir ? loadPrismaSchema(tsm, repositoryRoot) : undefined)),
  );
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
  // The schema's own problems, and why a folder searched before it (or instead) had none.
  const prismaSchemaNotes = (): readonly string[] => {
    const searched = repositoryRoot !== rootDir ? [rootDir, repositoryRoot] : [rootDir];
    return [...new Set([...(prismaSchema()?.diagnostics ?? []), ...prismaSchemaSearchNotes(...searched)])];
  };
  return { rootDir, repositoryRoot, config, prismaSchema, prismaSchemaNotes, tableStatistics };
}
