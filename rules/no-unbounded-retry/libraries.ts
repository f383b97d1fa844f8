import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import {
  getImportSource,
  getPropertyValue,
  isFunctionLike,
  resolveLocalFunction,
  resolveLocalObject,
  skipOuterExpressions,
  type TypeScriptModule,
} from '@premortem/core';
import type { Delay, RetryConstruct } from './construct.js';
import { findWait, type Wait } from './delays.js';
import { numberOf } from './values.js';

/**
 * Retry libraries and their documented defaults (see README.md for the sources): a call with no
 * options inherits these.
 */
export const LIBRARY_DEFAULTS = {
  'p-retry': { retries: 10, factor: 2, minTimeout: 1000, randomize: false },
  'async-retry': { retries: 10, factor: 2, minTimeout: 1000, randomize: true },
  retry: { retries: 10, factor: 2, minTimeout: 1000, randomize: false },
  'axios-retry': { retries: 3 },
  'exponential-backoff': { numOfAttempts: 10, timeMultiple: 2, startingDelay: 100 },
  got: { limit: 2 },
  '@octokit/plugin-retry': { retries: 3 },
} as const;

export interface LibraryContext {
  ts: TypeScriptModule;
  program: ProgramQueries;
  checker: TypeQueries;
}

/** A call into a retry library: `pRetry(fn, opts)`, `axiosRetry(client, opts)`, `backOff(fn, opts)`… */
export function libraryRetry(context: LibraryContext, call: ts.CallExpression): RetryConstruct | undefined {
  const { ts: tsm, checker } = context;
  const callee = skipOuterExpressions(tsm, call.expression);
  const root = tsm.isIdentifier(callee) ? callee : tsm.isPropertyAccessExpression(callee) && tsm.isIdentifier(callee.expression) ? callee.expression : undefined;
  if (!root) return undefined;
  const source = getImportSource(tsm, checker, root);
  if (!source) return undefined;
  const member = tsm.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  const options = (index: number) => (call.arguments[index] ? resolveLocalObject(tsm, call.arguments[index]) : undefined);
  const number = (object: ts.ObjectLiteralExpression | undefined, key: string) => {
    const value = object ? getPropertyValue(tsm, object, key) : undefined;
    return value ? numberOf(tsm, value, checker) : undefined;
  };
  const flag = (object: ts.ObjectLiteralExpression | undefined, key: string) => {
    const value = object ? getPropertyValue(tsm, object, key) : undefined;
    return value ? skipOuterExpressions(tsm, value).kind === tsm.SyntaxKind.TrueKeyword : undefined;
  };

  switch (source.module) {
    case 'p-retry':
    case 'async-retry': {
      if (member !== undefined) return undefined;
      const defaults = LIBRARY_DEFAULTS[source.module];
      const opts = options(1);
      if (call.arguments[1] && !opts) return library(call, source.module, undefined, 'unknown', undefined, call.arguments[0]);
      const retries = number(opts, 'retries') ?? defaults.retries;
      const factor = number(opts, 'factor') ?? defaults.factor;
      const minTimeout = number(opts, 'minTimeout') ?? defaults.minTimeout;
      const randomize = flag(opts, 'randomize') ?? defaults.randomize;
      const delay: Delay = minTimeout === 0 ? 'none' : factor > 1 ? 'growing' : 'constant';
      // p-retry awaits `onFailedAttempt` before the next attempt: a wait there is the backoff (`minTimeout: 0` then only hands it over).
      const hook = source.module === 'p-retry' && opts ? waitIn(context, getPropertyValue(tsm, opts, 'onFailedAttempt')) : undefined;
      if (hook && (delay === 'none' || delay === 'constant')) return library(call, source.module, retries + 1, hook.delay, hook.jitter, call.arguments[0]);
      return library(call, source.module, retries + 1, delay, randomize, call.arguments[0]);
    }
    case 'retry': {
      if (member !== 'operation') return undefined;
      const opts = options(0);
      if (flag(opts, 'forever')) return library(call, 'retry', Infinity, 'growing', flag(opts, 'randomize') ?? false);
      const retries = number(opts, 'retries') ?? LIBRARY_DEFAULTS.retry.retries;
      const factor = number(opts, 'factor') ?? LIBRARY_DEFAULTS.retry.factor;
      return library(call, 'retry', retries + 1, factor > 1 ? 'growing' : 'constant', flag(opts, 'randomize') ?? false);
    }
    case 'axios-retry': {
      if (member !== undefined) return undefined;
      const opts = options(1);
      const retries = number(opts, 'retries') ?? LIBRARY_DEFAULTS['axios-retry'].retries;
      const retryDelay = opts ? getPropertyValue(tsm, opts, 'retryDelay') : undefined;
      // No retryDelay: axios-retry retries at once (its default delay is 0).
      const delay: Delay = !retryDelay ? 'none' : /exponentialDelay|linearDelay/.test(retryDelay.getText()) ? 'growing' : delayOfFunction(tsm, retryDelay);
      return library(call, 'axios-retry', retries + 1, delay, /exponentialDelay/.test(retryDelay?.getText() ?? '') || /Math\.random/.test(retryDelay?.getText() ?? ''));
    }
    case 'exponential-backoff': {
      if (source.imported !== 'backOff' && member !== 'backOff') return undefined;
      const opts = options(1);
      const attempts = number(opts, 'numOfAttempts') ?? LIBRARY_DEFAULTS['exponential-backoff'].numOfAttempts;
      const multiple = number(opts, 'timeMultiple') ?? LIBRARY_DEFAULTS['exponential-backoff'].timeMultiple;
      const starting = number(opts, 'startingDelay') ?? LIBRARY_DEFAULTS['exponential-backoff'].startingDelay;
      const jitter = opts ? getPropertyValue(tsm, opts, 'jitter') : undefined;
      const delay: Delay = starting === 0 ? 'none' : multiple > 1 ? 'growing' : 'constant';
      return library(call, 'exponential-backoff', attempts, delay, jitter ? /full/.test(jitter.getText()) : false, call.arguments[0]);
    }
    case 'cockatiel': {
      if (source.imported !== 'retry' && member !== 'retry') return undefined;
      const opts = options(1);
      // cockatiel retries forever unless maxAttempts is given, and immediately unless a backoff is.
      const attempts = number(opts, 'maxAttempts');
      const backoff = opts ? getPropertyValue(tsm, opts, 'backoff') : undefined;
      const delay: Delay = !backoff ? 'none' : /Exponential|Iterable|Delegate/.test(backoff.getText()) ? 'growing' : 'constant';
      return library(call, 'cockatiel', attempts === undefined ? Infinity : attempts + 1, delay, delay === 'growing');
    }
    case '@trigger.dev/sdk':
    case '@trigger.dev/sdk/v3':
      return triggerRetry(context, call, source.imported, member);
    default:
      return undefined;
  }
}

/** Trigger.dev's retry options (`maxAttempts` counts the first attempt); its defaults back off exponentially with jitter. */
const TRIGGER_DEFAULTS = { maxAttempts: 3, factor: 2, minTimeoutInMs: 1000, randomize: true } as const;

/**
 * Trigger.dev: a `task({ retry: { maxAttempts }, run })` runs `run` again when it throws;
 * `retry.fetch(url, { retry: { byStatus, timeout, connectionError } })` and `retry.onThrow(fn,
 * { maxAttempts })` retry by themselves. A task without `retry` takes the project's
 * `trigger.config.ts` default, which the rule does not read.
 */
function triggerRetry(context: LibraryContext, call: ts.CallExpression, imported: string, member: string | undefined): RetryConstruct | undefined {
  const { ts: tsm, checker } = context;
  const object = (value: ts.Expression | undefined) => (value ? resolveLocalObject(tsm, value) : undefined);
  const number = (options: ts.ObjectLiteralExpression, key: string) => {
    const value = getPropertyValue(tsm, options, key);
    return value ? numberOf(tsm, value, checker) : undefined;
  };
  const policy = (options: ts.ObjectLiteralExpression, attempts: number | undefined) => {
    const factor = number(options, 'factor') ?? TRIGGER_DEFAULTS.factor;
    const minTimeout = number(options, 'minTimeoutInMs') ?? TRIGGER_DEFAULTS.minTimeoutInMs;
    const randomize = getPropertyValue(tsm, options, 'randomize');
    const delay: Delay = minTimeout === 0 ? 'none' : factor > 1 ? 'growing' : 'constant';
    return { attempts, delay, jitter: randomize ? skipOuterExpressions(tsm, randomize).kind !== tsm.SyntaxKind.FalseKeyword : TRIGGER_DEFAULTS.randomize };
  };
  if (member === undefined && (imported === 'task' || imported === 'schemaTask')) {
    const options = object(call.arguments[0]);
    const retry = options ? object(getPropertyValue(tsm, options, 'retry')) : undefined;
    const attempts = retry ? number(retry, 'maxAttempts') : undefined;
    if (!options || !retry || attempts === undefined) return undefined;
    const id = getPropertyValue(tsm, options, 'id');
    const run = getPropertyValue(tsm, options, 'run');
    const label = id && tsm.isStringLiteralLike(id) ? `Trigger.dev task \`${id.text}\`` : `\`${imported}(…)\``;
    return { node: call, label, source: 'Trigger.dev', handWritten: false, ...policy(retry, attempts), ...(run ? { attempted: run } : {}) };
  }
  if (imported !== 'retry') return undefined;
  if (member === 'onThrow') {
    const options = object(call.arguments[1]);
    const attempts = options ? number(options, 'maxAttempts') : undefined;
    if (!options || attempts === undefined) return undefined;
    return { ...library(call, 'Trigger.dev', attempts, 'growing', undefined, call.arguments[0]), ...policy(options, attempts) };
  }
  if (member !== 'fetch') return undefined;
  const init = object(call.arguments[1]);
  const retry = init ? object(getPropertyValue(tsm, init, 'retry')) : undefined;
  if (!retry) return undefined;
  // The worst of its strategies: per status range, on a timeout, on a connection error.
  const strategies = [
    ...(object(getPropertyValue(tsm, retry, 'byStatus'))?.properties ?? []).flatMap((property) => (tsm.isPropertyAssignment(property) ? [object(property.initializer)] : [])),
    object(getPropertyValue(tsm, retry, 'timeout')),
    object(getPropertyValue(tsm, retry, 'connectionError')),
  ].filter((strategy): strategy is ts.ObjectLiteralExpression => strategy !== undefined);
  let worst: ReturnType<typeof policy> | undefined;
  for (const strategy of strategies) {
    const current = policy(strategy, number(strategy, 'maxAttempts') ?? TRIGGER_DEFAULTS.maxAttempts);
    if (!worst || (current.attempts ?? 0) > (worst.attempts ?? 0)) worst = current;
  }
  return worst ? { ...library(call, 'Trigger.dev', worst.attempts, worst.delay, worst.jitter), ...worst } : undefined;
}

/**
 * `policy.execute(fn)` on a cockatiel retry policy declared elsewhere (`retry(…)`, or `wrap(…)`
 * around one): each call runs `fn` up to the policy's attempts, so a retry inside it multiplies.
 */
export function policyExecution(context: LibraryContext, call: ts.CallExpression): RetryConstruct | undefined {
  const { ts: tsm } = context;
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isPropertyAccessExpression(callee) || callee.name.text !== 'execute' || !call.arguments[0]) return undefined;
  const policy = retryPolicyOf(context, callee.expression, 0);
  if (!policy || policy.attempts === undefined) return undefined;
  return { ...policy, node: call, label: `\`${callee.getText().replace(/\s+/g, '')}\``, attempted: call.arguments[0], executes: true };
}

function retryPolicyOf(context: LibraryContext, expression: ts.Expression, depth: number): RetryConstruct | undefined {
  const { ts: tsm, checker } = context;
  if (depth > 3) return undefined;
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isCallExpression(value)) {
    const direct = libraryRetry(context, value);
    if (direct?.source === 'cockatiel') return direct;
    const callee = skipOuterExpressions(tsm, value.expression);
    const name = tsm.isIdentifier(callee) ? callee : tsm.isPropertyAccessExpression(callee) ? callee.name : undefined;
    const root = tsm.isIdentifier(callee) ? callee : tsm.isPropertyAccessExpression(callee) && tsm.isIdentifier(callee.expression) ? callee.expression : undefined;
    if (name?.text === 'wrap' && root && getImportSource(tsm, checker, root)?.module === 'cockatiel') {
      for (const argument of value.arguments) {
        const inner = retryPolicyOf(context, argument, depth + 1);
        if (inner) return inner;
      }
    }
    return undefined;
  }
  const name = tsm.isIdentifier(value) ? value : tsm.isPropertyAccessExpression(value) ? value.name : undefined;
  const symbol = name ? checker.getSymbolAtLocation(name) : undefined;
  const resolved = symbol && symbol.flags & tsm.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const declaration = resolved?.valueDeclaration;
  if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  return retryPolicyOf(context, declaration.initializer, depth + 1);
}

/** The wait a callback awaits (`onFailedAttempt: async () => { await sleep(…) }`), when it has one. */
function waitIn(context: LibraryContext, value: ts.Expression | undefined): Wait | undefined {
  const { ts: tsm, program, checker } = context;
  const fn = value ? resolveLocalFunction(tsm, checker, value) : undefined;
  if (!fn?.body) return undefined;
  const wait = findWait(tsm, program, checker, fn, new Set());
  return wait.delay === 'none' ? undefined : wait;
}

function library(call: ts.CallExpression, source: string, attempts: number | undefined, delay: Delay, jitter: boolean | undefined, attempted?: ts.Expression): RetryConstruct {
  const label = `\`${call.expression.getText().replace(/\s+/g, '')}\``;
  return { node: call, label, source, attempts, delay, jitter, handWritten: false, ...(attempted ? { attempted } : {}) };
}

function delayOfFunction(tsm: TypeScriptModule, expression: ts.Expression): Delay {
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isNumericLiteral(value)) return Number(value.text) === 0 ? 'none' : 'constant';
  if (!isFunctionLike(tsm, value)) return 'unknown';
  const text = value.getText();
  if (/\*\*|Math\.pow|<<|\*\s*\w*(count|retry|attempt)/i.test(text)) return 'growing';
  const body = value.body && tsm.isExpression(value.body) ? skipOuterExpressions(tsm, value.body) : undefined;
  if (body && tsm.isNumericLiteral(body)) return Number(body.text) === 0 ? 'none' : 'constant';
  return /\bcount|retry|attempt/i.test(text) ? 'growing' : 'constant';
}

