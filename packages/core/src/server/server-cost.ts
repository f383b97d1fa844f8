import type ts from 'typescript';
import type { TypeQueries } from '../compiler-surface.js';
import type { FunctionLike } from '../ast/functions.js';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import { walkTree } from '../ast/walk-tree.js';
import { estimateQuery, type QueryCost } from '../prisma/estimate-query.js';
import { getQueryShape, type RelationRead } from '../prisma/query-shape.js';
import { getPrismaCallSite, type PrismaCallSite } from '../prisma/recognize-call.js';
import type { PrismaSchema } from '../prisma/schema.js';
import type { TableStatistics } from '../prisma/table-statistics.js';
import type { TypeScriptModule } from '../rule.js';
import type { FetchSummaries } from '../react/fetch-summaries.js';
import { calleeName } from '../react/react-functions.js';

export interface ReachedQuery {
  site: PrismaCallSite;
  cost: QueryCost;
  /** Calls from the entry function down to the function that holds the query. */
  calls: ts.CallExpression[];
  /** Why it grows without bound (`no take`, ``loads every related Attendee``), when it does. */
  unbounded?: string;
}

/** What one request costs the database, as far as the code shows. */
export type ServerCost =
  | { kind: 'expensive'; query: ReachedQuery }
  | { kind: 'cheap'; queries: ReachedQuery[] }
  | { kind: 'unknown'; reason: string };

interface Reach {
  queries: ReachedQuery[];
  rawSql: boolean;
  /** Awaits or chains a promise somewhere: it does I/O the queries found may not cover. */
  asynchronous: boolean;
}

const LIST_OPERATIONS = new Set(['findMany', 'groupBy']);
const RAW_SQL = new Set(['$queryRaw', '$queryRawUnsafe', '$queryRawTyped']);
/** Below this many measured or configured rows a table is small: reading it whole is cheap. */
const SMALL_TABLE_ROWS = 1000;
const MAX_DEPTH = 6;

/**
 * The Prisma queries a server function runs, through the project functions it calls, with
 * their estimates; answered once per function.
 */
export class ServerQueryIndex {
  readonly #reached = new Map<FunctionLike, Reach>();

  constructor(
    private readonly tsm: TypeScriptModule,
    private readonly checker: TypeQueries,
    private readonly schema: PrismaSchema | undefined,
    private readonly stats: TableStatistics,
    private readonly summaries: FetchSummaries,
  ) {}

  assess(fn: FunctionLike): ServerCost {
    const { queries, rawSql, asynchronous } = this.#queriesOf(fn, 0);
    const expensive = queries.find((query) => query.unbounded !== undefined);
    if (expensive) return { kind: 'expensive', query: expensive };
    if (rawSql) return { kind: 'unknown', reason: 'it runs raw SQL' };
    const external = this.summaries.functionFetch(fn);
    if (external) return { kind: 'unknown', reason: `it calls ${external.fetch.label}` };
    // `(req) => handler(req)` with `handler` from a library: what answers the request is not in view.
    const receiver = queries.length === 0 ? this.#requestReceiver(fn) : undefined;
    if (receiver) return { kind: 'unknown', reason: `it hands the request to \`${receiver}\`` };
    // Cheap needs evidence: bounded Prisma queries, or no asynchronous work at all (`ctx.user`).
    if (queries.length > 0 || !asynchronous) return { kind: 'cheap', queries };
    return { kind: 'unknown', reason: this.schema ? 'no Prisma query was found behind it' : 'the project has no Prisma schema to estimate its queries from' };
  }

  /** The code outside the project that a function gives its request (first parameter) to, if any. */
  #requestReceiver(fn: FunctionLike): string | undefined {
    const tsm = this.tsm;
    const request = fn.parameters[0]?.name;
    if (!fn.body || !request || !tsm.isIdentifier(request)) return undefined;
    let receiver: string | undefined;
    walkTree(tsm, fn.body, (node) => {
      if (!tsm.isCallExpression(node) || !node.arguments.some((argument) => passes(tsm, argument, request.text))) return;
      if (this.summaries.resolveCalledFunction(node)) return;
      receiver = calleeName(tsm, node.expression) ?? 'a library';
      return 'stop';
    });
    return receiver;
  }

  #queriesOf(fn: FunctionLike, depth: number): Reach {
    const known = this.#reached.get(fn);
    if (known) return known;
    const result: Reach = { queries: [], rawSql: false, asynchronous: false };
    this.#reached.set(fn, result); // recursion finds what is known so far
    if (!fn.body || depth > MAX_DEPTH) return result;
    const tsm = this.tsm;
    walkTree(tsm, fn.body, (node) => {
      if (tsm.isAwaitExpression(node)) result.asynchronous = true;
      if (tsm.isCallExpression(node)) this.#visitCall(node, depth, result);
    });
    return result;
  }

  #visitCall(call: ts.CallExpression, depth: number, into: Reach): void {
    const tsm = this.tsm;
    const callee = skipOuterExpressions(tsm, call.expression);
    if (tsm.isPropertyAccessExpression(callee) && RAW_SQL.has(callee.name.text)) into.rawSql = true;
    if (tsm.isTaggedTemplateExpression(call.parent) && tsm.isPropertyAccessExpression(callee) && callee.name.text === '$queryRaw') into.rawSql = true;
    const site = this.schema ? getPrismaCallSite({ ts: tsm, checker: this.checker, schema: this.schema }, call) : undefined;
    if (site) {
      into.queries.push(this.#reachedQuery(site));
      return;
    }
    const called = this.summaries.resolveCalledFunction(call);
    if (!called) {
      if (tsm.isPropertyAccessExpression(callee) && callee.name.text === 'then') into.asynchronous = true;
      return;
    }
    const inner = this.#queriesOf(called, depth + 1);
    for (const query of inner.queries) into.queries.push({ ...query, calls: [call, ...query.calls] });
    into.rawSql ||= inner.rawSql;
    into.asynchronous ||= inner.asynchronous;
  }

  #reachedQuery(site: PrismaCallSite): ReachedQuery {
    const schema = this.schema!;
    const shape = getQueryShape(this.tsm, schema, site.model, site.args);
    const cost = estimateQuery(schema, this.stats, site.model, site.operation, shape);
    const query: ReachedQuery = { site, cost, calls: [] };
    if (!site.isRead || this.#isSmall(site.model.name)) return query;
    if (LIST_OPERATIONS.has(site.operation) && site.argsKnown && !cost.bounded) query.unbounded = 'no take';
    else {
      const relation = firstUnboundedRelation(shape.relations);
      if (relation && !this.#isSmall(relation.model.name)) query.unbounded = `loads every related ${relation.model.name} (\`${relation.field}\` has no take)`;
    }
    return query;
  }

  #isSmall(model: string): boolean {
    return this.stats.source(model) !== 'default' && this.stats.rows(model) < SMALL_TABLE_ROWS;
  }
}

/** An argument that is the named value, or an object literal that carries it (`{ req }`, `{ request: req }`). */
function passes(tsm: TypeScriptModule, argument: ts.Expression, name: string): boolean {
  const value = skipOuterExpressions(tsm, argument);
  if (tsm.isIdentifier(value)) return value.text === name;
  if (!tsm.isObjectLiteralExpression(value)) return false;
  return value.properties.some((property) =>
    tsm.isShorthandPropertyAssignment(property) ? property.name.text === name : tsm.isPropertyAssignment(property) && passes(tsm, property.initializer, name),
  );
}

function firstUnboundedRelation(relations: readonly RelationRead[]): RelationRead | undefined {
  for (const relation of relations) {
    if (relation.toMany && relation.take.kind === 'none') return relation;
    const nested = firstUnboundedRelation(relation.children);
    if (nested) return nested;
  }
  return undefined;
}
