import type ts from 'typescript';
import type { TypeQueries } from '../compiler-surface.js';
import type { TypeScriptModule } from '../rule.js';
import { getApparentTypeOf, unionParts } from './union-parts.js';

/**
 * True when some member of `type` can reject like a promise: it has a `then` method taking an
 * `onFulfilled` and an `onRejected` callback. Promise, its subclasses (PrismaPromise) and
 * promise-like query builders qualify; chain APIs whose `then` only takes a callback (Cypress)
 * do not. `any` and `unknown` do not either: without type information nothing is proven.
 */
export function isThenableType(tsm: TypeScriptModule, checker: TypeQueries, type: ts.Type): boolean {
  return unionParts(getApparentTypeOf(tsm, checker, type)).some((part) => isThenablePart(tsm, checker, part));
}

function isThenablePart(tsm: TypeScriptModule, checker: TypeQueries, part: ts.Type): boolean {
  if (part.flags & (tsm.TypeFlags.Any | tsm.TypeFlags.Unknown | tsm.TypeFlags.Never)) return false;
  const then = checker.getPropertyOfType(checker.getApparentType(part), 'then');
  if (!then) return false;
  const thenType = checker.getTypeOfSymbol(then);
  return thenType.getCallSignatures().some((signature) => {
    const [onFulfilled, onRejected] = signature.parameters;
    return isCallbackParameter(checker, onFulfilled) && isCallbackParameter(checker, onRejected);
  });
}

function isCallbackParameter(checker: TypeQueries, parameter: ts.Symbol | undefined): boolean {
  if (!parameter) return false;
  return unionParts(checker.getTypeOfSymbol(parameter)).some((candidate) => candidate.getCallSignatures().length > 0);
}

/**
 * An array or tuple with a thenable element type: what `items.map(async …)` yields. A type
 * parameter stands for its constraint (`T extends Promise<void>[]`), also inside a union (`T | undefined`).
 */
export function isThenableArrayType(tsm: TypeScriptModule, checker: TypeQueries, type: ts.Type): boolean {
  return unionParts(type).some((part) =>
    unionParts(getApparentTypeOf(tsm, checker, part)).some((candidate) => {
      if (!checker.isArrayType(candidate) && !checker.isTupleType(candidate)) return false;
      return checker
        .getTypeArguments(candidate as ts.TypeReference)
        .some((element) => isThenableType(tsm, checker, element));
    }),
  );
}

/** A function type some signature of which returns a thenable (async functions and their kin). */
export function returnsThenable(tsm: TypeScriptModule, checker: TypeQueries, type: ts.Type): boolean {
  return unionParts(type).some((part) =>
    part.getCallSignatures().some((signature) => isThenableType(tsm, checker, signature.getReturnType())),
  );
}

/**
 * A function type whose callers ignore the result: every signature returns only `void` (or
 * `undefined`). `() => void | Promise<void>` is promise-aware, and `() => void | (() => void)`
 * (React's effect callback) uses the result as a cleanup, so neither counts.
 */
export function isVoidReturningFunctionType(tsm: TypeScriptModule, checker: TypeQueries, type: ts.Type): boolean {
  let signatures = 0;
  for (const part of unionParts(type)) {
    if (part.flags & (tsm.TypeFlags.Undefined | tsm.TypeFlags.Null)) continue;
    for (const signature of part.getCallSignatures()) {
      signatures++;
      const results = unionParts(signature.getReturnType());
      if (!results.every((result) => (result.flags & (tsm.TypeFlags.Void | tsm.TypeFlags.Undefined)) !== 0)) return false;
    }
  }
  return signatures > 0;
}
