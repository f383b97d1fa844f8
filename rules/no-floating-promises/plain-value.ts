import type ts from 'typescript';
import { skipOuterExpressions, type TypeScriptModule } from '@premortem/core';

/** A value that is not a promise by its syntax alone: markup, literals, arithmetic, comparisons, `undefined`. */
export function isPlainValue(tsm: TypeScriptModule, expression: ts.Expression): boolean {
  const node = skipOuterExpressions(tsm, expression);
  const k = tsm.SyntaxKind;
  switch (node.kind) {
    case k.JsxElement:
    case k.JsxSelfClosingElement:
    case k.JsxFragment:
    case k.StringLiteral:
    case k.NumericLiteral:
    case k.BigIntLiteral:
    case k.NoSubstitutionTemplateLiteral:
    case k.TemplateExpression:
    case k.TrueKeyword:
    case k.FalseKeyword:
    case k.NullKeyword:
    case k.ArrayLiteralExpression:
    case k.PrefixUnaryExpression:
    case k.TypeOfExpression:
    case k.VoidExpression:
      return true;
    case k.Identifier:
      return (node as ts.Identifier).text === 'undefined';
    case k.ObjectLiteralExpression:
      // `{ then() {} }` is a thenable.
      return !(node as ts.ObjectLiteralExpression).properties.some((p) => p.name !== undefined && tsm.isIdentifier(p.name) && p.name.text === 'then');
    case k.BinaryExpression: {
      const operator = (node as ts.BinaryExpression).operatorToken.kind;
      // `a ?? b`, `a || b`, `a && b`, `a = b` and `a, b` pass an operand through; comparisons and arithmetic do not.
      return ![k.QuestionQuestionToken, k.BarBarToken, k.AmpersandAmpersandToken, k.CommaToken].includes(operator) && !(operator >= k.FirstAssignment && operator <= k.LastAssignment);
    }
    default:
      return false;
  }
}
