import path from 'node:path';
import picomatch from 'picomatch';
import type ts from 'typescript';
import type { ProgramQueries } from '../compiler-surface.js';
import type { FunctionLike } from '../ast/functions.js';
import { isProjectSource } from '../ast/symbols.js';
import { perSourceFile } from '../engine/program-cache.js';
import { projectPathSegments } from '../engine/program-root.js';
import { toPosixRelative } from '../engine/project-root.js';
import type { TypeScriptModule } from '../rule.js';
import { functionOf } from './fetch-summaries.js';
import { getReactFunctionKind } from './react-functions.js';

export interface AppShell {
  sourceFile: ts.SourceFile;
  /** How the message names it: `root layout`, `layout of 12 pages`, `pages/_app`, `shell`. */
  kind: string;
  components: FunctionLike[];
}

export interface ShellOptions {
  /** Globs (relative to the project root) of custom shells every page renders inside. */
  shells: readonly string[];
  /** A nested layout wrapping at least this many pages counts as a shell. */
  layoutPages: number;
}

/**
 * The files whose components render on every page: Next.js root layouts (route groups
 * included), nested layouts over many pages, `pages/_app`, and configured shell globs.
 */
export function findAppShells(tsm: TypeScriptModule, program: ProgramQueries, rootDir: string, options: ShellOptions): AppShell[] {
  const files = program.getSourceFiles().filter((file) => isProjectSource(program, file));
  const globs = options.shells.length > 0 ? picomatch([...options.shells], { dot: true }) : undefined;
  // Kept with each file: the editor asks again for every Program version, and the answer depends
  // only on the file's name, the root and the globs.
  const key = `shell-glob:${rootDir}:${JSON.stringify(options.shells)}`;
  const matchesShell = (sourceFile: ts.SourceFile): boolean =>
    globs !== undefined &&
    perSourceFile(sourceFile, key, () => {
      const relative = toPosixRelative(rootDir, sourceFile.fileName);
      return !relative.startsWith('..') && globs(relative);
    });
  const pageDirs = files.filter((file) => /^page\.[cm]?[jt]sx?$/.test(path.basename(file.fileName))).map((file) => path.dirname(file.fileName));
  const shells: AppShell[] = [];
  for (const sourceFile of files) {
    const kind = matchesShell(sourceFile) ? 'shell' : shellKind(program, sourceFile.fileName, pageDirs, options);
    if (!kind) continue;
    const components = kind === 'shell' ? exportedComponents(tsm, sourceFile) : defaultExportComponent(tsm, sourceFile);
    if (components.length > 0) shells.push({ sourceFile, kind, components });
  }
  return shells;
}

function shellKind(program: ProgramQueries, fileName: string, pageDirs: readonly string[], options: ShellOptions): string | undefined {
  // Names first: the path is worked out only for the few files that can be a shell.
  const base = path.basename(fileName);
  const isApp = /^_app\.[cm]?[jt]sx?$/.test(base);
  if (!isApp && !/^layout\.[cm]?[jt]sx?$/.test(base)) return undefined;
  const parts = projectPathSegments(program, fileName);
  if (isApp) return parts.at(-2) === 'pages' ? 'pages/_app' : undefined;
  const app = parts.indexOf('app');
  if (app < 0) return undefined;
  const segments = parts.slice(app + 1, -1);
  if (segments.every((segment) => /^\(.*\)$/.test(segment))) return 'root layout';
  const dir = path.dirname(fileName) + '/';
  const pages = pageDirs.filter((pageDir) => (pageDir + '/').startsWith(dir)).length;
  return pages >= options.layoutPages ? `layout of ${pages} pages` : undefined;
}

function defaultExportComponent(tsm: TypeScriptModule, sourceFile: ts.SourceFile): FunctionLike[] {
  for (const statement of sourceFile.statements) {
    if (tsm.isFunctionDeclaration(statement) && statement.modifiers?.some((m) => m.kind === tsm.SyntaxKind.DefaultKeyword)) return [statement];
    if (tsm.isExportAssignment(statement) && !statement.isExportEquals) {
      const expression = statement.expression;
      if (tsm.isArrowFunction(expression) || tsm.isFunctionExpression(expression)) return [expression];
      const fn = tsm.isIdentifier(expression) ? localDeclaration(tsm, sourceFile, expression.text) : undefined;
      if (fn) return [fn];
    }
  }
  return [];
}

function exportedComponents(tsm: TypeScriptModule, sourceFile: ts.SourceFile): FunctionLike[] {
  const found: FunctionLike[] = [];
  for (const statement of sourceFile.statements) {
    const exported = tsm.canHaveModifiers(statement) && tsm.getModifiers(statement)?.some((m) => m.kind === tsm.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (tsm.isFunctionDeclaration(statement) && getReactFunctionKind(tsm, statement) === 'component') found.push(statement);
    if (tsm.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const fn = functionOf(tsm, declaration);
        if (fn && getReactFunctionKind(tsm, fn) === 'component') found.push(fn);
      }
    }
  }
  return found.length > 0 ? found : defaultExportComponent(tsm, sourceFile);
}

function localDeclaration(tsm: TypeScriptModule, sourceFile: ts.SourceFile, name: string): FunctionLike | undefined {
  for (const statement of sourceFile.statements) {
    if (tsm.isFunctionDeclaration(statement) && statement.name?.text === name) return statement;
    if (tsm.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (tsm.isIdentifier(declaration.name) && declaration.name.text === name) return functionOf(tsm, declaration);
      }
    }
  }
  return undefined;
}
