import type ts from 'typescript';
import {
  defineRule,
  getEnclosingFunction,
  isAsyncFunction,
  isClientModule,
  isVoidReturningFunctionType,
  returnsThenable,
  skipOuterExpressions,
  type Suggestion,
  type TypeScriptModule,
} from '@premortem/core';
import { isMisusedCallback } from './callbacks.js';
import { runsInBrowser } from './runs-in-browser.js';
import { classifyDropped, findDroppedPromise, type FloatingKind, type TypeFacts } from './classify.js';
import { defaultOptions, schema, type Options } from './options.js';
import { findNeverHandledFields, findNeverHandledVariable } from './stored.js';

export type { Options } from './options.js';

export type MessageIds =
  | FloatingKind
  | 'floatingInBrowser'
  | 'floatingAtStart'
  | 'floatingVoid'
  | 'misusedCallback'
  | 'misusedCallbackInBrowser'
  | 'storedNeverHandled'
  | 'suggestAwait'
  | 'suggestCatch'
  | 'suggestVoid';

export const noFloatingPromises = defineRule<MessageIds, Options>({
  name: 'no-floating-promises',
  meta: {
    description: 'Require promises to be awaited, returned or given a rejection handler, so a rejection cannot crash the process.',
    type: 'problem',
    recommended: 'recommended',
    presetOptions: { strict: { ignoreVoid: false } },
    severity: 'error',
    requiresTypeChecking: true,
    hasSuggestions: true,
    messages: {
      floating:
        'Promise from `{{expression}}` is neither awaited nor handled: if it rejects, the rejection is unhandled and Node exits. Await it, return it, or add `.catch()`.',
      floatingThen:
        '`.then()` without a rejection handler: if `{{expression}}` or the callback fails, the rejection is unhandled and Node exits. Add `.catch()` or await it inside try/catch.',
      floatingFinally:
        '`.finally()` does not handle rejections: `{{expression}}` can still reject unhandled. Add `.catch()` before `.finally()`, or await it.',
      floatingArray:
        'Array of promises from `{{expression}}` is dropped: none is awaited and any rejection is unhandled. Use `await Promise.all(…)`.',
      floatingInBrowser:
        'Promise from `{{expression}}` is neither awaited nor handled in browser code: if it rejects, the error only reaches the console and the user is not told. Await it inside try/catch, or add `.catch()` that reports the failure.',
      floatingAtStart:
        'Promise from `{{expression}}` at the top level of the module is neither awaited nor handled: it runs once, as the module loads, and if it rejects Node exits with the error, as a failed start usually should. Add `.catch()` that says how the start failed, or await it.',
      floatingVoid:
        '`void` discards a promise with no rejection handler; in server code an unhandled rejection still crashes Node. Add `.catch()` first, or await it.',
      misusedCallback:
        'Promise-returning function passed to `{{callee}}`, which ignores what it returns: a rejection inside escapes to the global scope and crashes Node. Catch errors inside the callback or use a promise-aware API.',
      misusedCallbackInBrowser:
        'Promise-returning function passed to `{{callee}}`, which ignores what it returns: in browser code a rejection inside only reaches the console and the user is not told. Catch errors inside the callback and report them.',
      storedNeverHandled:
        'Promise stored in `{{name}}` is never awaited, returned or given a rejection handler: if it rejects, nothing catches it. Await it where the result is needed, or add `.catch()`.',
      suggestAwait: 'Add `await`.',
      suggestCatch: 'Add `.catch()` that logs the error.',
      suggestVoid: 'Mark as deliberately ignored with `void`.',
    },
    // What typescript-eslint's recommended type-checked preset reports on the same lines.
    alsoReportedBy: {
      floating: '@typescript-eslint/no-floating-promises',
      floatingThen: '@typescript-eslint/no-floating-promises',
      floatingFinally: '@typescript-eslint/no-floating-promises',
      floatingArray: '@typescript-eslint/no-floating-promises',
      floatingInBrowser: '@typescript-eslint/no-floating-promises',
      floatingAtStart: '@typescript-eslint/no-floating-promises',
      misusedCallback: '@typescript-eslint/no-misused-promises',
      misusedCallbackInBrowser: '@typescript-eslint/no-misused-promises',
    },
    schema,
    defaultOptions,
  },
  create(context) {
    const { ts: tsm, checker, sourceFile, options } = context;
    const facts: TypeFacts = { ts: tsm, checker };
    const clientModule = isClientModule(tsm, sourceFile);
    const k = tsm.SyntaxKind;
    type Place = { inBrowser: boolean; severity?: 'warning' } | undefined;
    /** How browser code is reported (`inBrowser`): undefined when it is not. */
    const inBrowser = (): Place => (options.inBrowser === 'off' ? undefined : options.inBrowser === 'warning' ? { inBrowser: true, severity: 'warning' } : { inBrowser: true });
    /** Where a finding at `node` runs: undefined when it is browser code and the options report none there. */
    const placeOf = (node: ts.Node): Place => (runsInBrowser(tsm, context.program, sourceFile, node) ? inBrowser() : { inBrowser: false });

    const checkStatement = (node: ts.Node): void => {
      const expression = skipOuterExpressions(tsm, (node as ts.ExpressionStatement).expression);
      if (options.ignoreIIFE && isAsyncIIFE(tsm, expression)) return;
      if (tsm.isVoidExpression(expression)) {
        if (options.ignoreVoid) return;
        if (!options.checkVoidInClientCode && (clientModule || runsInBrowser(tsm, context.program, sourceFile, node))) return;
        if (!classifyDropped(facts, expression.expression)) return;
        context.report({
          node: expression,
          messageId: 'floatingVoid',
          suggest: [catchSuggestion(tsm, sourceFile, expression.expression)],
        });
        return;
      }
      const dropped = findDroppedPromise(facts, expression);
      if (!dropped) return;
      const { kind } = dropped;
      // From the operand: `typeof window !== 'undefined' && load()` says where `load()` runs.
      const place = placeOf(dropped.operand);
      if (!place) return;
      const statementExpression = (node as ts.ExpressionStatement).expression;
      const target = fixTarget(tsm, statementExpression, expression);
      context.report({
        node: statementExpression,
        // A start-up call (`bootstrap();`) fails the start, not a process that is serving.
        messageId: place.inBrowser ? 'floatingInBrowser' : kind === 'floating' && tsm.isSourceFile(node.parent) ? 'floatingAtStart' : kind,
        ...(place.severity ? { severity: place.severity } : {}),
        data: { expression: describe(tsm, sourceFile, dropped.operand) },
        // Only a plain operand can take `await` or `.catch()` safely: on `ready && save()` a
        // `.catch` would run on `false`, on `(save(), 1)` it would run on `1`.
        suggest: isSimpleOperand(tsm, target) ? suggestionsFor(tsm, sourceFile, target, kind, options) : [],
      });
    };

    const checkArguments = (node: ts.Node): void => {
      const call = node as ts.CallExpression | ts.NewExpression;
      call.arguments?.forEach((argument, index) => {
        if (isMisusedCallback(facts, call, argument, index)) {
          const place = placeOf(argument);
          if (!place) return;
          context.report({
            node: argument,
            messageId: place.inBrowser ? 'misusedCallbackInBrowser' : 'misusedCallback',
            ...(place.severity ? { severity: place.severity } : {}),
            data: { callee: describeCallee(tsm, sourceFile, call) },
          });
        }
      });
    };

    const checkJsxAttribute = (node: ts.Node): void => {
      const attribute = node as ts.JsxAttribute;
      const value = attribute.initializer;
      if (!value || !tsm.isJsxExpression(value) || !value.expression) return;
      const fn = skipOuterExpressions(tsm, value.expression);
      if (!tsm.isArrowFunction(fn) && !tsm.isFunctionExpression(fn)) return;
      const contextual = checker.getContextualType(value.expression);
      if (!contextual || !isVoidReturningFunctionType(tsm, checker, contextual)) return;
      if (!returnsThenable(tsm, checker, checker.getTypeAtLocation(fn))) return;
      // An event handler: browser code by definition.
      const place = inBrowser();
      if (!place) return;
      context.report({
        node: fn,
        messageId: 'misusedCallbackInBrowser',
        data: { callee: attribute.name.getText(sourceFile) },
        ...(place.severity ? { severity: place.severity } : {}),
      });
    };

    const checkVariable = (node: ts.Node): void => {
      const name = findNeverHandledVariable(facts, node as ts.VariableDeclaration);
      if (name) context.report({ node: name, messageId: 'storedNeverHandled', data: { name: name.text } });
    };

    const checkClass = (node: ts.Node): void => {
      for (const field of findNeverHandledFields(facts, node as ts.ClassLikeDeclaration)) {
        const name = tsm.isPropertyAccessExpression(field) ? field.name.text : (field as ts.Identifier).text;
        context.report({ node: field, messageId: 'storedNeverHandled', data: { name } });
      }
    };

    return {
      [k.ExpressionStatement]: checkStatement,
      ...(options.checkCallbacks ? { [k.CallExpression]: checkArguments, [k.NewExpression]: checkArguments } : {}),
      ...(options.checkJsxAttributes ? { [k.JsxAttribute]: checkJsxAttribute } : {}),
      ...(options.checkStoredPromises
        ? { [k.VariableDeclaration]: checkVariable, [k.ClassDeclaration]: checkClass, [k.ClassExpression]: checkClass }
        : {}),
    };
  },
});

function isAsyncIIFE(tsm: TypeScriptModule, expression: ts.Expression): boolean {
  if (!tsm.isCallExpression(expression)) return false;
  const callee = skipOuterExpressions(tsm, expression.expression);
  return tsm.isArrowFunction(callee) || tsm.isFunctionExpression(callee);
}

/**
 * What a suggestion edits: the operand, or the whole statement when an assertion may be what makes
 * it a promise (`(value as Promise<void>);`: `.catch` on `value` would not type-check).
 */
function fixTarget(tsm: TypeScriptModule, statementExpression: ts.Expression, expression: ts.Expression): ts.Expression {
  for (let node: ts.Node = expression; node !== statementExpression; node = node.parent) {
    if (tsm.isAsExpression(node.parent) || tsm.isTypeAssertionExpression(node.parent)) return statementExpression;
  }
  return expression;
}

/** A short, single-line rendering of what produced the promise, for messages. */
function describe(tsm: TypeScriptModule, sourceFile: ts.SourceFile, expression: ts.Expression): string {
  let target: ts.Expression = expression;
  while (tsm.isCallExpression(target) || tsm.isNewExpression(target)) {
    const callee = skipOuterExpressions(tsm, target.expression);
    // For `.then/.catch/.finally` chains name the promise's origin, not the chain method.
    if (tsm.isPropertyAccessExpression(callee) && ['then', 'catch', 'finally'].includes(callee.name.text)) {
      target = skipOuterExpressions(tsm, callee.expression);
      continue;
    }
    const prefix = tsm.isNewExpression(target) ? 'new ' : '';
    return prefix + truncate(callee.getText(sourceFile)) + '(…)';
  }
  return truncate(target.getText(sourceFile));
}

function describeCallee(tsm: TypeScriptModule, sourceFile: ts.SourceFile, call: ts.CallExpression | ts.NewExpression): string {
  const callee = skipOuterExpressions(tsm, call.expression);
  let text = callee.getText(sourceFile);
  // A long receiver (a chain spanning lines) says less than the method's name.
  if (tsm.isPropertyAccessExpression(callee) && (text.includes('\n') || text.length > 40)) text = `….${callee.name.text}`;
  return truncate(tsm.isNewExpression(call) ? `new ${text}` : text);
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 60 ? oneLine.slice(0, 57) + '…' : oneLine;
}

function suggestionsFor(
  tsm: TypeScriptModule,
  sourceFile: ts.SourceFile,
  expression: ts.Expression,
  kind: FloatingKind,
  options: Options,
): Suggestion<MessageIds>[] {
  const suggestions: Suggestion<MessageIds>[] = [];
  const fn = getEnclosingFunction(tsm, expression);
  const start = expression.getStart(sourceFile);
  if (fn && isAsyncFunction(tsm, fn)) {
    const awaited = kind === 'floatingArray' ? `Promise.all(${expression.getText(sourceFile)})` : null;
    suggestions.push({
      messageId: 'suggestAwait',
      edits: awaited
        ? [{ start, end: expression.getEnd(), text: `await ${awaited}` }]
        : [{ start, end: start, text: 'await ' }],
    });
  }
  if (kind !== 'floatingArray') suggestions.push(catchSuggestion(tsm, sourceFile, expression));
  if (options.ignoreVoid) {
    suggestions.push({ messageId: 'suggestVoid', edits: [{ start, end: start, text: 'void ' }] });
  }
  return suggestions;
}

function catchSuggestion(tsm: TypeScriptModule, sourceFile: ts.SourceFile, expression: ts.Expression): Suggestion<MessageIds> {
  const start = expression.getStart(sourceFile);
  const end = expression.getEnd();
  const handler = '.catch((error) => console.error(error))';
  return {
    messageId: 'suggestCatch',
    edits: isSimpleOperand(tsm, expression)
      ? [{ start: end, end, text: handler }]
      : [
          { start, end: start, text: '(' },
          { start: end, end, text: ')' + handler },
        ],
  };
}

/** Expressions that can take `.catch()` or `await` without parentheses. */
function isSimpleOperand(tsm: TypeScriptModule, expression: ts.Expression): boolean {
  return (
    tsm.isCallExpression(expression) ||
    (tsm.isNewExpression(expression) && expression.arguments !== undefined) ||
    tsm.isPropertyAccessExpression(expression) ||
    tsm.isElementAccessExpression(expression) ||
    tsm.isIdentifier(expression) ||
    tsm.isParenthesizedExpression(expression) ||
    tsm.isTaggedTemplateExpression(expression)
  );
}
