import type ts from 'typescript';
import {
  getPrismaCallSite,
  hasAwaitBefore,
  isFunctionLike,
  perProgram,
  resolveCalledFunction,
  skipOuterExpressions,
  walkTree,
  type FunctionLike,
  type PrismaCallSite,
  type PrismaSchema,
  type ProgramQueries,
  type TypeQueries,
  type TypeScriptModule,
} from '@premortem/core';

/** How many project functions deep a call is followed to the queries it runs. */
const MAX_DEPTH = 3;

/** Prisma's dataloader merges these into one query when they are issued in the same tick. */
export const BATCHED_OPERATIONS = new Set(['findUnique', 'findUniqueOrThrow']);

/** A Prisma query a call of a function runs, directly or through the functions it calls. */
export interface ReachedQuery {
  site: PrismaCallSite;
  /** Issued before any `await` at every level: a batched `findUnique` stays in the caller's tick. */
  sameTick: boolean;
}

interface SummaryFacts {
  ts: TypeScriptModule;
  program: ProgramQueries;
  checker: TypeQueries;
  schema: PrismaSchema;
}

/** The queries a call of `fn` runs, followed `MAX_DEPTH` functions deep; kept per Program. */
export function queriesOfFunction(facts: SummaryFacts, fn: FunctionLike): ReachedQuery[] {
  return summarize(facts, cacheFor(facts), fn, MAX_DEPTH);
}

/** One answer per function and remaining depth: a cut-short answer never stands for a full one. */
type SummaryCache = Map<number, WeakMap<FunctionLike, ReachedQuery[]>>;

function cacheFor(facts: SummaryFacts): SummaryCache {
  return perProgram<SummaryCache>(facts.program, 'no-query-in-loop:query-summaries', () => new Map());
}

function summarize(facts: SummaryFacts, cache: SummaryCache, fn: FunctionLike, depth: number): ReachedQuery[] {
  let byFunction = cache.get(depth);
  if (!byFunction) cache.set(depth, (byFunction = new WeakMap()));
  const known = byFunction.get(fn);
  if (known) return known;
  byFunction.set(fn, []); // a recursive call finds nothing more
  const result = fn.body ? queriesIn(facts, cache, fn, depth) : [];
  byFunction.set(fn, result);
  return result;
}

function queriesIn(facts: SummaryFacts, cache: SummaryCache, fn: FunctionLike, depth: number): ReachedQuery[] {
  const { ts: tsm } = facts;
  const found: ReachedQuery[] = [];
  walkTree(tsm, fn.body!, (node) => {
    // A function stored or returned runs later, if at all; one handed to a call runs now.
    if (isFunctionLike(tsm, node) && !isHandedToCall(tsm, node)) return 'skip';
    if (tsm.isClassLike(node) || !tsm.isCallExpression(node)) return;
    const sameTick = !hasAwaitBefore(tsm, fn, node);
    const site = getPrismaCallSite(facts, node);
    if (site) {
      found.push({ site, sameTick });
      return;
    }
    if (depth <= 1) return;
    const callee = resolveCalledFunction(tsm, facts.program, facts.checker, node);
    if (!callee || callee === fn) return;
    for (const inner of summarize(facts, cache, callee, depth - 1)) found.push({ site: inner.site, sameTick: sameTick && inner.sameTick });
  });
  return found;
}

function isHandedToCall(tsm: TypeScriptModule, fn: ts.Node): boolean {
  let child = fn;
  while (tsm.isParenthesizedExpression(child.parent)) child = child.parent;
  const parent = child.parent;
  return tsm.isCallExpression(parent) && (parent.arguments.some((a) => a === child) || skipOuterExpressions(tsm, parent.expression) === child);
}
