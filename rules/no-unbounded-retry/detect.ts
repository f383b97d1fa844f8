import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import {
  findCallThrough,
  getImportSource,
  isFunctionLike,
  perProgram,
  resolveCalledFunction,
  resolveSymbol,
  skipOuterExpressions,
  walkTree,
  type FunctionLike,
  type TypeScriptModule,
} from '@premortem/core';
import { clientRetryOption, effectRefetchOnError, queryClientDefaults, queryRetryOption, swrConfigOption, swrRetry } from './client-options.js';
import type { RetryConstruct } from './construct.js';
import { libraryRetry, policyExecution } from './libraries.js';
import { isLoop, retryLoop, retryRecursion } from './loops.js';

export interface DetectContext {
  ts: TypeScriptModule;
  program: ProgramQueries;
  checker: TypeQueries;
}

/** The retry construct a node is, if any: one entry point for the rule's walk and for summaries. */
export function detectConstruct(context: DetectContext, node: ts.Node): RetryConstruct | undefined {
  const { ts: tsm, program, checker } = context;
  if (isLoop(tsm, node)) return retryLoop(tsm, program, checker, node);
  if (tsm.isCallExpression(node)) {
    return (
      libraryRetry(context, node) ??
      policyExecution(context, node) ??
      swrRetry(tsm, program, checker, node) ??
      effectRefetchOnError(tsm, checker, node) ??
      retryRecursion(tsm, program, checker, node)
    );
  }
  if (tsm.isNewExpression(node)) return queryClientDefaults(tsm, checker, node);
  if (tsm.isPropertyAssignment(node) && tsm.isObjectLiteralExpression(node.parent)) {
    return queryRetryOption(tsm, checker, node) ?? clientRetryOption(tsm, checker, node) ?? swrConfigOption(tsm, checker, node);
  }
  return undefined;
}

/** Google's API client retries failed requests itself (see README.md): an outer retry multiplies them. */
export const GOOGLE_CLIENT_ATTEMPTS = 4;
const RETRIED_GOOGLE_METHODS = /^(list|get|instances|update|delete|batchGet)$/;

export interface InnerRetry {
  label: string;
  attempts: number;
  /** Where the inner retry is. */
  node: ts.Node;
}

/**
 * Which project functions retry when called (directly or through the functions they call,
 * two levels down), with their worst-case attempts; answered once per function per Program.
 */
export function innerRetryOf(context: DetectContext, fn: FunctionLike): InnerRetry | undefined {
  const cache = perProgram(context.program, 'no-unbounded-retry:inner', () => new Map<FunctionLike, InnerRetry | null>());
  const known = cache.get(fn);
  if (known !== undefined) return known ?? undefined;
  cache.set(fn, null);
  const result = computeInnerRetry(context, fn, 0);
  cache.set(fn, result ?? null);
  return result;
}

function computeInnerRetry(context: DetectContext, fn: FunctionLike, depth: number): InnerRetry | undefined {
  const { ts: tsm, program, checker } = context;
  if (!fn.body) return undefined;
  let best: InnerRetry | undefined;
  walkTree(tsm, fn.body, (node) => {
    const construct = detectConstruct(context, node);
    if (construct && !construct.configures && construct.attempts !== undefined && construct.attempts > 1 && (!best || construct.attempts > best.attempts)) {
      best = { label: construct.label, attempts: construct.attempts, node: construct.node };
    }
  });
  if (best || depth >= 2) return best;
  // One or two calls away: `syncCalendar()` → `fetchWithRetry()`.
  const chain = findCallThrough(tsm, program, checker, fn, (call) => {
    const callee = resolveCalledFunction(tsm, program, checker, call);
    return callee !== undefined && callee !== fn && computeInnerRetry(context, callee, depth + 1) !== undefined;
  }, 1);
  const target = chain ? resolveCalledFunction(tsm, program, checker, chain.at(-1)!) : undefined;
  return target ? computeInnerRetry(context, target, depth + 1) : undefined;
}

/**
 * A call on a `googleapis` client (`calendar.events.list(…)` with `calendar = google.calendar(…)`)
 * that the client retries by itself: googleapis turns gaxios retries on, and gaxios retries only
 * GET, HEAD, PUT, OPTIONS and DELETE, so `list`/`get`/`update`/`delete` but not `insert`/`patch`.
 */
export function isGoogleApiCall(context: DetectContext, call: ts.CallExpression): boolean {
  const { ts: tsm, checker } = context;
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isPropertyAccessExpression(callee) || !RETRIED_GOOGLE_METHODS.test(callee.name.text)) return false;
  let root: ts.Expression = callee;
  while (tsm.isPropertyAccessExpression(root) || tsm.isCallExpression(root)) root = skipOuterExpressions(tsm, root.expression);
  if (!tsm.isIdentifier(root)) return false;
  if (getImportSource(tsm, checker, root)?.module === 'googleapis') return true;
  const declaration = resolveSymbol(tsm, checker, root)?.valueDeclaration;
  if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return false;
  let initializer: ts.Expression = skipOuterExpressions(tsm, declaration.initializer);
  if (tsm.isAwaitExpression(initializer)) initializer = skipOuterExpressions(tsm, initializer.expression);
  if (!tsm.isCallExpression(initializer)) return false;
  let base: ts.Expression = skipOuterExpressions(tsm, initializer.expression);
  while (tsm.isPropertyAccessExpression(base)) base = skipOuterExpressions(tsm, base.expression);
  return tsm.isIdentifier(base) && getImportSource(tsm, checker, base)?.module === 'googleapis';
}

/** Calls made by running `attempted` (a block or a callback), outside functions it only defines. */
export function callsIn(tsm: TypeScriptModule, attempted: ts.Node): ts.CallExpression[] {
  const calls: ts.CallExpression[] = [];
  const root = isFunctionLike(tsm, attempted) ? attempted.body : attempted;
  if (!root) return calls;
  walkTree(tsm, root, (node) => {
    if (isFunctionLike(tsm, node) && !isImmediate(tsm, node)) return 'skip';
    if (tsm.isCallExpression(node)) calls.push(node);
  });
  return calls;
}

function isImmediate(tsm: TypeScriptModule, fn: ts.Node): boolean {
  let parent = fn.parent;
  while (tsm.isParenthesizedExpression(parent)) parent = parent.parent;
  return tsm.isCallExpression(parent);
}
