import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '../compiler-surface.js';
import type { FunctionLike } from '../ast/functions.js';
import { isProjectSource } from '../ast/symbols.js';
import { projectPathSegments } from '../engine/program-root.js';
import type { TypeScriptModule } from '../rule.js';
import { exportedHandler } from './exported-handler.js';

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
  /** Export name → its handler, null when it has none. */
  handlers: Map<string, FunctionLike | null>;
}

/**
 * Next.js route handlers (`app/**\/route.ts`) and API routes (`pages/api/**`) of the project,
 * matched against the URL a client fetches (`/api/bookings/:param`).
 */
export class RouteHandlerMap {
  #files: RouteFile[] | undefined;
  #checker: TypeQueries | undefined;

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
        this.#files.push({ segments, sourceFile, router: 'app', handlers: new Map() });
        continue;
      }
      const pages = parts.indexOf('pages');
      if (pages >= 0 && parts[pages + 1] === 'api' && /\.[cm]?[jt]sx?$/.test(parts.at(-1)!)) {
        const segments = parts.slice(pages + 1).map((s, i, all) => (i === all.length - 1 ? s.replace(/\.[cm]?[jt]sx?$/, '') : s));
        if (segments.at(-1) === 'index') segments.pop();
        this.#files.push({ segments, sourceFile, router: 'pages', handlers: new Map() });
      }
    }
    return this.#files;
  }

  /** The exported `GET`/`POST`… handler of a route file, or the default export of an API route; looked up once per file and method. */
  #handlerOf(file: RouteFile, method: string): FunctionLike | undefined {
    const wanted = file.router === 'app' ? method : 'default';
    const known = file.handlers.get(wanted);
    if (known !== undefined) return known ?? undefined;
    this.#checker ??= this.program.getTypeChecker();
    const handler = exportedHandler(this.tsm, this.program, this.#checker, file.sourceFile, wanted);
    file.handlers.set(wanted, handler ?? null);
    return handler;
  }
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
