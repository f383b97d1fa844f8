import type ts from 'typescript';
import { calleeName, defineRule, getEnclosingFunction, isFunctionLike, resolveCalledFunction, type RuleContext, type TypeScriptModule } from '@premortem/core';
import type { RetryConstruct } from './construct.js';
import { GOOGLE_CLIENT_ATTEMPTS, callsIn, detectConstruct, innerRetryOf, isGoogleApiCall, type DetectContext } from './detect.js';
import { defaultOptions, schema, type Options } from './options.js';

export type { Options } from './options.js';
export type MessageIds = 'unbounded' | 'tooManyAttempts' | 'noBackoff' | 'permanentFailure' | 'noJitter' | 'amplified' | 'retriesClientErrors' | 'repeatsOnError';

export const noUnboundedRetry = defineRule<MessageIds, Options>({
  name: 'no-unbounded-retry',
  meta: {
    description:
      'Disallow retries with no attempt limit, without a growing delay, on failures that cannot succeed, or nested inside other retries; know the defaults of the common retry libraries.',
    type: 'problem',
    recommended: 'recommended',
    severity: 'error',
    requiresTypeChecking: true,
    hasSuggestions: false,
    messages: {
      unbounded:
        '{{what}} retries with no attempt limit{{how}}. When the other side is down, every caller keeps it down. Cap the attempts (about 3), back off exponentially with jitter, and give up.',
      tooManyAttempts:
        '{{what}} makes up to {{attempts}} attempts{{how}}; guidance is about 3 retries per layer, and retries multiply across layers. Lower it (the limit is the `maxRetries` option, {{max}}).',
      noBackoff:
        '{{what}} makes {{attempts}} with {{delay}} between them: a failing dependency gets them back to back instead of room to recover. Wait longer after each failure (exponential backoff with jitter).',
      permanentFailure:
        '{{what}} retries after `{{condition}}`: a 4xx other than 408 or 429 will fail the same way again. Retry only timeouts, 429 and 5xx.',
      noJitter:
        '{{what}} backs off exponentially without randomness{{wait}}: clients that failed together retry together, in waves. Add jitter (`delay * Math.random()`, "full jitter").',
      retriesClientErrors:
        '{{what}} keeps the default `retry`: every failed query is sent up to 4 times, 4xx errors included (an exhausted quota, an expired session), which fail the same way each time. Give `defaultOptions.queries.retry` a function that stops on 4xx other than 408 and 429.',
      repeatsOnError:
        '{{what}} keeps SWR\'s default retry (no attempt limit) and runs `{{effect}}` in `onError` on every failed attempt: again and again for as long as the API is down. Set `errorRetryCount` (about 3) next to it.',
      amplified:
        '`{{call}}` retries by itself ({{inner}}: up to {{innerAttempts}} attempts) and is called inside {{outer}} (up to {{outerAttempts}} attempts): up to {{total}} attempts for one operation. Retry at one layer only.',
    },
    schema,
    defaultOptions,
  },
  create(context) {
    const { ts: tsm, program, checker } = context;
    const detect: DetectContext = { ts: tsm, program, checker };
    const check = (node: ts.Node) => {
      const construct = detectConstruct(detect, node);
      if (!construct) return;
      if (!construct.executes) reportConstruct(context, construct);
      if (context.options.checkAmplification) reportAmplification(context, detect, construct);
    };
    return {
      [tsm.SyntaxKind.WhileStatement]: check,
      [tsm.SyntaxKind.DoStatement]: check,
      [tsm.SyntaxKind.ForStatement]: check,
      [tsm.SyntaxKind.CallExpression]: check,
      [tsm.SyntaxKind.NewExpression]: check,
      [tsm.SyntaxKind.PropertyAssignment]: check,
    };
  },
});

function attemptsText(attempts: number): string {
  return Number.isFinite(attempts) ? attempts.toLocaleString('en-US') : 'unlimited';
}

/** `up to 5 attempts`, `as many attempts as \`attempt <= maxRetries\` allows`. */
function attemptsPhrase(construct: RetryConstruct): string {
  if (construct.attempts !== undefined) return `up to ${attemptsText(construct.attempts)} attempts`;
  if (construct.bound) return `as many attempts as \`${compact(construct.bound)}\` allows`;
  return 'as many attempts as its callers ask for';
}

function compact(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}…` : oneLine;
}

function reportConstruct(context: RuleContext<MessageIds, Options>, construct: RetryConstruct): void {
  const { options } = context;
  const what =
    construct.subject ??
    (construct.handWritten ? `This ${construct.label}` : construct.source && construct.source !== construct.label ? `${construct.label} (${construct.source})` : construct.label);
  const waitText = construct.wait ? ` (\`${construct.wait}\`)` : '';
  const how = construct.delay === 'none' ? ', at once' : construct.delay === 'constant' ? `, at a constant pace${waitText}` : '';
  const attempts = construct.attempts;
  const base = { node: construct.node, ...(construct.severity ? { severity: construct.severity } : {}) };
  if (construct.retriesClientErrors) {
    context.report({ ...base, messageId: 'retriesClientErrors', data: { what } });
    return;
  }
  if (construct.repeatsOnError) {
    context.report({ ...base, messageId: 'repeatsOnError', data: { what, effect: construct.repeatsOnError } });
    return;
  }
  if (attempts === Infinity) {
    context.report({ ...base, messageId: 'unbounded', data: { what, how } });
    return;
  }
  if (attempts !== undefined && attempts <= 1) return;
  if (construct.permanentFailure) {
    context.report({ ...base, messageId: 'permanentFailure', data: { what, condition: construct.permanentFailure.getText() } });
    return;
  }
  if (attempts !== undefined && attempts > options.maxRetries + 1 && !construct.conflict) {
    context.report({ ...base, messageId: 'tooManyAttempts', data: { what, attempts: attemptsText(attempts), how, max: String(options.maxRetries) }, severity: 'warning' });
    return;
  }
  // The pace of a retry matters to a dependency that is struggling. A single retry cannot pile
  // up, a lost race (a unique constraint, a deadlock, a compare-and-swap) is best retried at
  // once, and a poll with a time budget sends at most budget / interval requests.
  if ((attempts !== undefined && attempts <= 2) || construct.conflict) return;
  if (construct.deadline && construct.delay === 'constant') return;
  if (construct.delay === 'none' || construct.delay === 'constant') {
    context.report({
      ...base,
      messageId: 'noBackoff',
      data: { what, attempts: attemptsPhrase(construct), delay: construct.delay === 'none' ? 'no wait' : `the same wait${waitText}` },
    });
    return;
  }
  // Exponential backoff is what bunches clients into waves; a short linear step seldom lines them up.
  if (options.requireJitter && construct.handWritten && construct.delay === 'growing' && construct.growth === 'exponential' && construct.jitter === false) {
    context.report({ node: construct.node, messageId: 'noJitter', data: { what, wait: waitText }, severity: 'warning' });
  }
}

function reportAmplification(context: RuleContext<MessageIds, Options>, detect: DetectContext, outer: RetryConstruct): void {
  const { ts: tsm, program, checker } = context;
  if (!outer.attempted || outer.attempts === undefined || outer.attempts <= 1) return;
  const own = isFunctionLike(tsm, outer.attempted) ? outer.attempted : getEnclosingFunction(tsm, outer.node);
  for (const call of callsIn(tsm, outer.attempted)) {
    let inner: { label: string; attempts: number } | undefined;
    const direct = libraryCall(detect, call);
    if (direct) inner = direct;
    else if (isGoogleApiCall(detect, call)) inner = { label: "Google's API client", attempts: GOOGLE_CLIENT_ATTEMPTS };
    else {
      const target = resolveCalledFunction(tsm, program, checker, call);
      if (!target || target === own) continue;
      inner = innerRetryOf(detect, target);
    }
    if (!inner) continue;
    const total = outer.attempts * inner.attempts;
    context.report({
      node: call,
      messageId: 'amplified',
      data: {
        call: `${calleeText(tsm, call)}()`,
        inner: inner.label,
        innerAttempts: attemptsText(inner.attempts),
        outer: outer.handWritten ? `this ${outer.label}` : outer.label,
        outerAttempts: attemptsText(outer.attempts),
        total: attemptsText(total),
      },
    });
  }
}

/** A call that is itself a retry library's retry (`retry.fetch(url, { retry })`, `pRetry(fn)`), with its attempts. */
function libraryCall(detect: DetectContext, call: ts.CallExpression): { label: string; attempts: number } | undefined {
  const construct = detectConstruct(detect, call);
  if (!construct || construct.handWritten || construct.executes || construct.configures) return undefined;
  if (construct.attempts === undefined || construct.attempts <= 1) return undefined;
  return { label: construct.source ?? construct.label, attempts: construct.attempts };
}

/** How a message names a call: `retry.fetch`, `calendar.events.list`, `syncCalendar`. */
function calleeText(tsm: TypeScriptModule, call: ts.CallExpression): string {
  const text = call.expression.getText().replace(/\s+/g, '');
  if (text.length <= 40) return text;
  return calleeName(tsm, call.expression) ?? 'the call';
}
