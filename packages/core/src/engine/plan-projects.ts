import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type ts from 'typescript';
import { globSync } from 'tinyglobby';
import { UsageError } from '../errors.js';
import type { TypeScriptModule } from '../rule.js';
import { ConfigProblems } from './config-problems.js';
import { mayRead } from './read-boundary.js';

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
}

const SOURCE_GLOB = '**/*.{ts,tsx,mts,cts}';
const IGNORED_DIRS = ['**/node_modules/**', '**/.git/**', '**/.next/**', '**/dist/**', '**/build/**', '**/coverage/**'];

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
 * in the Program of the most specific tsconfig that includes it (nearest folder wins); files no
 * tsconfig includes share one Program with default options.
 */
export function planProjects(input: PlanInput): Plan {
  const { ts: tsm, cwd } = input;
  const problems = new ConfigProblems(tsm, path.resolve(cwd));
  const targets = (input.paths.length > 0 ? input.paths : ['.']).map((p) => path.resolve(cwd, p));
  for (const target of targets) {
    if (!existsSync(target)) throw new UsageError(`Path not found: ${target}. Pass files or folders that exist.`);
  }

  const configs = new Map<string, ts.ParsedCommandLine>();
  const load = (configPath: string): void => loadConfigTree(tsm, configPath, configs, problems);

  if (input.project !== undefined) {
    const explicit = resolveProjectOption(input.project, cwd);
    load(explicit);
  } else {
    for (const target of targets) {
      const dir = isDirectory(target) ? target : path.dirname(target);
      const nearest = tsm.findConfigFile(dir, (file) => mayRead(file) && tsm.sys.fileExists(file), 'tsconfig.json');
      if (nearest) load(path.resolve(nearest));
      if (isDirectory(target)) {
        for (const found of globSync('**/tsconfig.json', { cwd: target, ignore: IGNORED_DIRS, absolute: true })) {
          load(path.resolve(found));
        }
      }
    }
  }

  const wanted = collectTargetFiles(targets, configs, input.project !== undefined);
  const byConfig = new Map<string, string[]>();
  const unassigned: string[] = [];
  const owners = ownersByFile(configs);
  for (const file of wanted) {
    const owner = owners.get(file);
    if (owner) (byConfig.get(owner) ?? byConfig.set(owner, []).get(owner)!).push(file);
    else unassigned.push(file);
  }

  const projects: ProjectPlan[] = [];
  const notes = new Set(problems.notes());
  for (const [configPath, files] of byConfig) {
    const parsed = configs.get(configPath)!;
    projects.push({
      tsconfigPath: configPath,
      rootDir: path.dirname(configPath),
      rootNames: parsed.fileNames,
      options: parsed.options,
      projectReferences: parsed.projectReferences,
      filesToAnalyze: files.sort(),
    });
  }
  if (unassigned.length > 0) {
    const where = configs.size === 0 ? 'no tsconfig.json was found' : 'no tsconfig.json includes them';
    notes.add(`${unassigned.length} file(s) analyzed with default compiler options: ${where}.`);
    projects.push({
      tsconfigPath: undefined,
      rootDir: path.resolve(cwd),
      rootNames: unassigned,
      options: defaultCompilerOptions(tsm),
      projectReferences: undefined,
      filesToAnalyze: unassigned.sort(),
    });
  }
  return { projects, notes: [...notes] };
}

function resolveProjectOption(project: string, cwd: string): string {
  const resolved = path.resolve(cwd, project);
  if (!existsSync(resolved)) {
    throw new UsageError(
      `--project ${project}: no such file or folder. Pass a tsconfig.json (or a folder containing one), e.g. --project ./tsconfig.json.`,
    );
  }
  if (isDirectory(resolved)) {
    const inside = path.join(resolved, 'tsconfig.json');
    if (!existsSync(inside)) {
      throw new UsageError(`--project ${project}: the folder has no tsconfig.json. Pass the tsconfig file itself.`);
    }
    return inside;
  }
  return resolved;
}

/** Parses a tsconfig and, recursively, the projects it references. */
function loadConfigTree(
  tsm: TypeScriptModule,
  configPath: string,
  configs: Map<string, ts.ParsedCommandLine>,
  problems: ConfigProblems,
): void {
  if (configs.has(configPath)) return;
  const host = confinedConfigHost(tsm);
  const read = tsm.readConfigFile(configPath, (file) => host.readFile(file));
  if (read.error) {
    const detail = tsm.flattenDiagnosticMessageText(read.error.messageText, '\n');
    throw new UsageError(`Cannot read ${configPath}: ${detail}. Fix the file or pass another one with --project.`);
  }
  const parsed = tsm.parseJsonConfigFileContent(read.config, host, path.dirname(configPath), undefined, configPath);
  problems.addDiagnostics(configPath, parsed.errors);
  parsed.fileNames = parsed.fileNames.map((f) => path.resolve(f)).filter((f) => mayRead(f));
  configs.set(configPath, parsed);
  for (const reference of parsed.projectReferences ?? []) {
    const referenced = tsm.resolveProjectReferencePath(reference);
    if (!mayRead(referenced)) problems.addNote(configPath, `referenced project ${referenced} is outside the repository and was not read.`);
    else if (existsSync(referenced)) loadConfigTree(tsm, path.resolve(referenced), configs, problems);
    else problems.addNote(configPath, `referenced project ${referenced} does not exist.`);
  }
}

/** `ts.sys` for reading tsconfigs, blind outside the read boundary (`extends`, `include`, `files`). */
function confinedConfigHost(tsm: TypeScriptModule): ts.ParseConfigHost {
  const { sys } = tsm;
  return {
    useCaseSensitiveFileNames: sys.useCaseSensitiveFileNames,
    readDirectory: (root, extensions, excludes, includes, depth) =>
      mayRead(root) ? sys.readDirectory(root, extensions, excludes, includes, depth).filter((file) => mayRead(file)) : [],
    fileExists: (file) => mayRead(file) && sys.fileExists(file),
    readFile: (file) => (mayRead(file) ? sys.readFile(file) : undefined),
  };
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

function collectTargetFiles(
  targets: readonly string[],
  configs: Map<string, ts.ParsedCommandLine>,
  explicitProject: boolean,
): string[] {
  const files = new Set<string>();
  const isInsideTargets = (file: string): boolean =>
    targets.some((t) => file === t || file.startsWith(t.endsWith(path.sep) ? t : t + path.sep));
  const analyzable = (file: string): boolean => !/\.d\.[cm]?ts$/.test(file) && !file.includes(`${path.sep}node_modules${path.sep}`);

  // Files the tsconfigs list (this is how .js files with allowJs come in).
  for (const parsed of configs.values()) {
    for (const file of parsed.fileNames) if (analyzable(file) && isInsideTargets(file)) files.add(file);
  }
  if (explicitProject) return [...files];

  for (const target of targets) {
    if (isDirectory(target)) {
      for (const found of globSync(SOURCE_GLOB, { cwd: target, ignore: IGNORED_DIRS, absolute: true })) {
        const file = path.resolve(found);
        if (analyzable(file)) files.add(file);
      }
    } else if (/\.(?:[cm]?[jt]sx?)$/.test(target) && analyzable(target)) {
      files.add(target);
    }
  }
  return [...files];
}

function isDirectory(p: string): boolean {
  return statSync(p).isDirectory();
}
