import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '../compiler-surface.js';
import { isFunctionLike, type FunctionLike } from '../ast/functions.js';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import { isProjectSource, resolveSourceDeclaration } from '../ast/symbols.js';
import { walkTree } from '../ast/walk-tree.js';
import { perSourceFile } from '../engine/program-cache.js';
import type { TypeScriptModule } from '../rule.js';
import { functionOf } from '../react/fetch-summaries.js';
import { calleeName } from '../react/react-functions.js';

export interface TrpcProcedure {
  /** `bookings.search` */
  path: string;
  kind: 'query' | 'mutation' | 'subscription';
  /** The `.query(…)` call: where a path step points. */
  node: ts.CallExpression;
  resolver: FunctionLike | undefined;
}

type RouterChild = { kind: 'router'; node: ts.CallExpression } | { kind: 'procedure'; procedure: Omit<TrpcProcedure, 'path'> };

const ROUTER_FACTORIES = new Set(['router', 'createTRPCRouter', 'createRouter', 'createRouterWithContext']);
const MERGE = 'mergeRouters';
const PROCEDURE_KINDS = new Set(['query', 'mutation', 'subscription']);

/**
 * The project's tRPC routers: `router({ … })` objects, nested routers, `mergeRouters(…)` and
 * procedures, read from the source (no module is run), so a client path such as
 * `bookings.search` leads to the resolver that answers it.
 */
export class TrpcRouterMap {
  readonly #children = new Map<ts.CallExpression, Map<string, RouterChild>>();
  #roots: ts.CallExpression[] | undefined;

  constructor(
    private readonly tsm: TypeScriptModule,
    private readonly program: ProgramQueries,
    private readonly checker: TypeQueries,
  ) {}

  resolve(path: readonly string[]): TrpcProcedure | undefined {
    for (const root of this.#rootRouters()) {
      let router: ts.CallExpression | undefined = root;
      for (let i = 0; router && i < path.length; i++) {
        const child = this.#childrenOf(router).get(path[i]!);
        if (!child) break;
        if (child.kind === 'procedure') {
          if (i === path.length - 1) return { ...child.procedure, path: path.join('.') };
          break;
        }
        router = child.node;
      }
    }
    return undefined;
  }

  /** Routers no other router nests: where client paths start. */
  #rootRouters(): ts.CallExpression[] {
    if (this.#roots) return this.#roots;
    const all: ts.CallExpression[] = [];
    for (const sourceFile of this.program.getSourceFiles()) {
      if (isProjectSource(this.program, sourceFile)) all.push(...perSourceFile(sourceFile, 'trpc-router-calls', () => this.#routerCallsIn(sourceFile)));
    }
    const nested = new Set<ts.CallExpression>();
    for (const router of all) {
      for (const child of this.#childrenOf(router).values()) if (child.kind === 'router') nested.add(child.node);
      // mergeRouters(a, b): a and b are parts of the merged router, not roots of their own.
      if (calleeName(this.tsm, router.expression) === MERGE) {
        for (const argument of router.arguments) {
          const part = this.#routerOf(argument, 0);
          if (part) nested.add(part);
        }
      }
    }
    this.#roots = all.filter((router) => !nested.has(router));
    return this.#roots;
  }

  /** Read from the file's syntax alone, so it is kept with the file across Program versions. */
  #routerCallsIn(sourceFile: ts.SourceFile): ts.CallExpression[] {
    const found: ts.CallExpression[] = [];
    if (!/(?:[rR]outer|mergeRouters)\s*[(<]/.test(sourceFile.text)) return found;
    walkTree(this.tsm, sourceFile, (node) => {
      if (this.tsm.isCallExpression(node) && this.#isRouterCall(node)) found.push(node);
    });
    return found;
  }

  #isRouterCall(call: ts.CallExpression): boolean {
    const name = calleeName(this.tsm, call.expression);
    if (name === MERGE) return call.arguments.length > 0;
    if (!name || !ROUTER_FACTORIES.has(name)) return false;
    const first = call.arguments[0];
    return first !== undefined && this.tsm.isObjectLiteralExpression(skipOuterExpressions(this.tsm, first));
  }

  #childrenOf(router: ts.CallExpression): Map<string, RouterChild> {
    let children = this.#children.get(router);
    if (children) return children;
    children = new Map();
    this.#children.set(router, children);
    if (calleeName(this.tsm, router.expression) === MERGE) {
      for (const argument of router.arguments) {
        const part = this.#routerOf(argument, 0);
        if (part) for (const [name, child] of this.#childrenOf(part)) children.set(name, child);
      }
      return children;
    }
    const object = skipOuterExpressions(this.tsm, router.arguments[0]!) as ts.ObjectLiteralExpression;
    for (const property of object.properties) {
      const name = property.name && (this.tsm.isIdentifier(property.name) || this.tsm.isStringLiteral(property.name)) ? property.name.text : undefined;
      if (!name) continue;
      const value = this.tsm.isPropertyAssignment(property) ? property.initializer : this.tsm.isShorthandPropertyAssignment(property) ? property.name : undefined;
      if (!value) continue;
      const child = this.#childOf(value, 0);
      if (child) children.set(name, child);
    }
    return children;
  }

  #childOf(expression: ts.Expression, depth: number): RouterChild | undefined {
    const value = skipOuterExpressions(this.tsm, expression);
    const router = this.#routerOf(value, depth);
    if (router) return { kind: 'router', node: router };
    const procedure = this.#procedureOf(value, depth);
    return procedure ? { kind: 'procedure', procedure } : undefined;
  }

  #routerOf(expression: ts.Expression, depth: number): ts.CallExpression | undefined {
    const value = skipOuterExpressions(this.tsm, expression);
    if (this.tsm.isCallExpression(value) && this.#isRouterCall(value)) return value;
    const initializer = depth < 5 ? this.#initializerOf(value) : undefined;
    return initializer ? this.#routerOf(initializer, depth + 1) : undefined;
  }

  /** `authedProcedure.input(schema).query(resolver)`, here or in a variable. */
  #procedureOf(expression: ts.Expression, depth: number): Omit<TrpcProcedure, 'path'> | undefined {
    const value = skipOuterExpressions(this.tsm, expression);
    if (this.tsm.isCallExpression(value)) {
      const callee = skipOuterExpressions(this.tsm, value.expression);
      if (this.tsm.isPropertyAccessExpression(callee) && PROCEDURE_KINDS.has(callee.name.text)) {
        return { kind: callee.name.text as TrpcProcedure['kind'], node: value, resolver: value.arguments[0] ? this.#functionOf(value.arguments[0]) : undefined };
      }
    }
    const initializer = depth < 5 ? this.#initializerOf(value) : undefined;
    return initializer ? this.#procedureOf(initializer, depth + 1) : undefined;
  }

  #functionOf(expression: ts.Expression): FunctionLike | undefined {
    const value = skipOuterExpressions(this.tsm, expression);
    if (isFunctionLike(this.tsm, value)) return value;
    const declaration = this.tsm.isIdentifier(value) || this.tsm.isPropertyAccessExpression(value)
      ? resolveSourceDeclaration(this.tsm, this.program, this.checker, this.tsm.isPropertyAccessExpression(value) ? value.name : value)
      : undefined;
    return declaration ? functionOf(this.tsm, declaration) : undefined;
  }

  #initializerOf(value: ts.Expression): ts.Expression | undefined {
    if (!this.tsm.isIdentifier(value) && !this.tsm.isPropertyAccessExpression(value)) return undefined;
    const declaration = resolveSourceDeclaration(this.tsm, this.program, this.checker, this.tsm.isPropertyAccessExpression(value) ? value.name : value);
    if (!declaration) return undefined;
    if ((this.tsm.isVariableDeclaration(declaration) || this.tsm.isPropertyAssignment(declaration)) && declaration.initializer) return declaration.initializer;
    return undefined;
  }
}
