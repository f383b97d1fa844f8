import type ts from 'typescript';
import type { TypeQueries } from '@premortem/core';
import { getPropertyValue, resolveLocalConst, resolveSymbol, skipOuterExpressions, type TypeScriptModule } from '@premortem/core';

/** Declarations followed to find a value: enough for `const MAX = LIMIT` chains, finite on cycles. */
const MAX_HOPS = 5;

/**
 * A number the code spells: a literal, a `const`, a parameter or destructuring default
 * (`{ maxRetries = 3 } = options`), a property of a constant object (`CONFIG.retry.max`);
 * Infinity for `Infinity`. Follows at most `MAX_HOPS` declarations: `var a = b; var b = a;` is
 * valid, and endless.
 */
export function numberOf(tsm: TypeScriptModule, expression: ts.Expression, checker?: TypeQueries, hops = 0): number | undefined {
  const value = resolveLocalConst(tsm, expression) ?? skipOuterExpressions(tsm, expression);
  if (tsm.isNumericLiteral(value)) return Number(value.text.replace(/_/g, ''));
  if (tsm.isIdentifier(value) && value.text === 'Infinity') return Infinity;
  if (tsm.isPropertyAccessExpression(value) && value.getText() === 'Number.POSITIVE_INFINITY') return Infinity;
  if (tsm.isPrefixUnaryExpression(value) && value.operator === tsm.SyntaxKind.MinusToken) {
    const inner = numberOf(tsm, value.operand, checker, hops);
    return inner === undefined ? undefined : -inner;
  }
  if (!checker || hops >= MAX_HOPS) return undefined;
  if (tsm.isIdentifier(value)) {
    const initializer = initializerOf(tsm, checker, value);
    if (initializer && initializer !== expression) return numberOf(tsm, initializer, checker, hops + 1);
  }
  if (tsm.isPropertyAccessExpression(value)) {
    const object = objectOf(tsm, checker, value.expression, hops + 1);
    const property = object ? getPropertyValue(tsm, object, value.name.text) : undefined;
    if (property) return numberOf(tsm, property, checker, hops + 1);
  }
  return undefined;
}

/** The object literal an expression names: `{ … }`, a `const` holding one, or a property of one (`CONFIG.CACHE`). */
export function objectOf(tsm: TypeScriptModule, checker: TypeQueries, expression: ts.Expression, hops = 0): ts.ObjectLiteralExpression | undefined {
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isObjectLiteralExpression(value)) return value;
  if (hops >= MAX_HOPS) return undefined;
  if (tsm.isIdentifier(value)) {
    const initializer = initializerOf(tsm, checker, value);
    return initializer ? objectOf(tsm, checker, initializer, hops + 1) : undefined;
  }
  if (tsm.isPropertyAccessExpression(value)) {
    const object = objectOf(tsm, checker, value.expression, hops + 1);
    const property = object ? getPropertyValue(tsm, object, value.name.text) : undefined;
    return property ? objectOf(tsm, checker, property, hops + 1) : undefined;
  }
  return undefined;
}

/** The value of `CONFIG.retry.baseMs` in a constant object literal, when the code spells it. */
export function propertyValue(tsm: TypeScriptModule, checker: TypeQueries, access: ts.PropertyAccessExpression): ts.Expression | undefined {
  const object = objectOf(tsm, checker, access.expression);
  return object ? getPropertyValue(tsm, object, access.name.text) : undefined;
}

/** The initializer of the variable, parameter or destructured name an identifier refers to. */
function initializerOf(tsm: TypeScriptModule, checker: TypeQueries, identifier: ts.Identifier): ts.Expression | undefined {
  const declaration = resolveSymbol(tsm, checker, identifier)?.valueDeclaration;
  if (!declaration) return undefined;
  if (tsm.isVariableDeclaration(declaration) || tsm.isParameter(declaration) || tsm.isBindingElement(declaration)) return declaration.initializer;
  return undefined;
}
