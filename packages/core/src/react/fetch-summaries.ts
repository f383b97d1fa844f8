import type ts from 'typescript';
import type { ProgramQueries } from '../compiler-surface.js';
import { isFunctionLike, type FunctionLike } from '../ast/functions.js';
import { resolveCalledFunction } from '../ast/called-function.js';
import { walkTree } from '../ast/walk-tree.js';
import type { TypeScriptModule } from '../rule.js';
import { recognizeFetchCall, type DirectFetch, type FetchRecognizer } from './fetch-calls.js';
import { calleeName, getReactFunctionKind, isHookName } from './react-functions.js';
export { functionOf } from '../ast/functions.js';

/** A fetch reached from some code: the calls through project functions, then the request itself. */
export interface FetchChain {
  /** Calls from the code examined down to the request; the last one is `fetch.call`. */
  calls: ts.CallExpression[];
  fetch: DirectFetch;
}

/**
 * How many calls deep a question follows. Each call is a recursion through a function's body: a
 * generated chain of 2,000 functions, each calling the next, overflowed the stack. Past this
 * depth a function counts as sending nothing, for that question only (see `#remember`).
 */
const MAX_CALL_DEPTH = 100;

/**
 * Which project functions send a request when called, directly or through other project
 * functions, answered once per function and shared by every rule of a Program.
 */
export class FetchSummaries {
  readonly #functions = new Map<FunctionLike, FetchChain | null>();
  readonly #calls = new WeakMap<ts.CallExpression, FetchChain | null>();
  /** Functions being followed right now, one inside the other. */
  #depth = 0;
  /** Questions cut short at MAX_CALL_DEPTH so far. */
  #cuts = 0;

  constructor(
    readonly recognizer: FetchRecognizer,
    readonly program: ProgramQueries,
  ) {}

  get ts(): TypeScriptModule {
    return this.recognizer.ts;
  }

  /** The request a call sends, itself or through the project function it calls. Hooks and components are not followed. */
  callFetch(call: ts.CallExpression): FetchChain | undefined {
    const known = this.#calls.get(call);
    if (known !== undefined) return known ?? undefined;
    this.#calls.set(call, null);
    const cuts = this.#cuts;
    const result = this.#computeCallFetch(call);
    this.#remember(this.#calls, call, result, cuts);
    return result;
  }

  #computeCallFetch(call: ts.CallExpression): FetchChain | undefined {
    const direct = recognizeFetchCall(this.recognizer, call);
    if (direct) return { calls: [call], fetch: direct };
    const name = calleeName(this.ts, call.expression);
    if (name && isHookName(name)) return undefined;
    const callee = this.resolveCalledFunction(call);
    if (!callee || getReactFunctionKind(this.ts, callee)) return undefined;
    const inner = this.functionFetch(callee);
    return inner ? { calls: [call, ...inner.calls], fetch: inner.fetch } : undefined;
  }

  /**
   * Keeps an answer, unless it is "nothing" and some question under it was cut short at
   * MAX_CALL_DEPTH: asked from nearer the fetch, the same question finds it, so a kept "nothing"
   * would make the answer depend on which file asked first.
   */
  #remember<K extends object>(cache: { set(key: K, value: FetchChain | null): unknown; delete(key: K): unknown }, key: K, result: FetchChain | undefined, cutsBefore: number): void {
    if (result || this.#cuts === cutsBefore) cache.set(key, result ?? null);
    else cache.delete(key);
  }

  /** The first request a call of `fn` sends, or undefined. */
  functionFetch(fn: FunctionLike): FetchChain | undefined {
    const known = this.#functions.get(fn);
    if (known !== undefined) return known ?? undefined;
    if (this.#depth >= MAX_CALL_DEPTH) {
      this.#cuts++;
      return undefined;
    }
    this.#functions.set(fn, null); // a cycle finds nothing more
    const cuts = this.#cuts;
    this.#depth++;
    try {
      const result = fn.body ? this.firstFetchIn(fn.body) : undefined;
      this.#remember(this.#functions, fn, result, cuts);
      return result;
    } finally {
      this.#depth--;
    }
  }

  /**
   * The first request sent by running `node`: nested functions count when they are handed to a
   * call (`.then(cb)`, `items.map(cb)`), not when they are only stored or returned, and never
   * when handed to a hook (`useQuery` deduplicates; effects are judged on their own).
   */
  firstFetchIn(node: ts.Node, skip?: (node: ts.Node) => boolean): FetchChain | undefined {
    const tsm = this.ts;
    let found: FetchChain | undefined;
    walkTree(tsm, node, (child) => {
      if (skip?.(child)) return 'skip';
      if (isFunctionLike(tsm, child) && !this.#isImmediateCallback(child)) return 'skip';
      if (tsm.isClassLike(child)) return 'skip';
      if (tsm.isCallExpression(child)) {
        found = this.callFetch(child);
        if (found) return 'stop';
      }
    });
    return found;
  }

  #isImmediateCallback(fn: FunctionLike): boolean {
    const tsm = this.ts;
    let child: ts.Node = fn;
    let parent = fn.parent;
    while (tsm.isParenthesizedExpression(parent)) {
      child = parent;
      parent = parent.parent;
    }
    if (!tsm.isCallExpression(parent) || !parent.arguments.includes(child as ts.Expression)) {
      return tsm.isCallExpression(parent) && parent.expression === child;
    }
    const name = calleeName(tsm, parent.expression);
    return !(name && isHookName(name));
  }

  /** The project function a call runs (see `resolveCalledFunction`). */
  resolveCalledFunction(call: ts.CallExpression): FunctionLike | undefined {
    return resolveCalledFunction(this.ts, this.program, this.recognizer.checker, call);
  }
}
