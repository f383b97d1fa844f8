import path from 'node:path';
import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '../compiler-surface.js';
import type { FunctionLike } from '../ast/functions.js';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import { isProjectSource, resolveSourceDeclaration, resolveSymbol } from '../ast/symbols.js';
import type { ProjectFacts } from '../engine/project-facts.js';
import { perProgram } from '../engine/program-cache.js';
import type { PathStep, TypeScriptModule } from '../rule.js';
import { RouteHandlerMap } from '../server/route-handlers.js';
import { ServerQueryIndex, type ServerCost } from '../server/server-cost.js';
import { TrpcRouterMap } from '../server/trpc-routers.js';
import { findAppShells, type ShellOptions } from './app-shells.js';
import { recognizeDataHook } from './data-hooks.js';
import { constantPropsOf, isNonGatingCondition } from './gating.js';
import type { FetchTarget } from './fetch-calls.js';
import { functionOf, type FetchSummaries } from './fetch-summaries.js';
import { getFetchSummaries } from './react-index.js';
import { calleeName, getFunctionName, getReactFunctionKind, isHookName } from './react-functions.js';
import { resolveLocalFunction, walkRender } from './render-walk.js';

export interface EveryPageOptions extends ShellOptions {
  extraHooks: readonly string[];
  extraFetchers: readonly string[];
}

/** A request made on mount somewhere under an app shell. */
export interface EveryPageFetch {
  /** The hook call, or the call in an effect that leads to the request. */
  node: ts.CallExpression;
  /** `trpc.bookings.search.useQuery()`, `fetch`… */
  label: string;
  /** `app/layout.tsx → <CommandPalette> → useBookingSearch()` */
  mount: string;
  /** Shell → components and hooks → the call → the server code → the query. */
  path: PathStep[];
  /** The server side when it is in the project: its name and what one request costs. */
  server?: { label: string; cost: ServerCost };
}

interface Step {
  node: ts.Node;
  label: string;
}

const EFFECTS = new Set(['useEffect', 'useLayoutEffect', 'useInsertionEffect']);
const LAZY = new Set(['lazy', 'dynamic', 'loadable']);

export function getEveryPageIndex(tsm: TypeScriptModule, program: ProgramQueries, project: ProjectFacts, options: EveryPageOptions): EveryPageIndex {
  return perProgram(program, `every-page:${JSON.stringify(options)}`, () => new EveryPageIndex(tsm, program, project, options));
}

/**
 * The component mount graph from every app shell: components through JSX (imports, re-exports,
 * default exports), custom hooks through calls; every request that runs on mount, ungated,
 * with its server side. Built once per Program on first use.
 */
export class EveryPageIndex {
  #byFile: Map<ts.SourceFile, EveryPageFetch[]> | undefined;
  readonly #checker: TypeQueries;
  readonly #summaries: FetchSummaries;
  readonly #routers: TrpcRouterMap;
  readonly #routes: RouteHandlerMap;
  #server: ServerQueryIndex | undefined;

  constructor(
    private readonly tsm: TypeScriptModule,
    private readonly program: ProgramQueries,
    private readonly project: ProjectFacts,
    private readonly options: EveryPageOptions,
  ) {
    this.#checker = program.getTypeChecker();
    this.#summaries = getFetchSummaries(tsm, program, options.extraFetchers);
    this.#routers = new TrpcRouterMap(tsm, program, this.#checker);
    this.#routes = new RouteHandlerMap(tsm, program);
  }

  fetchesIn(sourceFile: ts.SourceFile): readonly EveryPageFetch[] {
    this.#byFile ??= this.#build();
    return this.#byFile.get(sourceFile) ?? [];
  }

  #build(): Map<ts.SourceFile, EveryPageFetch[]> {
    const byFile = new Map<ts.SourceFile, EveryPageFetch[]>();
    const reported = new Set<ts.Node>();
    const visited = new Set<FunctionLike>();
    // `constantProps`: the props the mount site passed as constants, which gate nothing in `fn`.
    const queue: { fn: FunctionLike; trail: Step[]; constantProps?: ReadonlySet<string> }[] = [];
    for (const shell of findAppShells(this.tsm, this.program, this.project.rootDir, this.options)) {
      for (const component of shell.components) {
        const name = getFunctionName(this.tsm, component) ?? 'default';
        queue.push({ fn: component, trail: [{ node: component.name ?? component, label: `${this.#relative(shell.sourceFile.fileName)} (${shell.kind}${name === 'default' ? '' : `, ${name}`})` }] });
      }
    }
    const record = (found: Omit<EveryPageFetch, 'mount' | 'path' | 'server'> & { target: FetchTarget }, trail: Step[], extra: Step[]) => {
      if (reported.has(found.node)) return;
      reported.add(found.node);
      const server = this.#serverSide(found.target);
      const steps = [...trail, { node: found.node, label: `${found.label}()` }, ...extra, ...(server?.steps ?? [])];
      const entry: EveryPageFetch = {
        node: found.node,
        label: found.label,
        mount: trail.map((step, i) => (i === 0 ? this.#relative(step.node.getSourceFile().fileName) : step.label)).join(' → '),
        path: steps.map((step) => this.#pathStep(step)),
        ...(server ? { server: { label: server.label, cost: server.cost } } : {}),
      };
      const file = found.node.getSourceFile();
      const list = byFile.get(file) ?? [];
      list.push(entry);
      byFile.set(file, list);
    };

    for (let item = queue.shift(); item; item = queue.shift()) {
      const { fn, trail, constantProps } = item;
      if (visited.has(fn)) continue;
      visited.add(fn);
      // A condition on the session, on being mounted, or on a prop passed as a constant holds on every page: no gate.
      const nonGating = (condition: ts.Expression) => isNonGatingCondition(this.tsm, condition, fn, constantProps);
      walkRender(this.tsm, fn, (node, conditional) => {
        if (conditional) return;
        if (this.tsm.isJsxOpeningElement(node) || this.tsm.isJsxSelfClosingElement(node)) {
          const component = this.#componentOf(node.tagName);
          if (component && !visited.has(component)) {
            const props = constantPropsOf(this.tsm, node, nonGating);
            queue.push({ fn: component, trail: [...trail, { node, label: `<${node.tagName.getText()}>` }], ...(props.size > 0 ? { constantProps: props } : {}) });
          }
          return;
        }
        if (!this.tsm.isCallExpression(node)) return;
        const name = calleeName(this.tsm, node.expression);
        if (name && EFFECTS.has(name)) {
          const chain = this.#effectFetch(node);
          if (chain) {
            const extra = chain.calls.slice(1).map((call) => ({ node: call, label: `${calleeName(this.tsm, call.expression) ?? 'call'}()` }));
            record({ node: chain.calls[0]!, label: chain.calls.length > 1 ? (calleeName(this.tsm, chain.calls[0]!.expression) ?? chain.fetch.label) : chain.fetch.label, target: chain.fetch.target }, [...trail, { node, label: `${name}()` }], extra);
          }
          return;
        }
        const hook = recognizeDataHook({ ts: this.tsm, checker: this.#checker, summaries: this.#summaries, extraHooks: this.options.extraHooks }, node);
        if (hook) {
          if (!hook.gated) record({ node, label: hook.label, target: hook.target }, trail, []);
          return;
        }
        if (name && isHookName(name)) {
          const custom = this.#summaries.resolveCalledFunction(node);
          if (custom && getReactFunctionKind(this.tsm, custom) === 'hook' && !visited.has(custom)) {
            queue.push({ fn: custom, trail: [...trail, { node, label: `${name}()` }] });
          }
        }
      }, (condition) => !nonGating(condition));
    }
    return byFile;
  }

  /** The component a JSX tag renders, unless it is loaded lazily (`lazy`, `next/dynamic`). */
  #componentOf(tag: ts.JsxTagNameExpression): FunctionLike | undefined {
    const tsm = this.tsm;
    const nameNode = tsm.isPropertyAccessExpression(tag) ? tag.name : tag;
    if (!tsm.isIdentifier(nameNode) || !/^[A-Z]/.test(nameNode.text)) return undefined;
    if (tsm.isPropertyAccessExpression(tag) && this.#isLibraryValue(tag.expression)) return undefined;
    const declaration = resolveSourceDeclaration(tsm, this.program, this.#checker, nameNode);
    if (!declaration) return undefined;
    if (tsm.isVariableDeclaration(declaration) && declaration.initializer) {
      const initializer = skipOuterExpressions(tsm, declaration.initializer);
      if (tsm.isCallExpression(initializer) && LAZY.has(calleeName(tsm, initializer.expression) ?? '')) return undefined;
    }
    return functionOf(tsm, declaration);
  }

  /**
   * `<trpc.Provider>`, `<Context.Provider>`, `<Dialog.Root>`: a member of a library namespace, or
   * of what a library factory returned, is the library's component. Answered from the receiver's
   * declaration, without asking the checker for the member (that would compute the receiver's
   * type, e.g. the whole tRPC router's, just to learn the tag is not ours).
   */
  #isLibraryValue(receiver: ts.Expression): boolean {
    const tsm = this.tsm;
    if (!tsm.isIdentifier(receiver)) return false;
    const declaration = resolveSymbol(tsm, this.#checker, receiver)?.declarations?.[0];
    if (!declaration) return false;
    if (!isProjectSource(this.program, declaration.getSourceFile())) return true;
    if (!tsm.isVariableDeclaration(declaration) || !declaration.initializer) return false;
    const initializer = skipOuterExpressions(tsm, declaration.initializer);
    if (!tsm.isCallExpression(initializer) || !tsm.isIdentifier(initializer.expression)) return false;
    const factory = resolveSymbol(tsm, this.#checker, initializer.expression)?.declarations?.[0];
    return factory !== undefined && !isProjectSource(this.program, factory.getSourceFile());
  }

  /** The first request an effect makes on mount, outside any condition. */
  #effectFetch(effect: ts.CallExpression) {
    const callback = effect.arguments[0] ? resolveLocalFunction(this.tsm, this.#checker, effect.arguments[0]) : undefined;
    if (!callback) return undefined;
    let found: ReturnType<FetchSummaries['callFetch']>;
    walkRender(this.tsm, callback, (node, conditional) => {
      if (found || conditional || !this.tsm.isCallExpression(node)) return;
      found = this.#summaries.callFetch(node);
    });
    return found;
  }

  #serverSide(target: FetchTarget): { label: string; cost: ServerCost; steps: Step[] } | undefined {
    if (target.kind === 'trpc') {
      const procedure = this.#routers.resolve(target.path);
      if (!procedure?.resolver) return undefined;
      return this.#costOf(procedure.resolver, procedure.path, { node: procedure.node, label: `${procedure.path} (tRPC ${procedure.kind})` });
    }
    if (target.kind === 'url') {
      const route = this.#routes.resolve(target.url, target.method);
      if (!route) return undefined;
      const label = `${route.method} ${route.route}`;
      return this.#costOf(route.handler, label, { node: route.handler, label: `${label} (route handler)` });
    }
    return undefined;
  }

  #costOf(fn: FunctionLike, label: string, step: Step): { label: string; cost: ServerCost; steps: Step[] } {
    this.#server ??= new ServerQueryIndex(this.tsm, this.#checker, this.project.prismaSchema(), this.project.tableStatistics(), this.#summaries);
    const cost = this.#server.assess(fn);
    const steps: Step[] = [step];
    if (cost.kind === 'expensive') {
      const { query } = cost;
      for (const call of query.calls) steps.push({ node: call, label: `${calleeName(this.tsm, call.expression) ?? 'call'}()` });
      steps.push({ node: query.site.callee, label: `${query.site.model.name}.${query.site.operation}: ${query.unbounded}, ${query.cost.costClass}` });
    }
    return { label, cost, steps };
  }

  #pathStep(step: Step): PathStep {
    const sourceFile = step.node.getSourceFile();
    const { line } = sourceFile.getLineAndCharacterOfPosition(step.node.getStart(sourceFile));
    return { file: sourceFile.fileName, line: line + 1, label: step.label };
  }

  #relative(fileName: string): string {
    return path.relative(this.project.rootDir, fileName).split(path.sep).join('/');
  }
}
