import type ts from 'typescript';
import type { ProgramQueries } from '../compiler-surface.js';
import type { FunctionLike } from '../ast/functions.js';
import { isProjectSource } from '../ast/symbols.js';
import { projectPathSegments } from '../engine/program-root.js';
import type { TypeScriptModule } from '../rule.js';
import { functionOf } from '../react/fetch-summaries.js';

export interface RouteHandler {
  /** `/api/bookings/[uid]` */
  route: string;
  method: string;
  handler: FunctionLike;
}

interface RouteFile {
  segments: string[];
  sourceFile: ts.SourceFile;
  router: 'app' | 'pages';
}

/**
 * Next.js route handlers (`app/**\/route.ts`) and API routes (`pages/api/**`) of the project,
 * matched against the URL a client fetches (`/api/bookings/:param`).
 */
export class RouteHandlerMap {
  #files: RouteFile[] | undefined;

  constructor(
    private readonly tsm: TypeScriptModule,
    private readonly program: ProgramQueries,
  ) {}

  resolve(url: string, method: string): RouteHandler | undefined {
    if (!url.startsWith('/')) return undefined;
    const wanted = url.split(/[?#]/)[0]!.split('/').filter(Boolean);
    const candidates = this.#routeFiles()
      .map((file) => ({ file, score: matchScore(file.segments, wanted) }))
      .filter((candidate) => candidate.score >= 0)
      .sort((a, b) => b.score - a.score);
    for (const { file } of candidates) {
      const handler = this.#handlerOf(file, method);
      if (handler) return { route: '/' + file.segments.join('/'), method, handler };
    }
    return undefined;
  }

  #routeFiles(): RouteFile[] {
    if (this.#files) return this.#files;
    this.#files = [];
    for (const sourceFile of this.program.getSourceFiles()) {
      if (!isProjectSource(this.program, sourceFile)) continue;
      const parts = projectPathSegments(this.program, sourceFile.fileName);
      const appRoute = /^route\.[cm]?[jt]sx?$/.test(parts.at(-1)!) ? parts.indexOf('app') : -1;
      if (appRoute >= 0) {
        const segments = parts.slice(appRoute + 1, -1).filter((s) => !/^\(.*\)$/.test(s) && !s.startsWith('@'));
        this.#files.push({ segments, sourceFile, router: 'app' });
        continue;
      }
      const pages = parts.indexOf('pages');
      if (pages >= 0 && parts[pages + 1] === 'api' && /\.[cm]?[jt]sx?$/.test(parts.at(-1)!)) {
        const segments = parts.slice(pages + 1).map((s, i, all) => (i === all.length - 1 ? s.replace(/\.[cm]?[jt]sx?$/, '') : s));
        if (segments.at(-1) === 'index') segments.pop();
        this.#files.push({ segments, sourceFile, router: 'pages' });
      }
    }
    return this.#files;
  }

  /** The exported `GET`/`POST`… function of a route file, or the default export of an API route. */
  #handlerOf(file: RouteFile, method: string): FunctionLike | undefined {
    const tsm = this.tsm;
    const wanted = file.router === 'app' ? method : 'default';
    for (const statement of file.sourceFile.statements) {
      if (tsm.isFunctionDeclaration(statement)) {
        const exported = statement.modifiers?.some((m) => m.kind === tsm.SyntaxKind.ExportKeyword);
        const isDefault = statement.modifiers?.some((m) => m.kind === tsm.SyntaxKind.DefaultKeyword);
        if (exported && (isDefault ? 'default' : statement.name?.text) === wanted) return statement;
      }
      if (tsm.isVariableStatement(statement) && statement.modifiers?.some((m) => m.kind === tsm.SyntaxKind.ExportKeyword)) {
        for (const declaration of statement.declarationList.declarations) {
          if (tsm.isIdentifier(declaration.name) && declaration.name.text === wanted) return functionOf(tsm, declaration);
        }
      }
      if (tsm.isExportAssignment(statement) && wanted === 'default') {
        const fn = localFunction(tsm, file.sourceFile, statement.expression);
        if (fn) return fn;
      }
    }
    return undefined;
  }
}

function localFunction(tsm: TypeScriptModule, sourceFile: ts.SourceFile, expression: ts.Expression): FunctionLike | undefined {
  if (tsm.isArrowFunction(expression) || tsm.isFunctionExpression(expression)) return expression;
  if (!tsm.isIdentifier(expression)) return undefined;
  for (const statement of sourceFile.statements) {
    if (tsm.isFunctionDeclaration(statement) && statement.name?.text === expression.text) return statement;
    if (tsm.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (tsm.isIdentifier(declaration.name) && declaration.name.text === expression.text) return functionOf(tsm, declaration);
      }
    }
  }
  return undefined;
}

/** How well a route's segments match a URL's: static matches count most; -1 when they do not match. */
function matchScore(route: readonly string[], url: readonly string[]): number {
  let score = 0;
  for (let i = 0; i < route.length; i++) {
    const segment = route[i]!;
    if (/^\[\[?\.\.\./.test(segment)) return segment.startsWith('[[') || url.length > i ? score : -1;
    const part = url[i];
    if (part === undefined) return -1;
    if (/^\[.+\]$/.test(segment)) score += 1;
    else if (segment === part) score += 2;
    else return -1;
  }
  return route.length === url.length ? score : -1;
}
