import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';
import { getApparentTypeOf, unionParts } from './union-parts.js';

/**
 * True when some member of `type` has a callable `then` whose first parameter is callable:
 * a Promise, a subclass such as PrismaPromise, or any PromiseLike. `any` and `unknown` are not:
 * without type information nothing is proven.
 */
export function isThenableType(tsm: TypeScriptModule, checker: ts.TypeChecker, type: ts.Type): boolean {
  return unionParts(getApparentTypeOf(tsm, checker, type)).some((part) => isThenablePart(tsm, checker, part));
}

function isThenablePart(tsm: TypeScriptModule, checker: ts.TypeChecker, part: ts.Type): boolean {
  if (part.flags & (tsm.TypeFlags.Any | tsm.TypeFlags.Unknown | tsm.TypeFlags.Never)) return false;
  const then = checker.getPropertyOfType(checker.getApparentType(part), 'then');
  if (!then) return false;
  const thenType = checker.getTypeOfSymbol(then);
  return thenType.getCallSignatures().some((signature) => {
    const first = signature.parameters[0];
    if (!first) return false;
    const firstType = checker.getTypeOfSymbol(first);
    return unionParts(firstType).some((candidate) => candidate.getCallSignatures().length > 0);
  });
}

/** An array or tuple with a thenable element type: what `items.map(async …)` yields. */
export function isThenableArrayType(tsm: TypeScriptModule, checker: ts.TypeChecker, type: ts.Type): boolean {
  return unionParts(type).some((part) => {
    if (!checker.isArrayType(part) && !checker.isTupleType(part)) return false;
    return checker
      .getTypeArguments(part as ts.TypeReference)
      .some((element) => isThenableType(tsm, checker, element));
  });
}

/** A function type some signature of which returns a thenable (async functions and their kin). */
export function returnsThenable(tsm: TypeScriptModule, checker: ts.TypeChecker, type: ts.Type): boolean {
  return unionParts(type).some((part) =>
    part.getCallSignatures().some((signature) => isThenableType(tsm, checker, signature.getReturnType())),
  );
}

/**
 * A function type whose callers ignore the result: some signature returns `void` and none
 * accepts a thenable (`() => void | Promise<void>` is promise-aware and does not count).
 */
export function isVoidReturningFunctionType(tsm: TypeScriptModule, checker: ts.TypeChecker, type: ts.Type): boolean {
  let returnsVoid = false;
  for (const part of unionParts(type)) {
    for (const signature of part.getCallSignatures()) {
      for (const result of unionParts(signature.getReturnType())) {
        if (isThenableType(tsm, checker, result)) return false;
        if (result.flags & tsm.TypeFlags.Void) returnsVoid = true;
      }
    }
  }
  return returnsVoid;
}
