import type ts from 'typescript';
import type { FunctionLike } from '../ast/functions.js';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import type { TypeScriptModule } from '../rule.js';

/**
 * Names that say "the user is signed in" (`session`, `isAuthenticated`, `user`) or "we are past
 * hydration" (`mounted`, `isClient`): a mount under them runs on every page for every signed-in
 * user, so they do not gate it. Matched on a name, or on the last name of an access
 * (`session.user`, `auth.isSignedIn`): `user.isAdmin` tests something else, and is a gate.
 */
const SESSION_OR_MOUNTED =
  /^(?:is|has)?(?:session|auth|authed|authenticated|signed_?in|logged_?in|user|current_?user|viewer|me|mounted|client|hydrated)$/i;
/** String values an auth status is compared with: `status === "authenticated"`. */
const AUTH_STATUS = /^(?:authenticated|unauthenticated|loading|signed_?in|signed_?out|logged_?in|logged_?out)$/i;

/**
 * Whether a condition only waits for the session or the first client render, or tests a prop
 * the parent passed as a constant: such a condition holds on every page for every signed-in
 * user, so it does not gate what it guards. Syntax only: an open state, a route check or a
 * feature flag stays a gate.
 *
 * `constantProps` names the props of `fn` that its mount site passed as a constant (`withPalette`,
 * `withPalette={true}`) or as such a condition (`withPalette={status === "authenticated"}`).
 */
export function isNonGatingCondition(tsm: TypeScriptModule, condition: ts.Expression, fn?: FunctionLike, constantProps?: ReadonlySet<string>): boolean {
  const node = skipOuterExpressions(tsm, condition);
  if (node.kind === tsm.SyntaxKind.TrueKeyword) return true;
  if (tsm.isPrefixUnaryExpression(node) && node.operator === tsm.SyntaxKind.ExclamationToken) return isNonGatingCondition(tsm, node.operand, fn, constantProps);
  if (tsm.isBinaryExpression(node)) {
    const k = tsm.SyntaxKind;
    const op = node.operatorToken.kind;
    if (op === k.AmpersandAmpersandToken || op === k.BarBarToken) {
      return isNonGatingCondition(tsm, node.left, fn, constantProps) && isNonGatingCondition(tsm, node.right, fn, constantProps);
    }
    if (op === k.EqualsEqualsEqualsToken || op === k.ExclamationEqualsEqualsToken || op === k.EqualsEqualsToken || op === k.ExclamationEqualsToken) {
      const left = skipOuterExpressions(tsm, node.left);
      const right = skipOuterExpressions(tsm, node.right);
      if (isAuthStatus(tsm, left) || isAuthStatus(tsm, right)) return true;
      if (isTypeofWindow(tsm, left) || isTypeofWindow(tsm, right)) return true;
      if (isNullish(tsm, right)) return isNonGatingCondition(tsm, left, fn, constantProps);
      if (isNullish(tsm, left)) return isNonGatingCondition(tsm, right, fn, constantProps);
    }
    return false;
  }
  if (tsm.isIdentifier(node)) return SESSION_OR_MOUNTED.test(node.text) || isConstantProp(tsm, node, undefined, fn, constantProps);
  if (tsm.isPropertyAccessExpression(node)) {
    if (isConstantProp(tsm, node.name, node.expression, fn, constantProps)) return true;
    // The value tested is the last name: `session.user`, `auth.isSignedIn`; `user.isAdmin` is a
    // gate. `useSession()` hands the session over as `data`: `session.data` is the session.
    if (SESSION_OR_MOUNTED.test(node.name.text)) return true;
    const receiver = skipOuterExpressions(tsm, node.expression);
    const receiverName = tsm.isIdentifier(receiver) ? receiver.text : tsm.isPropertyAccessExpression(receiver) ? receiver.name.text : undefined;
    return node.name.text === 'data' && receiverName !== undefined && SESSION_OR_MOUNTED.test(receiverName);
  }
  return false;
}

function isAuthStatus(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return tsm.isStringLiteralLike(node) && AUTH_STATUS.test(node.text);
}

/** `typeof window !== "undefined"`: true on every client render. */
function isTypeofWindow(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return tsm.isTypeOfExpression(node) && tsm.isIdentifier(node.expression) && (node.expression.text === 'window' || node.expression.text === 'document');
}

function isNullish(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return node.kind === tsm.SyntaxKind.NullKeyword || (tsm.isIdentifier(node) && node.text === 'undefined');
}

/** `withPalette` destructured from the first parameter, or `props.withPalette`, named in `constantProps`. */
function isConstantProp(tsm: TypeScriptModule, name: ts.Identifier | ts.MemberName, receiver: ts.Expression | undefined, fn?: FunctionLike, constantProps?: ReadonlySet<string>): boolean {
  if (!fn || !constantProps?.has(name.text)) return false;
  const parameter = fn.parameters[0]?.name;
  if (!parameter) return false;
  if (receiver) return tsm.isIdentifier(parameter) && tsm.isIdentifier(receiver) && receiver.text === parameter.text;
  return tsm.isObjectBindingPattern(parameter) && parameter.elements.some((element) => !element.dotDotDotToken && tsm.isIdentifier(element.name) && element.name.text === name.text);
}

/**
 * The props a JSX element passes that do not gate anything in the component it mounts: a bare
 * attribute (`withPalette`), a literal (`{true}`, `"compact"`), or a condition that holds on every
 * page for a signed-in user. `isNonGating` judges a condition in the parent.
 */
export function constantPropsOf(tsm: TypeScriptModule, element: ts.JsxOpeningElement | ts.JsxSelfClosingElement, isNonGating: (condition: ts.Expression) => boolean): Set<string> {
  const names = new Set<string>();
  for (const attribute of element.attributes.properties) {
    if (!tsm.isJsxAttribute(attribute) || !tsm.isIdentifier(attribute.name)) continue;
    const initializer = attribute.initializer;
    if (!initializer) {
      names.add(attribute.name.text);
      continue;
    }
    if (tsm.isStringLiteral(initializer)) {
      names.add(attribute.name.text);
      continue;
    }
    if (!tsm.isJsxExpression(initializer) || !initializer.expression) continue;
    const value = skipOuterExpressions(tsm, initializer.expression);
    if (value.kind === tsm.SyntaxKind.TrueKeyword || tsm.isStringLiteralLike(value) || tsm.isNumericLiteral(value) || isNonGating(value)) names.add(attribute.name.text);
  }
  return names;
}
