import type ts from 'typescript';
import type { TypeQueries } from '@premortem/core';
import {
  calleeName,
  defineRule,
  getFetchSummaries,
  getFunctionName,
  getReactFunctionKind,
  isAsyncFunction,
  isFunctionLike,
  isHookName,
  isServerComponentFile,
  resolveLocalFunction,
  skipOuterExpressions,
  walkRender,
  type FetchChain,
  type FetchSummaries,
  type FunctionLike,
  type RuleContext,
} from '@premortem/core';
import { defaultOptions, schema, type Options } from './options.js';

export type { Options } from './options.js';
export type MessageIds = 'fetchInRender' | 'effectWithoutDependencies' | 'unstableDependency';

const EFFECTS = new Set(['useEffect', 'useLayoutEffect', 'useInsertionEffect']);

export const noFetchInRender = defineRule<MessageIds, Options>({
  name: 'no-fetch-in-render',
  meta: {
    description: 'Disallow data fetches that run on every render of a component or hook: in the render body, in effects without dependencies, or in effects whose dependencies change on every render.',
    type: 'problem',
    recommended: 'recommended',
    severity: 'error',
    requiresTypeChecking: true,
    hasSuggestions: false,
    messages: {
      fetchInRender:
        '`{{fetch}}` runs in the render body of {{kind}} `{{name}}`{{via}}: every render sends a request, and a state update from its answer renders again. Fetch in an effect with dependencies, an event handler, or a data hook (`useQuery`, `useSWR`).',
      effectWithoutDependencies:
        'This `{{effect}}` has no dependency array, so it runs after every render of `{{name}}`, and `{{fetch}}` sends a request each time{{via}}. Pass its dependencies (`[]` to run once on mount), or use a data hook (`useQuery`, `useSWR`).',
      unstableDependency:
        '`{{dependency}}` is {{what}} made anew on every render of `{{name}}`, so this `{{effect}}` runs after every render and `{{fetch}}` sends a request each time{{via}}. Wrap it in `{{wrapper}}`, move it out of the component, or depend on its primitive parts.',
    },
    schema,
    defaultOptions,
  },
  create(context) {
    const { ts: tsm } = context;
    const summaries = getFetchSummaries(tsm, context.program, context.options.extraFetchers);
    const check = (node: ts.Node) => {
      const fn = node as FunctionLike;
      const kind = getReactFunctionKind(tsm, fn);
      if (!kind) return;
      // Async components are server components: they render once per request, on the server.
      if (isAsyncFunction(tsm, fn)) return;
      if (kind === 'hook') {
        checkRenderFunction(context, summaries, fn, kind);
        return;
      }
      // Whether this is a server component is asked only when there is something to report: the
      // answer walks the app router's imports, which the editor would otherwise redo on every edit.
      const reports: Parameters<typeof context.report>[0][] = [];
      checkRenderFunction({ ...context, report: (report) => reports.push(report) }, summaries, fn, kind);
      if (reports.length === 0 || isServerComponentFile(tsm, context.program, context.sourceFile)) return;
      for (const report of reports) context.report(report);
    };
    return {
      [tsm.SyntaxKind.FunctionDeclaration]: check,
      [tsm.SyntaxKind.FunctionExpression]: check,
      [tsm.SyntaxKind.ArrowFunction]: check,
    };
  },
});

function checkRenderFunction(context: RuleContext<MessageIds, Options>, summaries: FetchSummaries, fn: FunctionLike, kind: 'component' | 'hook'): void {
  const { ts: tsm } = context;
  const name = getFunctionName(tsm, fn) ?? 'default';
  walkRender(tsm, fn, (node) => {
    if (!tsm.isCallExpression(node)) return;
    const callee = calleeName(tsm, node.expression);
    if (callee && EFFECTS.has(callee)) {
      checkEffect(context, summaries, fn, name, node, callee);
      return;
    }
    if (callee && isHookName(callee)) return;
    const chain = summaries.callFetch(node);
    if (!chain) return;
    context.report({
      node,
      messageId: 'fetchInRender',
      data: { fetch: chain.fetch.label, kind: kind === 'hook' ? 'hook' : 'component', name, via: via(tsm, chain) },
    });
  });
}

function checkEffect(
  context: RuleContext<MessageIds, Options>,
  summaries: FetchSummaries,
  component: FunctionLike,
  name: string,
  effect: ts.CallExpression,
  effectName: string,
): void {
  const { ts: tsm, checker } = context;
  const callback = effect.arguments[0] ? resolveLocalFunction(tsm, checker, effect.arguments[0]) : undefined;
  if (!callback?.body) return;
  const dependencies = effect.arguments[1];
  if (!dependencies) {
    const chain = summaries.firstFetchIn(callback.body);
    if (chain) {
      context.report({
        node: chain.calls[0]!,
        messageId: 'effectWithoutDependencies',
        data: { effect: effectName, name, fetch: chain.fetch.label, via: via(tsm, chain) },
      });
    }
    return;
  }
  const list = skipOuterExpressions(tsm, dependencies);
  if (!tsm.isArrayLiteralExpression(list)) return;
  let chain: FetchChain | undefined | null = null;
  for (const element of list.elements) {
    if (!tsm.isIdentifier(element)) continue;
    const unstable = unstableValue(tsm, checker, component, element);
    if (!unstable) continue;
    if (chain === null) chain = summaries.firstFetchIn(callback.body);
    if (!chain) return;
    const sourceFile = unstable.declaration.getSourceFile();
    const { line } = sourceFile.getLineAndCharacterOfPosition(unstable.declaration.getStart(sourceFile));
    context.report({
      node: element,
      messageId: 'unstableDependency',
      data: { dependency: element.text, what: unstable.what, name, effect: effectName, fetch: chain.fetch.label, via: via(tsm, chain), wrapper: unstable.wrapper },
      path: [{ file: sourceFile.fileName, line: line + 1, label: `\`${element.text}\` is made here, on every render` }],
    });
  }
}

/**
 * A dependency declared in the component body as a value with a new identity each render:
 * an object or array literal, a function, or a `new` instance.
 */
function unstableValue(
  tsm: RuleContext<MessageIds, Options>['ts'],
  checker: TypeQueries,
  component: FunctionLike,
  identifier: ts.Identifier,
): { declaration: ts.Node; what: string; wrapper: string } | undefined {
  const declaration = checker.getSymbolAtLocation(identifier)?.valueDeclaration;
  if (!declaration || !isDeclaredDirectlyIn(tsm, declaration, component)) return undefined;
  if (tsm.isFunctionDeclaration(declaration)) return { declaration, what: 'a function', wrapper: 'useCallback' };
  if (!tsm.isVariableDeclaration(declaration) || !declaration.initializer || !tsm.isIdentifier(declaration.name)) return undefined;
  const value = skipOuterExpressions(tsm, declaration.initializer);
  if (tsm.isObjectLiteralExpression(value)) return { declaration, what: 'an object', wrapper: 'useMemo' };
  if (tsm.isArrayLiteralExpression(value)) return { declaration, what: 'an array', wrapper: 'useMemo' };
  if (isFunctionLike(tsm, value)) return { declaration, what: 'a function', wrapper: 'useCallback' };
  if (tsm.isNewExpression(value)) return { declaration, what: 'a new instance', wrapper: 'useMemo' };
  return undefined;
}

/** Declared in the component's own body, not in a nested function or outside it. */
function isDeclaredDirectlyIn(tsm: RuleContext<MessageIds, Options>['ts'], declaration: ts.Node, component: FunctionLike): boolean {
  for (let current = declaration.parent; current; current = current.parent) {
    if (current === component) return true;
    if (isFunctionLike(tsm, current)) return false;
  }
  return false;
}

function via(tsm: RuleContext<MessageIds, Options>['ts'], chain: FetchChain): string {
  if (chain.calls.length < 2) return '';
  const names = chain.calls.slice(0, -1).map((call) => `${calleeName(tsm, call.expression) ?? 'call'}()`);
  return ` (through ${names.join(' → ')})`;
}
