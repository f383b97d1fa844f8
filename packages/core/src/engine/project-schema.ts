import path from 'node:path';
import type { ProgramQueries } from '../compiler-surface.js';
import { searchPrismaSchemaAsPrisma } from '../prisma/locate-schema.js';
import { loadPrismaSchema, prismaSchemaSearchNotes } from '../prisma/schema-loader.js';
import type { PrismaSchema } from '../prisma/schema.js';
import type { TypeScriptModule } from '../rule.js';
import { toPosixRelative } from './project-root.js';
import type { Workspace, WorkspacePackage } from './workspace-packages.js';

export interface ProjectSchema {
  schema: PrismaSchema | undefined;
  /** Which schema was chosen among several, and why the folders searched had none. */
  notes: string[];
}

/** Whether a folder has a schema by Prisma's own search, and why not; per workspace, as a run asks once per package. */
interface SchemaSearch {
  found: boolean;
  diagnostics: string[];
}
const searchesByWorkspace = new WeakMap<Workspace, Map<string, SchemaSearch>>();

/**
 * The Prisma schema a Program's code queries, in this order:
 * 1. the Program's folder, as Prisma run there would find it;
 * 2. in a workspace, the package the Program gets its Prisma client from: the nearest of its
 *    workspace dependencies (then theirs) whose folder has a schema by Prisma's search;
 * 3. the repository's one schema: the root's by Prisma's search, else the one workspace package
 *    with a schema, else the shallowest schema below the Program's folder or the root.
 * Where several are equally near, the choice is deterministic (those declaring a Prisma
 * dependency first, then by name or path) and a note names the others.
 */
export function loadProjectSchema(
  tsm: TypeScriptModule,
  rootDir: string,
  repositoryRoot: string,
  workspace: Workspace | undefined,
): ProjectSchema {
  const notes: string[] = [];
  const search = (folder: string): SchemaSearch => {
    let known = workspace ? searchesByWorkspace.get(workspace) : undefined;
    if (workspace && !known) searchesByWorkspace.set(workspace, (known = new Map<string, SchemaSearch>()));
    let result = known?.get(folder);
    if (!result) {
      const { found, diagnostics } = searchPrismaSchemaAsPrisma(tsm, folder);
      result = { found: found !== undefined, diagnostics };
      known?.set(folder, result);
    }
    return result;
  };
  const hasSchema = (folder: string): boolean => search(folder).found;
  const load = (folder: string): ProjectSchema => ({ schema: loadPrismaSchema(tsm, folder), notes });

  if (hasSchema(rootDir)) return load(rootDir);
  // Why the Program's own folder has none (a `prisma.schema` that points nowhere), whichever is read instead.
  notes.push(...search(rootDir).diagnostics);
  const owner = workspace?.packageContaining(rootDir);
  if (workspace && owner) {
    const provider = nearestDependencyWithSchema(workspace, owner, (pkg) => hasSchema(pkg.folder));
    if (provider) {
      if (provider.others.length > 0) {
        notes.push(
          `${toPosixRelative(workspace.root, rootDir) || '.'} depends on several workspace packages with a schema (${[provider.chosen, ...provider.others].map((pkg) => pkg.name).join(', ')}); read ${provider.chosen.name}'s.`,
        );
      }
      return load(provider.chosen.folder);
    }
  }
  if (repositoryRoot !== rootDir && hasSchema(repositoryRoot)) return load(repositoryRoot);
  if (workspace) {
    const withSchema = [...workspace.packages.values()].filter((pkg) => hasSchema(pkg.folder)).sort(byDepthThenPath);
    const [chosen, ...others] = withSchema;
    if (chosen) {
      if (others.length > 0) {
        const names = withSchema.map((pkg) => toPosixRelative(workspace.root, pkg.folder) || '.');
        notes.push(`several workspace packages have a schema (${names.join(', ')}) and ${toPosixRelative(workspace.root, rootDir) || '.'} depends on none of them; read ${names[0]}'s.`);
      }
      return load(chosen.folder);
    }
  }
  // No workspace says where: the shallowest schema below the Program's folder, then below the root.
  const schema = loadPrismaSchema(tsm, rootDir) ?? (repositoryRoot !== rootDir ? loadPrismaSchema(tsm, repositoryRoot) : undefined);
  const searched = repositoryRoot !== rootDir ? [rootDir, repositoryRoot] : [rootDir];
  return { schema, notes: [...new Set([...notes, ...prismaSchemaSearchNotes(...searched)])] };
}

/**
 * Breadth-first through the workspace dependencies of `owner`: the first level with a package
 * that has a schema, its packages declaring a Prisma dependency first, then by name.
 */
function nearestDependencyWithSchema(
  workspace: Workspace,
  owner: WorkspacePackage,
  hasSchema: (pkg: WorkspacePackage) => boolean,
): { chosen: WorkspacePackage; others: WorkspacePackage[] } | undefined {
  const seen = new Set<WorkspacePackage>([owner]);
  let level = [owner];
  while (level.length > 0) {
    const next = [...new Set(level.flatMap((pkg) => workspace.dependenciesOf(pkg)))].filter((pkg) => !seen.has(pkg));
    for (const pkg of next) seen.add(pkg);
    const found = next.filter(hasSchema).sort((a, b) => Number(declaresPrisma(b)) - Number(declaresPrisma(a)) || a.name.localeCompare(b.name));
    const [chosen, ...others] = found;
    if (chosen) return { chosen, others: others.filter((pkg) => declaresPrisma(pkg) === declaresPrisma(chosen)) };
    level = next;
  }
  return undefined;
}

/** The package depends on Prisma's client or CLI: it is the one that generates and hands out the client. */
function declaresPrisma(pkg: WorkspacePackage): boolean {
  return ['dependencies', 'devDependencies', 'peerDependencies'].some((field) => {
    const declared = pkg.manifest[field];
    return typeof declared === 'object' && declared !== null && ('@prisma/client' in declared || 'prisma' in declared);
  });
}

function byDepthThenPath(a: WorkspacePackage, b: WorkspacePackage): number {
  return a.folder.split(path.sep).length - b.folder.split(path.sep).length || a.folder.localeCompare(b.folder);
}

/** Module specifiers of Prisma's client: the package, its generated `.prisma/client`, and a client generated into the project. */
const PRISMA_CLIENT = /^@prisma\/client(?:\/|$)|^\.prisma\/client(?:\/|$)|(?:^|\/)generated\/prisma(?:\/|$)|(?:^|\/)prisma\/client(?:\/|$)/;

/**
 * The project's files that import Prisma's client, by import and export declarations at their
 * top level (a few statements per file, no walk): evidence that Prisma queries exist, to say so
 * when no schema was found to recognize them.
 */
export function filesImportingPrismaClient(tsm: TypeScriptModule, program: ProgramQueries): string[] {
  const files: string[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || sourceFile.fileName.includes('/node_modules/')) continue;
    const imports = sourceFile.statements.some((statement) => {
      const specifier = tsm.isImportDeclaration(statement) || tsm.isExportDeclaration(statement) ? statement.moduleSpecifier : undefined;
      return specifier !== undefined && tsm.isStringLiteral(specifier) && PRISMA_CLIENT.test(specifier.text);
    });
    if (imports) files.push(sourceFile.fileName);
  }
  return files;
}
