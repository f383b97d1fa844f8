import type ts from 'typescript';
import { functionOf, isFunctionLike, perProgram, resolveCalledFunction, resolveSymbol, skipOuterExpressions, walkTree, type FunctionLike } from '@premortem/core';
import { AUTH_MIDDLEWARE_NAME, LIMITER_NAME, classifyCall, isLimiterCall, isSecretComparison, type Recognizer } from './recognize.js';

/**
 * What an endpoint's code does and checks, through the project functions it calls and the
 * functions it passes on (a wrapper's middlewares, a callback): the first call of each kind.
 */
export interface Reach {
  limit?: ts.Node;
  auth?: ts.Node;
  /** A webhook signature or a shared secret checked: the caller is a known machine, not the public. */
  secret?: ts.Node;
  read?: ts.Node;
  write?: ts.Node;
  /** A write of many rows at once (`deleteMany`), or a write per element of a loop. */
  bulk?: ts.Node;
  /** A paid or quota-bound API: an LLM, email and SMS, a cloud SDK. */
  external?: ts.Node;
  /** Work handed on per request: a job enqueued, or an external call per element of a loop. */
  fanOut?: ts.Node;
}

type Fact = keyof Reach;
const FACTS: readonly Fact[] = ['limit', 'auth', 'secret', 'read', 'write', 'bulk', 'external', 'fanOut'];

/**
 * How deep calls are followed. Each followed call recurses through a function's body; past this
 * depth a function counts as doing nothing, and the answers above it are not kept (a kept answer
 * would depend on which endpoint asked first).
 */
const MAX_DEPTH = 40;

/** Summaries of project functions, once per Program and recognizer options. */
class ReachSummaries {
  readonly #functions = new Map<FunctionLike, Reach>();
  readonly #active = new Set<FunctionLike>();
  #depth = 0;
  #cuts = 0;

  constructor(readonly recognizer: Recognizer) {}

  /** Everything `roots` do: function bodies, or expressions such as a wrapper call. */
  of(roots: readonly ts.Node[]): Reach {
    const reach: Reach = {};
    for (const root of roots) merge(reach, isFunctionLike(this.recognizer.ts, root) ? this.function(root) : this.#walk(root, root));
    return reach;
  }

  function(fn: FunctionLike): Reach {
    const known = this.#functions.get(fn);
    if (known) return known;
    if (this.#active.has(fn) || this.#depth >= MAX_DEPTH || !fn.body) {
      if (this.#depth >= MAX_DEPTH) this.#cuts++;
      return {};
    }
    const cuts = this.#cuts;
    this.#active.add(fn);
    this.#depth++;
    try {
      const reach = this.#walk(fn.body, fn);
      if (this.#cuts === cuts) this.#functions.set(fn, reach);
      return reach;
    } finally {
      this.#depth--;
      this.#active.delete(fn);
    }
  }

  #walk(start: ts.Node, owner: ts.Node): Reach {
    const { ts: tsm } = this.recognizer;
    const reach: Reach = {};
    walkTree(tsm, start, (node) => {
      if (tsm.isBinaryExpression(node) && !reach.secret && isSecretComparison(this.recognizer, node)) reach.secret = node;
      if (tsm.isCallExpression(node)) this.#call(node, owner, reach);
    });
    return reach;
  }

  #call(call: ts.CallExpression, owner: ts.Node, reach: Reach): void {
    const { ts: tsm, program, checker } = this.recognizer;
    const looped = inLoop(tsm, call, owner);
    const kind = classifyCall(this.recognizer, call);
    const inner: Reach[] = [];
    if (kind) {
      const own: Reach = {};
      for (const fact of kind.facts) (own as Record<Fact, ts.Node>)[fact] = call;
      inner.push(own);
    } else {
      // A recognized call is a leaf (a library, or a helper named for what it does); others are followed.
      const callee = resolveCalledFunction(tsm, program, checker, call);
      if (callee) inner.push(this.function(callee));
    }
    // Functions handed on run too: a wrapper's middleware list, `withAuth(handler)`, `items.map(save)`.
    for (const argument of call.arguments) {
      const fn = passedFunction(this.recognizer, argument);
      if (fn) inner.push(this.function(fn));
    }
    for (const summary of inner) {
      merge(reach, summary);
      if (looped && summary.write) reach.bulk ??= summary.write;
      if (looped && summary.external) reach.fanOut ??= summary.external;
    }
  }
}

/** A project function passed by name (`withAuth(handler)`, `[authMiddleware]`); inline functions are walked in place. */
function passedFunction(recognizer: Recognizer, argument: ts.Expression): FunctionLike | undefined {
  const { ts: tsm, checker } = recognizer;
  const value = skipOuterExpressions(tsm, argument);
  const name = tsm.isPropertyAccessExpression(value) ? value.name : value;
  if (!tsm.isIdentifier(name)) return undefined;
  const declaration = resolveSymbol(tsm, checker, name)?.valueDeclaration;
  if (!declaration || declaration.getSourceFile().isDeclarationFile) return undefined;
  const fn = functionOf(tsm, declaration);
  // An overloaded function: its implementation is the declaration with a body.
  if (fn && !fn.body) return resolveSymbol(tsm, checker, name)?.declarations?.map((d) => functionOf(tsm, d)).find((d) => d?.body !== undefined);
  return fn;
}

const LOOP_METHODS = new Set(['map', 'forEach', 'flatMap']);

/** Whether a call runs once per element: in a loop statement or a `map`/`forEach` callback, inside `owner`. */
function inLoop(tsm: Recognizer['ts'], node: ts.Node, owner: ts.Node): boolean {
  for (let current = node.parent; current && current !== owner; current = current.parent) {
    if (tsm.isForOfStatement(current) || tsm.isForInStatement(current) || tsm.isForStatement(current) || tsm.isWhileStatement(current) || tsm.isDoStatement(current)) return true;
    if (isFunctionLike(tsm, current) && tsm.isCallExpression(current.parent)) {
      const callee = skipOuterExpressions(tsm, current.parent.expression);
      if (tsm.isPropertyAccessExpression(callee) && LOOP_METHODS.has(callee.name.text)) return true;
    }
  }
  return false;
}

function merge(into: Reach, from: Reach): void {
  for (const fact of FACTS) if (from[fact] && !into[fact]) (into as Record<Fact, ts.Node>)[fact] = from[fact]!;
}

/** What an endpoint reaches, answered once per project function and shared by every endpoint of the Program. */
export function reachOf(recognizer: Recognizer, roots: readonly ts.Node[]): Reach {
  const key = `require-rate-limit:reach:${JSON.stringify([recognizer.extraLimiters, recognizer.extraAuth])}`;
  return perProgram(recognizer.program, key, () => new ReachSummaries(recognizer)).of(roots);
}

/**
 * What a middleware does: `rateLimit({…})`, `apiLimiter` (named for what it is, or declared as a
 * limiter call), a factory's result (`limiter.middleware()`), or a function written in place.
 */
export function middlewareReach(recognizer: Recognizer, expression: ts.Expression, hops = 0): Reach {
  const { ts: tsm, checker } = recognizer;
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isNewExpression(value)) return isLimiterCall(recognizer, value) ? { limit: value } : {};
  const named = (name: string): Reach => (LIMITER_NAME.test(name) ? { limit: value } : AUTH_MIDDLEWARE_NAME.test(name) ? { auth: value } : {});
  if (isFunctionLike(tsm, value)) return reachOf(recognizer, [value]);
  if (tsm.isCallExpression(value)) {
    const name = skipOuterExpressions(tsm, value.expression);
    const reach = { ...named(tsm.isPropertyAccessExpression(name) ? name.name.text : tsm.isIdentifier(name) ? name.text : '') };
    merge(reach, reachOf(recognizer, [value]));
    return reach;
  }
  const nameNode = tsm.isPropertyAccessExpression(value) ? value.name : value;
  if (!tsm.isIdentifier(nameNode)) return {};
  const reach = named(nameNode.text);
  const declaration = resolveSymbol(tsm, checker, nameNode)?.valueDeclaration;
  const fn = declaration ? functionOf(tsm, declaration) : undefined;
  if (fn) merge(reach, reachOf(recognizer, [fn]));
  // `const a = b; const b = a;` is valid: follow a few names, not forever.
  else if (hops < 5 && declaration && tsm.isVariableDeclaration(declaration) && declaration.initializer) merge(reach, middlewareReach(recognizer, declaration.initializer, hops + 1));
  return reach;
}
