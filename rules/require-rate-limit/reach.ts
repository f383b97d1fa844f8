import type ts from 'typescript';
import { functionOf, isFunctionLike, overloadImplementation, perProgram, resolveCalledFunction, resolveSymbol, skipOuterExpressions, walkTree, type FunctionLike } from '@premortem/core';
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
  /** For each fact, how many project calls down it sits: 0 in the code itself. */
  calls?: Partial<Record<Fact, number>>;
}

type Fact = Exclude<keyof Reach, 'calls'>;
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
    for (const root of roots) merge(reach, isFunctionLike(this.recognizer.ts, root) ? this.function(root) : this.#walk(root, root), 0);
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
      // Error paths are not what the endpoint does: a `catch` that reports the error (and asks
      // who the user was) neither authenticates the caller nor costs per request.
      if (tsm.isCatchClause(node) || isCatchCallback(tsm, node)) return 'skip';
      if (tsm.isBinaryExpression(node) && !reach.secret && isSecretComparison(this.recognizer, node)) merge(reach, { secret: node }, 0);
      if (tsm.isCallExpression(node)) this.#call(node, owner, reach);
    });
    return reach;
  }

  #call(call: ts.CallExpression, owner: ts.Node, reach: Reach): void {
    const { ts: tsm, program, checker } = this.recognizer;
    const looped = inLoop(tsm, call, owner);
    const kind = classifyCall(this.recognizer, call);
    const own: Reach = {};
    const inner: Reach[] = [];
    if (kind) for (const fact of kind.facts) own[fact] = call;
    // A recognized call is a leaf (a library, or a helper named for what it does), except an
    // authentication helper of the project: `withApiAuth(…)` may rate-limit too.
    if (!kind || (kind.facts.length === 1 && kind.facts[0] === 'auth')) {
      const callee = resolveCalledFunction(tsm, program, checker, call);
      if (callee) inner.push(turnsAuthenticationOff(tsm, call) ? withoutAuth(this.function(callee)) : this.function(callee));
    }
    // Functions handed on run too: a wrapper's middleware list, `withAuth(handler)`, `items.map(save)`.
    for (const argument of call.arguments) {
      const fn = passedFunction(this.recognizer, argument);
      if (fn) inner.push(this.function(fn));
    }
    merge(reach, own, 0);
    if (looped && own.write) merge(reach, { bulk: own.write }, 0);
    if (looped && own.external) merge(reach, { fanOut: own.external }, 0);
    for (const summary of inner) {
      merge(reach, summary, 1);
      if (looped && summary.write) merge(reach, { bulk: summary.write, calls: { bulk: summary.calls?.write ?? 0 } }, 1);
      if (looped && summary.external) merge(reach, { fanOut: summary.external, calls: { fanOut: summary.calls?.external ?? 0 } }, 1);
    }
  }
}

/** `parseRequest(req, schema, { skipAuth: true })`, `handler({ auth: false })`: an option that turns the callee's authentication off. */
function turnsAuthenticationOff(tsm: Recognizer['ts'], call: ts.CallExpression): boolean {
  return call.arguments.some((argument) => {
    const value = skipOuterExpressions(tsm, argument);
    return (
      tsm.isObjectLiteralExpression(value) &&
      value.properties.some((element) => {
        if (!tsm.isPropertyAssignment(element) || !tsm.isIdentifier(element.name)) return false;
        const name = element.name.text;
        const flag = element.initializer.kind;
        if (/^(skip|no|disable|bypass|without)_?auth/i.test(name) || /^(public|anonymous|allowAnonymous)$/i.test(name)) return flag === tsm.SyntaxKind.TrueKeyword;
        if (/^(auth|authenticate|require_?auth|check_?auth|requires_?auth)$/i.test(name)) return flag === tsm.SyntaxKind.FalseKeyword;
        return false;
      })
    );
  });
}

function withoutAuth(reach: Reach): Reach {
  const rest = { ...reach };
  delete rest.auth;
  return rest;
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
  if (fn && !fn.body) return overloadImplementation(tsm, resolveSymbol(tsm, checker, name)?.declarations);
  return fn;
}

/** The handler of `promise.catch(handler)`. */
function isCatchCallback(tsm: Recognizer['ts'], node: ts.Node): boolean {
  if (!isFunctionLike(tsm, node) || !tsm.isCallExpression(node.parent)) return false;
  const callee = skipOuterExpressions(tsm, node.parent.expression);
  return tsm.isPropertyAccessExpression(callee) && callee.name.text === 'catch';
}

const LOOP_METHODS = new Set(['map', 'forEach', 'flatMap']);

/** Whether a call runs once per element of a collection: in a `for…of`/`for…in` or a `map`/`forEach` callback, inside `owner`. */
function inLoop(tsm: Recognizer['ts'], node: ts.Node, owner: ts.Node): boolean {
  for (let current = node.parent; current && current !== owner; current = current.parent) {
    // Over a collection only: a `while` or counted `for` around a call is more often a retry than one call per item.
    if (tsm.isForOfStatement(current) || tsm.isForInStatement(current)) return true;
    if (isFunctionLike(tsm, current) && tsm.isCallExpression(current.parent)) {
      const callee = skipOuterExpressions(tsm, current.parent.expression);
      if (tsm.isPropertyAccessExpression(callee) && LOOP_METHODS.has(callee.name.text)) return true;
    }
  }
  return false;
}

/** Adds `from`'s facts, `deeper` calls further down, keeping the nearer one of each. */
function merge(into: Reach, from: Reach, deeper: number): void {
  for (const fact of FACTS) {
    const node = from[fact];
    if (!node) continue;
    const calls = (from.calls?.[fact] ?? 0) + deeper;
    const known = into.calls?.[fact];
    if (into[fact] && known !== undefined && known <= calls) continue;
    into[fact] = node;
    (into.calls ??= {})[fact] = calls;
  }
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
    merge(reach, reachOf(recognizer, [value]), 0);
    return reach;
  }
  const nameNode = tsm.isPropertyAccessExpression(value) ? value.name : value;
  if (!tsm.isIdentifier(nameNode)) return {};
  const reach = named(nameNode.text);
  const declaration = resolveSymbol(tsm, checker, nameNode)?.valueDeclaration;
  const fn = declaration ? functionOf(tsm, declaration) : undefined;
  if (fn) merge(reach, reachOf(recognizer, [fn]), 0);
  // `const a = b; const b = a;` is valid: follow a few names, not forever.
  else if (hops < 5 && declaration && tsm.isVariableDeclaration(declaration) && declaration.initializer) merge(reach, middlewareReach(recognizer, declaration.initializer, hops + 1), 0);
  return reach;
}
