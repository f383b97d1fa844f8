import path from 'node:path';
import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';
import type { ProjectPlan } from './plan-projects.js';
import { mayRead, readsConfined } from './read-boundary.js';
import { isInsideFolder } from './canonical-paths.js';
import { guardSourceFiles } from './unanalyzable-files.js';
import { resolveUnresolvedWorkspaceImports } from './workspace-links.js';
import { rememberWorkspace } from './program-workspace.js';

/**
 * One Program for one planned project. Imports of referenced projects resolve to their sources,
 * as in the editor, so unbuilt monorepos type-check the same way in CI.
 */
export function createProgramForPlan(tsm: TypeScriptModule, plan: ProjectPlan, shared?: SharedSourceFiles): ts.Program {
  const options: ts.CompilerOptions = { ...plan.options, noEmit: true };
  // No parent pointers at parse time: the checker is always made before any rule runs, and binding
  // sets them anyway. JSDoc in TypeScript files is parsed only where types need it, as tsc does;
  // no rule reads it.
  const host = tsm.createCompilerHost(options, false) as ts.CompilerHost & {
    useSourceOfProjectReferenceRedirect?: () => boolean;
  };
  host.jsDocParsingMode = tsm.JSDocParsingMode.ParseForTypeErrors;
  host.useSourceOfProjectReferenceRedirect = () => true;
  // Without a tsconfig the Program's folder is the project's (its schema, its config), not the process's.
  if (!plan.tsconfigPath) host.getCurrentDirectory = () => plan.rootDir;
  confineHost(tsm, host, options);
  // Project references' tsconfigs are parsed again here: their `include` is listed inside the same boundary as in planning.
  host.readDirectory = plan.readDirectory;
  // Before sharing: a file left out is shared as its empty stand-in, and reported by every Program.
  guardSourceFiles(tsm, host, options);
  if (shared) shared.attach(host, options);
  resolveUnresolvedWorkspaceImports(tsm, host, options, plan.workspace);
  const program = tsm.createProgram({
    rootNames: plan.rootNames,
    options,
    host,
    ...(plan.projectReferences ? { projectReferences: plan.projectReferences } : {}),
  });
  shared?.keepOnly(program);
  rememberWorkspace(program, plan.workspace);
  return program;
}

/**
 * Keeps the compiler inside the read boundary (see read-boundary.ts), TypeScript's own lib files
 * aside: sources, module resolution and `types` see nothing outside it. A no-op when unset.
 */
function confineHost(tsm: TypeScriptModule, host: ts.CompilerHost, options: ts.CompilerOptions): void {
  if (!readsConfined()) return;
  const libFolder = path.dirname(tsm.getDefaultLibFilePath(options));
  const allowed = (file: string): boolean => mayRead(file) || isInsideFolder(file, libFolder);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const directoryExists = host.directoryExists?.bind(host);
  const getDirectories = host.getDirectories?.bind(host);
  const realpath = host.realpath?.bind(host);
  host.fileExists = (file) => allowed(file) && fileExists(file);
  host.readFile = (file) => (allowed(file) ? readFile(file) : undefined);
  if (directoryExists) host.directoryExists = (folder) => allowed(folder) && directoryExists(folder);
  if (getDirectories) host.getDirectories = (folder) => (allowed(folder) ? getDirectories(folder) : []);
  if (realpath) host.realpath = (file) => (allowed(file) ? realpath(file) : file);
}

/**
 * Parsed (and, once a checker has run, bound) source files handed from one Program of a run to
 * the next, as the language service's document registry does between projects: the tsconfigs of
 * a monorepo parse the same `lib.*.d.ts`, `@types` and shared packages. Only the files the latest
 * Program uses are kept, so memory stays what one Program needs.
 */
export class SharedSourceFiles {
  #files = new Map<string, ts.SourceFile>();

  attach(host: ts.CompilerHost, options: ts.CompilerOptions): void {
    const parse = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) => {
      if (shouldCreateNewSourceFile) return parse(fileName, languageVersionOrOptions, onError, true);
      const settings = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
      // Everything that changes how a file parses: target, module format, JSDoc mode, and the
      // options that decide whether a file is a module (moduleDetection, jsx).
      const key = [settings.languageVersion, settings.impliedNodeFormat, settings.jsDocParsingMode, options.moduleDetection, options.jsx, fileName].join('|');
      const known = this.#files.get(key);
      if (known) return known;
      const parsed = parse(fileName, languageVersionOrOptions, onError, false);
      if (parsed) this.#files.set(key, parsed);
      return parsed;
    };
  }

  keepOnly(program: ts.Program): void {
    const used = new Set(program.getSourceFiles());
    for (const [key, file] of this.#files) if (!used.has(file)) this.#files.delete(key);
  }
}
