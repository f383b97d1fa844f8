import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import {
  calleeName,
  getImportSource,
  getPropertyValue,
  isFunctionLike,
  isProjectSource,
  perProgram,
  resolveLocalFunction,
  resolveLocalObject,
  resolveSymbol,
  skipOuterExpressions,
  walkTree,
  walkTreeWithState,
  type TypeScriptModule,
} from '@premortem/core';
import type { Delay, RetryConstruct } from './construct.js';
import { numberOf } from './values.js';

const QUERY_HOOKS = /^(useQuery|useSuspenseQuery|useInfiniteQuery|useSuspenseInfiniteQuery|useMutation|useQueries|useSuspenseQueries|queryOptions|infiniteQueryOptions|mutationOptions|prefetchQuery|fetchQuery|ensureQueryData)$/;

/**
 * `retry`/`retryDelay` in TanStack Query (and tRPC's React hooks) options: on a hook, in
 * `queryOptions(…)`, or in `new QueryClient({ defaultOptions })`. The defaults (3 retries,
 * exponential delay capped at 30 s) are fine and stay quiet.
 */
export function queryRetryOption(tsm: TypeScriptModule, checker: TypeQueries, property: ts.PropertyAssignment): RetryConstruct | undefined {
  const name = tsm.isIdentifier(property.name) ? property.name.text : undefined;
  if (name !== 'retry' && name !== 'retryDelay') return undefined;
  const object = property.parent;
  if (!isQueryOptions(tsm, object)) return undefined;
  const retry = getPropertyValue(tsm, object, 'retry');
  const retryDelay = getPropertyValue(tsm, object, 'retryDelay');
  // Report once per options object: on `retry` when present, else on `retryDelay`.
  if (name === 'retryDelay' && retry) return undefined;
  const attempts = retry ? retryAttempts(tsm, checker, retry) : 4;
  if (attempts === 1) return undefined;
  const delay: Delay = retryDelay ? delayOf(tsm, retryDelay) : 'growing';
  const queryFn = getPropertyValue(tsm, object, 'queryFn') ?? getPropertyValue(tsm, object, 'mutationFn');
  return {
    node: property,
    label: `\`${property.getText().split('\n')[0]!.replace(/,$/, '')}\``,
    attempts,
    delay,
    jitter: retryDelay ? /Math\.random|jitter/i.test(retryDelay.getText()) : undefined,
    handWritten: false,
    source: 'TanStack Query',
    ...(queryFn ? { attempted: queryFn } : {}),
  };
}

function isQueryOptions(tsm: TypeScriptModule, object: ts.ObjectLiteralExpression): boolean {
  const parent = object.parent;
  // defaultOptions: { queries: { retry } }
  if (tsm.isPropertyAssignment(parent) && tsm.isIdentifier(parent.name) && /^(queries|mutations)$/.test(parent.name.text)) {
    const defaults = parent.parent.parent;
    return tsm.isPropertyAssignment(defaults) && tsm.isIdentifier(defaults.name) && defaults.name.text === 'defaultOptions';
  }
  if (getPropertyValue(tsm, object, 'queryKey') || getPropertyValue(tsm, object, 'queryFn') || getPropertyValue(tsm, object, 'mutationFn')) return true;
  if (tsm.isCallExpression(parent)) {
    const name = calleeName(tsm, parent.expression);
    return name !== undefined && QUERY_HOOKS.test(name);
  }
  return false;
}

/** `retry: true | Infinity | n | (count, error) => …` as total attempts. */
function retryAttempts(tsm: TypeScriptModule, checker: TypeQueries, value: ts.Expression): number | undefined {
  const expression = skipOuterExpressions(tsm, value);
  if (expression.kind === tsm.SyntaxKind.TrueKeyword) return Infinity;
  if (expression.kind === tsm.SyntaxKind.FalseKeyword) return 1;
  const number = numberOf(tsm, expression, checker);
  if (number !== undefined) return number + 1;
  const fn = isFunctionLike(tsm, expression) ? expression : undefined;
  if (fn) return functionAttempts(tsm, fn);
  return undefined;
}

/** `(count) => count < 3` → 4 attempts; `() => true` → Infinity; anything else: computed. */
function functionAttempts(tsm: TypeScriptModule, fn: ts.SignatureDeclaration & { body?: ts.Node }): number | undefined {
  const body = fn.body;
  if (!body) return undefined;
  const returned = tsm.isBlock(body) ? onlyReturn(tsm, body) : skipOuterExpressions(tsm, body as ts.Expression);
  if (returned && returned.kind === tsm.SyntaxKind.TrueKeyword) return Infinity;
  const text = body.getText();
  const limit = /(?:<|<=)\s*(\d+)|(\d+)\s*(?:>|>=)/.exec(text);
  if (limit) return Number(limit[1] ?? limit[2]) + 1;
  return undefined;
}

function onlyReturn(tsm: TypeScriptModule, block: ts.Block): ts.Expression | undefined {
  const statements = block.statements;
  if (statements.length !== 1) return undefined;
  const statement = statements[0]!;
  return tsm.isReturnStatement(statement) && statement.expression ? skipOuterExpressions(tsm, statement.expression) : undefined;
}

function delayOf(tsm: TypeScriptModule, value: ts.Expression): Delay {
  const expression = skipOuterExpressions(tsm, value);
  const number = tsm.isNumericLiteral(expression) ? Number(expression.text) : undefined;
  if (number !== undefined) return number === 0 ? 'none' : 'constant';
  if (!isFunctionLike(tsm, expression)) return 'unknown';
  const text = expression.getText();
  if (/\*\*|Math\.pow|<<|\bexponential/i.test(text)) return 'growing';
  const returned = expression.body && !tsm.isBlock(expression.body) ? skipOuterExpressions(tsm, expression.body) : undefined;
  if (returned && tsm.isNumericLiteral(returned)) return Number(returned.text) === 0 ? 'none' : 'constant';
  const parameters = expression.parameters.map((p) => p.name.getText());
  return parameters.some((p) => new RegExp(`\\b${p}\\b`).test(expression.body?.getText() ?? '')) ? 'growing' : 'constant';
}

const SWR_MODULES = new Set(['swr', 'swr/infinite', 'swr/immutable']);

/**
 * `useSWR(key, fetcher, options)`. SWR retries a failed request with no count limit unless
 * `errorRetryCount` or `shouldRetryOnError: false` is set, but backs off exponentially with
 * jitter and only while the page is visible: the default is judged where it is set (a
 * `<SWRConfig>`), and a hook on it only runs work under it (for amplification). A hook is
 * reported when its own options make the default a hazard: an `onError` that does something on
 * every failed attempt (a toast each time, forever), or `errorRetryInterval: 0` (at once, forever).
 */
export function swrRetry(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, call: ts.CallExpression): RetryConstruct | undefined {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isIdentifier(callee)) return undefined;
  const source = getImportSource(tsm, checker, callee);
  if (!source || !SWR_MODULES.has(source.module) || (source.imported !== 'default' && !/^useSWR/.test(source.imported))) return undefined;
  if (source.imported !== 'default' && !/^useSWR(Infinite|Immutable)?$/.test(source.imported)) return undefined;
  const last = call.arguments.at(-1);
  const options = last && call.arguments.length > 1 ? resolveLocalObject(tsm, last) : undefined;
  if (options && limitsRetries(tsm, checker, options)) return undefined;
  if (globalSwrLimit(tsm, program, checker)) return undefined;
  const base = {
    node: call,
    label: `\`${callee.text}(…)\` hook`,
    subject: `This \`${callee.text}(…)\` hook`,
    attempts: Infinity,
    handWritten: false,
    source: 'SWR',
    ...(call.arguments[1] && !options ? { attempted: call.arguments[1] } : {}),
  };
  const hazard = options ? swrHazard(tsm, checker, options) : undefined;
  if (!hazard) return { ...base, delay: 'growing', jitter: true, executes: true };
  return { ...base, ...hazard, node: call };
}

/**
 * `<SWRConfig value={{ … }}>`: SWR's retry defaults for every hook under it, reported once here
 * when they are a hazard (see `swrHazard`); on its `onError` or `errorRetryInterval` property.
 */
export function swrConfigOption(tsm: TypeScriptModule, checker: TypeQueries, property: ts.PropertyAssignment): RetryConstruct | undefined {
  const name = tsm.isIdentifier(property.name) ? property.name.text : undefined;
  if (name !== 'onError' && name !== 'errorRetryInterval') return undefined;
  const object = property.parent;
  if (!isSwrConfigValue(tsm, object) || limitsRetries(tsm, checker, object)) return undefined;
  const hazard = swrHazard(tsm, checker, object);
  // Reported once per value: on the property that makes it a hazard.
  if (!hazard || hazard.node !== property) return undefined;
  return { label: '`<SWRConfig>` value', subject: 'This `<SWRConfig>` value', attempts: Infinity, handWritten: false, source: 'SWR', configures: true, ...hazard };
}

function isSwrConfigValue(tsm: TypeScriptModule, object: ts.ObjectLiteralExpression): boolean {
  const expression = object.parent;
  if (!tsm.isJsxExpression(expression) || !tsm.isJsxAttribute(expression.parent) || expression.parent.name.getText() !== 'value') return false;
  const element = expression.parent.parent.parent;
  return (tsm.isJsxOpeningElement(element) || tsm.isJsxSelfClosingElement(element)) && /(^|\.)SWRConfig$/.test(element.tagName.getText());
}

type SwrHazard = Pick<RetryConstruct, 'node' | 'delay' | 'jitter' | 'severity' | 'repeatsOnError'>;

/** What in SWR options turns its unlimited retries into a hazard: a zero retry interval, or an `onError` with an effect. */
function swrHazard(tsm: TypeScriptModule, checker: TypeQueries, options: ts.ObjectLiteralExpression): SwrHazard | undefined {
  const interval = getPropertyValue(tsm, options, 'errorRetryInterval');
  if (interval && numberOf(tsm, interval, checker) === 0) return { node: interval.parent, delay: 'none', jitter: false };
  const onError = getPropertyValue(tsm, options, 'onError');
  const effect = onError ? errorEffect(tsm, checker, onError) : undefined;
  if (!onError || !effect) return undefined;
  return { node: onError.parent, delay: 'growing', jitter: true, severity: 'warning', repeatsOnError: effect };
}

/** `console.error(…)`, `this.logger.warn(…)`, `Sentry.captureException(…)`, `logError(…)`: a record, not an effect the user sees. */
const LOGGING = /(^|\.)(console|logger|log|Sentry)\.\w+$|^(log\w*|captureException|captureMessage)$/i;

/** The first call an `onError` handler makes that is not logging (`toast.error()`, `setBanner()`), as `name()`. */
function errorEffect(tsm: TypeScriptModule, checker: TypeQueries, handler: ts.Expression): string | undefined {
  const fn = resolveLocalFunction(tsm, checker, handler);
  if (!fn?.body) return undefined;
  let found: string | undefined;
  walkTree(tsm, fn.body, (node) => {
    if (isFunctionLike(tsm, node)) return 'skip';
    if (!tsm.isCallExpression(node)) return;
    const callee = skipOuterExpressions(tsm, node.expression).getText().replace(/\s+/g, '');
    if (LOGGING.test(callee)) return 'skip';
    found = `${callee}()`;
    return 'stop';
  });
  return found;
}

function limitsRetries(tsm: TypeScriptModule, checker: TypeQueries, options: ts.ObjectLiteralExpression): boolean {
  const count = getPropertyValue(tsm, options, 'errorRetryCount');
  if (count) {
    const n = numberOf(tsm, count, checker);
    return n === undefined || Number.isFinite(n);
  }
  const should = getPropertyValue(tsm, options, 'shouldRetryOnError');
  if (should && skipOuterExpressions(tsm, should).kind !== tsm.SyntaxKind.TrueKeyword) return true;
  // A custom onErrorRetry that stops after some count.
  const custom = getPropertyValue(tsm, options, 'onErrorRetry');
  return custom !== undefined && /retryCount\s*>=?|>=?\s*\d|return;/.test(custom.getText());
}

/** A `<SWRConfig value={{ errorRetryCount }}>` anywhere in the Program limits every hook under it. */
function globalSwrLimit(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries): boolean {
  return perProgram(program, 'no-unbounded-retry:swr-config', () => {
    for (const sourceFile of program.getSourceFiles()) {
      if (!isProjectSource(program, sourceFile) || !sourceFile.text.includes('SWRConfig')) continue;
      let limited = false;
      walkTree(tsm, sourceFile, (node) => {
        if ((tsm.isJsxOpeningElement(node) || tsm.isJsxSelfClosingElement(node)) && node.tagName.getText() === 'SWRConfig') {
          for (const attribute of node.attributes.properties) {
            if (!tsm.isJsxAttribute(attribute) || attribute.name.getText() !== 'value' || !attribute.initializer) continue;
            const expression = tsm.isJsxExpression(attribute.initializer) ? attribute.initializer.expression : undefined;
            const value = expression ? resolveLocalObject(tsm, expression) ?? objectOfIdentifier(tsm, checker, expression) : undefined;
            if (value && limitsRetries(tsm, checker, value)) limited = true;
          }
          if (limited) return 'stop';
        }
      });
      if (limited) return true;
    }
    return false;
  });
}

function objectOfIdentifier(tsm: TypeScriptModule, checker: TypeQueries, expression: ts.Expression): ts.ObjectLiteralExpression | undefined {
  const value = skipOuterExpressions(tsm, expression);
  if (!tsm.isIdentifier(value)) return undefined;
  const declaration = resolveSymbol(tsm, checker, value)?.valueDeclaration;
  if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  const initializer = skipOuterExpressions(tsm, declaration.initializer);
  return tsm.isObjectLiteralExpression(initializer) ? initializer : undefined;
}

/** got's `retry: { limit }` (default 2, with backoff and noise: fine) and Octokit's throttle handlers. */
export function clientRetryOption(tsm: TypeScriptModule, checker: TypeQueries, property: ts.PropertyAssignment): RetryConstruct | undefined {
  const name = tsm.isIdentifier(property.name) ? property.name.text : undefined;
  const object = property.parent;
  const owner = tsm.isCallExpression(object.parent) || tsm.isNewExpression(object.parent) ? object.parent : undefined;
  const ownerName = owner ? calleeName(tsm, owner.expression) : undefined;
  if (name === 'retry' && owner && isGot(tsm, checker, owner.expression)) {
    const value = resolveLocalObject(tsm, property.initializer);
    const limit = value ? getPropertyValue(tsm, value, 'limit') : undefined;
    const n = limit ? numberOf(tsm, limit, checker) : numberOf(tsm, property.initializer, checker);
    if (n === undefined) return undefined;
    return { node: property, label: `got \`retry: ${n}\``, attempts: n + 1, delay: 'growing', jitter: true, handWritten: false, source: 'got' };
  }
  if ((name === 'onRateLimit' || name === 'onSecondaryRateLimit') && tsm.isPropertyAssignment(object.parent) && tsm.isIdentifier(object.parent.name) && object.parent.name.text === 'throttle') {
    const handler = resolveLocalFunction(tsm, checker, property.initializer);
    if (!handler?.body) return undefined;
    const returned = tsm.isBlock(handler.body) ? alwaysReturnsTrue(tsm, handler.body) : skipOuterExpressions(tsm, handler.body).kind === tsm.SyntaxKind.TrueKeyword;
    if (!returned) return undefined;
    return { node: property, label: `Octokit throttle \`${name}\` that always returns true`, attempts: Infinity, delay: 'growing', jitter: false, handWritten: false, source: '@octokit/plugin-throttling' };
  }
  if (name === 'retries' && ownerName === undefined && tsm.isPropertyAssignment(object.parent) && tsm.isIdentifier(object.parent.name) && object.parent.name.text === 'retry') {
    const octokit = object.parent.parent.parent;
    if ((tsm.isNewExpression(octokit) || tsm.isCallExpression(octokit)) && /Octokit/.test(octokit.expression.getText())) {
      const n = numberOf(tsm, property.initializer, checker);
      if (n !== undefined) return { node: property, label: `Octokit \`retries: ${n}\``, attempts: n + 1, delay: 'growing', jitter: false, handWritten: false, source: '@octokit/plugin-retry' };
    }
  }
  return undefined;
}

function isGot(tsm: TypeScriptModule, checker: TypeQueries, callee: ts.Expression): boolean {
  const value = skipOuterExpressions(tsm, callee);
  const root = tsm.isPropertyAccessExpression(value) ? skipOuterExpressions(tsm, value.expression) : value;
  return tsm.isIdentifier(root) && getImportSource(tsm, checker, root)?.module === 'got';
}

/** Every return in the handler returns `true`, with no condition before it. */
function alwaysReturnsTrue(tsm: TypeScriptModule, block: ts.Block): boolean {
  let sawReturn = false;
  let conditional = false;
  walkTree(tsm, block, (node) => {
    if (isFunctionLike(tsm, node)) return 'skip';
    if (tsm.isIfStatement(node) || tsm.isConditionalExpression(node)) conditional = true;
    if (tsm.isReturnStatement(node)) {
      sawReturn = true;
      if (!node.expression || skipOuterExpressions(tsm, node.expression).kind !== tsm.SyntaxKind.TrueKeyword) conditional = true;
    }
  });
  return sawReturn && !conditional;
}

const ERROR_NAME = /error|failed|failure/i;
const REFETCH_NAME = /^(refetch|mutate|reload|retry|revalidate|refresh|fetch\w*|load\w*)$/i;

/** `useEffect(() => { if (error) refetch(); }, [error])`: refires on every failure, at once. */
export function effectRefetchOnError(tsm: TypeScriptModule, checker: TypeQueries, call: ts.CallExpression): RetryConstruct | undefined {
  const name = calleeName(tsm, call.expression);
  if (!name || !/^use(Layout)?Effect$/.test(name)) return undefined;
  const dependencies = call.arguments[1] ? skipOuterExpressions(tsm, call.arguments[1]) : undefined;
  if (!dependencies || !tsm.isArrayLiteralExpression(dependencies)) return undefined;
  const errors = dependencies.elements.map((element) => element.getText()).filter((text) => ERROR_NAME.test(text));
  if (errors.length === 0) return undefined;
  const effect = call.arguments[0] ? resolveLocalFunction(tsm, checker, call.arguments[0]) : undefined;
  if (!effect?.body) return undefined;
  let found: ts.CallExpression | undefined;
  const mentionsError = (condition: ts.Expression): boolean =>
    errors.some((error) => condition.getText().includes(error)) && !/^!/.test(condition.getText().trim());
  walkTreeWithState(
    tsm,
    effect.body,
    false,
    (node, underError) => {
      if (isFunctionLike(tsm, node)) return 'skip'; // the walk starts at the body: any function here is nested
      if (underError && tsm.isCallExpression(node)) {
        const callee = calleeName(tsm, node.expression);
        if (callee && REFETCH_NAME.test(callee) && !/timeout/i.test(callee)) {
          found = node;
          return 'stop';
        }
      }
    },
    // `if (error) …`: its then-branch runs on a failure.
    (child, parent, underError) => underError || (tsm.isIfStatement(parent) && child === parent.thenStatement && mentionsError(parent.expression)),
  );
  if (!found || isOneShot(tsm, found, effect.body)) return undefined;
  return { node: found, label: `effect that calls \`${calleeName(tsm, found.expression)}()\` whenever \`${errors.join('`/`')}\` changes`, attempts: Infinity, delay: 'none', jitter: false, handWritten: true };
}

/**
 * `if (retried.current) return; retried.current = true; refetch();`: a ref or flag the effect
 * both tests on the way to the refetch and sets, so it refetches once per value of the flag
 * rather than on every failure.
 */
function isOneShot(tsm: TypeScriptModule, refetch: ts.Node, body: ts.Node): boolean {
  const guards: string[] = [];
  const assigned: string[] = [];
  for (let current: ts.Node = refetch; current !== body && current.parent; current = current.parent) {
    const parent = current.parent;
    if (tsm.isIfStatement(parent) && parent.thenStatement === current) guards.push(parent.expression.getText());
    if (!tsm.isBlock(parent)) continue;
    for (const statement of parent.statements) {
      if (tsm.isIfStatement(statement) && statement !== current && endsEarly(tsm, statement.thenStatement)) {
        guards.push(statement.expression.getText());
        continue;
      }
      walkTree(tsm, statement, (node) => {
        if (isFunctionLike(tsm, node)) return 'skip';
        const target = assignedTarget(tsm, node);
        if (target) assigned.push(target.getText());
      });
    }
  }
  return assigned.some((target) => {
    const escaped = target.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
    const word = new RegExp(`(?<![\\w$.])${escaped}(?![\\w$])`);
    return guards.some((guard) => word.test(guard));
  });
}

function assignedTarget(tsm: TypeScriptModule, node: ts.Node): ts.Expression | undefined {
  const k = tsm.SyntaxKind;
  if (tsm.isBinaryExpression(node) && node.operatorToken.kind >= k.FirstAssignment && node.operatorToken.kind <= k.LastAssignment) return skipOuterExpressions(tsm, node.left);
  if ((tsm.isPostfixUnaryExpression(node) || tsm.isPrefixUnaryExpression(node)) && (node.operator === k.PlusPlusToken || node.operator === k.MinusMinusToken)) {
    return skipOuterExpressions(tsm, node.operand);
  }
  return undefined;
}

function endsEarly(tsm: TypeScriptModule, statement: ts.Statement): boolean {
  if (tsm.isReturnStatement(statement) || tsm.isThrowStatement(statement)) return true;
  return tsm.isBlock(statement) && statement.statements.some((inner) => tsm.isReturnStatement(inner) || tsm.isThrowStatement(inner));
}

const QUERY_MODULE = /^(@tanstack\/[\w-]*query[\w-]*|react-query)$/;

/**
 * `new QueryClient()` (or one whose `defaultOptions.queries` sets no `retry`): TanStack Query's
 * default retries every failed query 3 times in the browser, whatever the error, so a 401 or a
 * 429 for an exhausted quota is sent 4 times. Reported once, at the construction; the hooks that
 * use the client are not. Quiet when the options cannot be read (a spread, a value from elsewhere)
 * and in `server-only` modules, where the default is no retry.
 */
export function queryClientDefaults(tsm: TypeScriptModule, checker: TypeQueries, expression: ts.NewExpression): RetryConstruct | undefined {
  const callee = skipOuterExpressions(tsm, expression.expression);
  if (!tsm.isIdentifier(callee)) return undefined;
  const source = getImportSource(tsm, checker, callee);
  if (!source || source.imported !== 'QueryClient' || !QUERY_MODULE.test(source.module)) return undefined;
  if (isServerOnly(tsm, expression.getSourceFile())) return undefined;
  const config = expression.arguments?.[0];
  if (config && setsQueryRetry(tsm, config) !== false) return undefined;
  return {
    node: expression,
    label: `\`new ${callee.text}(${config ? '…' : ''})\``,
    attempts: 4,
    delay: 'growing',
    jitter: undefined,
    handWritten: false,
    source: 'TanStack Query',
    configures: true,
    retriesClientErrors: true,
    severity: 'warning',
  };
}

/** Whether `{ defaultOptions: { queries: { retry } } }` sets `retry`; undefined when the object cannot be read whole. */
function setsQueryRetry(tsm: TypeScriptModule, config: ts.Expression): boolean | undefined {
  let object = resolveLocalObject(tsm, config);
  for (const key of ['defaultOptions', 'queries', 'retry']) {
    if (!object || object.properties.some((property) => tsm.isSpreadAssignment(property))) return undefined;
    const value = getPropertyValue(tsm, object, key);
    if (!value) return false;
    if (key === 'retry') return true;
    object = resolveLocalObject(tsm, value);
  }
  return undefined;
}

function isServerOnly(tsm: TypeScriptModule, sourceFile: ts.SourceFile): boolean {
  return sourceFile.statements.some(
    (statement) => tsm.isImportDeclaration(statement) && tsm.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === 'server-only',
  );
}
