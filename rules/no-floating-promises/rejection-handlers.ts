import type ts from 'typescript';
import { skipOuterExpressions, unionParts, type TypeScriptModule } from '@premortem/core';
import type { TypeFacts } from './classify.js';

/** `p.catch(handler)` or `p.then(onFulfilled, onRejected)`, with a rejection handler that is one. */
export function handlesRejection(facts: TypeFacts, call: ts.CallExpression): boolean {
  const method = promiseMethodName(facts.ts, call);
  if (method === 'catch') return isRejectionHandler(facts, call.arguments, 0);
  if (method === 'then') return isRejectionHandler(facts, call.arguments, 1);
  return false;
}

export function promiseMethodName(tsm: TypeScriptModule, call: ts.CallExpression): 'then' | 'catch' | 'finally' | undefined {
  const callee = skipOuterExpressions(tsm, call.expression);
  let name: string | undefined;
  if (tsm.isPropertyAccessExpression(callee)) name = callee.name.text;
  else if (tsm.isElementAccessExpression(callee) && tsm.isStringLiteralLike(callee.argumentExpression)) {
    name = callee.argumentExpression.text;
  }
  return name === 'then' || name === 'catch' || name === 'finally' ? name : undefined;
}

/**
 * Whether the argument at `index` is a function: `.catch(undefined)`, `.catch(42)` and
 * `.catch(handlerOrLabel)` (a `string | (() => void)`) handle nothing, nor does an argument after
 * a spread (`.then(...[], onRejected)`), whose position is unknown. Syntax first; the type only for
 * names and other expressions, and `any` proves nothing either way.
 */
function isRejectionHandler(facts: TypeFacts, args: ts.NodeArray<ts.Expression>, index: number): boolean {
  const { ts: tsm, checker } = facts;
  const argument = args[index];
  if (!argument || args.slice(0, index + 1).some((a) => tsm.isSpreadElement(a))) return false;
  const value = skipOuterExpressions(tsm, argument);
  if (tsm.isArrowFunction(value) || tsm.isFunctionExpression(value)) return true;
  if (isNonFunctionLiteral(tsm, value)) return false;
  const type = checker.getTypeAtLocation(value);
  if (type.flags & (tsm.TypeFlags.Any | tsm.TypeFlags.Unknown)) return true;
  return unionParts(type).every((part) => checker.getApparentType(part).getCallSignatures().length > 0);
}

function isNonFunctionLiteral(tsm: TypeScriptModule, value: ts.Expression): boolean {
  const k = tsm.SyntaxKind;
  if (tsm.isIdentifier(value)) return value.text === 'undefined';
  return (
    tsm.isVoidExpression(value) ||
    tsm.isLiteralExpression(value) ||
    tsm.isTemplateExpression(value) ||
    tsm.isObjectLiteralExpression(value) ||
    tsm.isArrayLiteralExpression(value) ||
    [k.NullKeyword, k.TrueKeyword, k.FalseKeyword].includes(value.kind)
  );
}
