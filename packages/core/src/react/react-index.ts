import path from 'node:path';
import type ts from 'typescript';
import type { ProgramQueries } from '../compiler-surface.js';
import { getDirectives } from '../ast/directives.js';
import { isProjectSource } from '../ast/symbols.js';
import { perProgram } from '../engine/program-cache.js';
import { projectPathSegments } from '../engine/program-root.js';
import type { TypeScriptModule } from '../rule.js';
import { FetchSummaries } from './fetch-summaries.js';

export function getFetchSummaries(tsm: TypeScriptModule, program: ProgramQueries, extraFetchers: readonly string[]): FetchSummaries {
  return perProgram(program, `fetch-summaries:${JSON.stringify(extraFetchers)}`, () => new FetchSummaries({ ts: tsm, checker: program.getTypeChecker(), extraFetchers }, program));
}

/** Next.js app-router files that render on the server: pages, layouts, templates and their kin. */
const SERVER_ENTRY = /^(page|layout|template|default|loading|error|not-found|route)\.[cm]?[jt]sx?$/;

/**
 * Whether a file's components are React Server Components: reached by imports from the
 * app router's pages and layouts without crossing a `'use client'` module. They render once
 * per request on the server, never again in the browser.
 */
export function isServerComponentFile(tsm: TypeScriptModule, program: ProgramQueries, sourceFile: ts.SourceFile): boolean {
  return perProgram(program, 'server-component-files', () => findServerFiles(tsm, program)).has(sourceFile);
}

function findServerFiles(tsm: TypeScriptModule, program: ProgramQueries): Set<ts.SourceFile> {
  const checker = program.getTypeChecker();
  const server = new Set<ts.SourceFile>();
  const queue = program
    .getSourceFiles()
    .filter((file) => isProjectSource(program, file) && SERVER_ENTRY.test(path.basename(file.fileName)) && projectPathSegments(program, file.fileName).includes('app'));
  for (let file = queue.shift(); file; file = queue.shift()) {
    if (server.has(file) || getDirectives(tsm, file).includes('use client')) continue;
    server.add(file);
    for (const statement of file.statements) {
      const specifier = tsm.isImportDeclaration(statement) || tsm.isExportDeclaration(statement) ? statement.moduleSpecifier : undefined;
      if (!specifier) continue;
      if (tsm.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) continue;
      const target = checker.getSymbolAtLocation(specifier)?.valueDeclaration;
      if (target && tsm.isSourceFile(target) && isProjectSource(program, target)) queue.push(target);
    }
  }
  return server;
}
