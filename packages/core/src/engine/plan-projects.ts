import { existsSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type ts from 'typescript';
import { UsageError } from '../errors.js';
import type { TypeScriptModule } from '../rule.js';
import { CanonicalPaths, isInsideFolder } from './canonical-paths.js';
import { ConfigProblems } from './config-problems.js';
import { findSources, type SourceTree } from './find-sources.js';
import { ListingBoundary, type ReadDirectory } from './listing-boundary.js';
import { TsconfigLoader } from './load-tsconfigs.js';
import { findProjectRoot, toPosixRelative } from './project-root.js';
import { mayRead } from './read-boundary.js';
import { nonFileKind, type UnreadableFile } from './read-failure.js';
import { SkippedLinks } from './skipped-links.js';
import { Workspaces, type Workspace } from './workspace-packages.js';

/** One Program to build: its roots and options, and which of its files to report on. */
export interface ProjectPlan {
  /** Absolute tsconfig path, or undefined for the default-options project. */
  tsconfigPath: string | undefined;
  /** The folder the project belongs to: the tsconfig's, or where the run was asked to look. */
  rootDir: string;
  rootNames: string[];
  options: ts.CompilerOptions;
  projectReferences: readonly ts.ProjectReference[] | undefined;
  filesToAnalyze: string[];
  /** Lists folders for the Program (project references' `include`) inside the run's listing boundary. */
  readDirectory: ReadDirectory;
  /** The workspace the project is part of: its packages resolve by name when node_modules does not hold them. */
  workspace?: Workspace | undefined;
}

export interface PlanInput {
  ts: TypeScriptModule;
  cwd: string;
  /** Files or directories; default: the cwd. */
  paths: readonly string[];
  /** An explicit tsconfig (`--project`). */
  project?: string;
}

export interface Plan {
  projects: ProjectPlan[];
  /** Each said once. */
  notes: string[];
  /** Files under the given paths that could not be read: each is reported as `premortem/read-error`. */
  unreadable: UnreadableFile[];
}

/** A path given to the run, by its canonical path. */
interface Target {
  path: string;
  isFolder: boolean;
}

/** Compiler options for a folder without tsconfig: what a modern app would most likely use. */
export function defaultCompilerOptions(tsm: TypeScriptModule): ts.CompilerOptions {
  return {
    target: tsm.ScriptTarget.ES2022,
    module: tsm.ModuleKind.ESNext,
    moduleResolution: tsm.ModuleResolutionKind.Bundler,
    jsx: tsm.JsxEmit.ReactJSX,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    resolveJsonModule: true,
    allowJs: false,
    noEmit: true,
  };
}

/**
 * Decides which Programs to build. Every source file under the given paths is analyzed once,
 * under its real path, in the Program of the most specific tsconfig that includes it (nearest
 * folder wins); files no tsconfig includes share one Program with default options. Symbolic
 * links are followed only inside the given paths, and tsconfig `include`s are listed only inside
 * the repository (see ListingBoundary).
 */
export function planProjects(input: PlanInput): Plan {
  const { ts: tsm } = input;
  const cwd = path.resolve(input.cwd);
  const names = new CanonicalPaths();
  for (const folder of [findProjectRoot(cwd), cwd]) names.keepSpelling(folder);
  const targets = resolveTargets(input.paths, cwd, names);
  const skippedLinks = new SkippedLinks();
  const listing = new ListingBoundary(tsm, cwd, skippedLinks, names);
  for (const target of targets) listing.allowRepositoryOf(target.isFolder ? target.path : path.dirname(target.path));
  const problems = new ConfigProblems(tsm, cwd);
  const workspaces = new Workspaces();
  const loader = new TsconfigLoader(tsm, listing, problems, names, workspaces);
  const isInsideTargets = (file: string): boolean => targets.some((target) => isInsideFolder(file, target.path));

  let tree: SourceTree | undefined;
  if (input.project !== undefined) {
    loader.load(resolveProjectOption(input.project, cwd));
  } else {
    const folders = targets.filter((target) => target.isFolder).map((target) => target.path);
    tree = findSources(folders, (file) => isInsideTargets(file) && mayRead(file), skippedLinks, names);
    for (const target of targets) {
      const dir = target.isFolder ? target.path : path.dirname(target.path);
      const nearest = tsm.findConfigFile(dir, (file) => mayRead(file) && tsm.sys.fileExists(file), 'tsconfig.json');
      if (nearest) loader.load(path.resolve(nearest));
    }
    for (const tsconfig of tree.tsconfigs) loader.load(tsconfig);
  }

  const { configs } = loader;
  const wanted = collectTargetFiles(targets, configs, tree, isInsideTargets);
  const byConfig = new Map<string, string[]>();
  const unassigned: string[] = [];
  const owners = ownersByFile(configs);
  for (const file of wanted) {
    const owner = owners.get(file);
    if (owner) (byConfig.get(owner) ?? byConfig.set(owner, []).get(owner)!).push(file);
    else unassigned.push(file);
  }

  // Project references' tsconfigs are parsed again by the compiler: the same boundary, and what it refuses was said above.
  const readDirectory = listing.readDirectory(() => {});
  const projects: ProjectPlan[] = [];
  for (const [configPath, files] of byConfig) {
    const parsed = configs.get(configPath)!;
    projects.push({
      tsconfigPath: configPath,
      rootDir: path.dirname(configPath),
      rootNames: parsed.fileNames,
      options: parsed.options,
      projectReferences: parsed.projectReferences,
      filesToAnalyze: files.sort(),
      readDirectory,
      workspace: workspaces.of(path.dirname(configPath)),
    });
  }
  const notes = new Set(problems.notes());
  if (unassigned.length > 0) {
    const where = configs.size === 0 ? 'no tsconfig.json was found' : 'no tsconfig.json includes them';
    notes.add(`${unassigned.length} file(s) analyzed with default compiler options: ${where}.`);
    projects.push({
      tsconfigPath: undefined,
      rootDir: cwd,
      rootNames: unassigned,
      options: defaultCompilerOptions(tsm),
      projectReferences: undefined,
      filesToAnalyze: unassigned.sort(),
      readDirectory,
      workspace: workspaces.of(cwd),
    });
  }
  for (const note of workspaces.notes()) notes.add(note);
  const linksNote = skippedLinks.note(cwd);
  if (linksNote) notes.add(linksNote);
  for (const { file, reason } of tree?.unlisted ?? []) {
    notes.add(`${toPosixRelative(cwd, file) || '.'} could not be listed (${reason}); the files in it were not analyzed.`);
  }
  const unreadable = [...(tree?.unreadable ?? []), ...[...loader.unreadable.values()].filter((entry) => isInsideTargets(entry.file))];
  return { projects, notes: [...notes], unreadable: uniqueByFile(unreadable).filter((entry) => analyzable(entry.file)) };
}

/**
 * The given paths (default: the cwd) by canonical path: a path given through a link is the
 * user's say-so to go where it leads; its repository keeps the spelling it was given.
 */
function resolveTargets(paths: readonly string[], cwd: string, names: CanonicalPaths): Target[] {
  return (paths.length > 0 ? paths : ['.']).map((given) => {
    const resolved = path.resolve(cwd, given);
    let stats: Stats;
    try {
      stats = statSync(resolved);
    } catch {
      throw new UsageError(`Path not found: ${resolved}. Pass files or folders that exist.`);
    }
    if (!stats.isFile() && !stats.isDirectory()) {
      throw new UsageError(`${given}: ${nonFileKind(resolved) ?? 'not a file'}. Pass source files or folders.`);
    }
    names.keepSpelling(findProjectRoot(stats.isDirectory() ? resolved : path.dirname(resolved)));
    return { path: names.of(resolved), isFolder: stats.isDirectory() };
  });
}

function resolveProjectOption(project: string, cwd: string): string {
  const resolved = path.resolve(cwd, project);
  if (!existsSync(resolved)) {
    throw new UsageError(
      `--project ${project}: no such file or folder. Pass a tsconfig.json (or a folder containing one), e.g. --project ./tsconfig.json.`,
    );
  }
  if (statSync(resolved).isDirectory()) {
    const inside = path.join(resolved, 'tsconfig.json');
    if (!existsSync(inside)) {
      throw new UsageError(`--project ${project}: the folder has no tsconfig.json. Pass the tsconfig file itself.`);
    }
    return inside;
  }
  return resolved;
}

/** The most specific tsconfig for each file: the one whose folder is deepest. */
function ownersByFile(configs: Map<string, ts.ParsedCommandLine>): Map<string, string> {
  const owners = new Map<string, string>();
  const depth = (configPath: string): number => path.dirname(configPath).split(path.sep).length;
  for (const [configPath, parsed] of configs) {
    for (const file of parsed.fileNames) {
      const current = owners.get(file);
      if (current === undefined || depth(configPath) > depth(current)) owners.set(file, configPath);
    }
  }
  return owners;
}

function analyzable(file: string): boolean {
  return !/\.d\.[cm]?ts$/.test(file) && !file.includes(`${path.sep}node_modules${path.sep}`);
}

function collectTargetFiles(
  targets: readonly Target[],
  configs: Map<string, ts.ParsedCommandLine>,
  tree: SourceTree | undefined,
  isInsideTargets: (file: string) => boolean,
): string[] {
  const files = new Set<string>();
  // Files the tsconfigs list (this is how .js files with allowJs come in).
  for (const parsed of configs.values()) {
    for (const file of parsed.fileNames) if (analyzable(file) && isInsideTargets(file)) files.add(file);
  }
  // With --project, only that project's files.
  if (!tree) return [...files];

  for (const file of tree.sources) if (analyzable(file)) files.add(file);
  for (const target of targets) {
    if (!target.isFolder && /\.(?:[cm]?[jt]sx?)$/.test(target.path) && analyzable(target.path)) files.add(target.path);
  }
  return [...files];
}

function uniqueByFile(entries: readonly UnreadableFile[]): UnreadableFile[] {
  return [...new Map(entries.map((entry) => [entry.file, entry])).values()];
}
