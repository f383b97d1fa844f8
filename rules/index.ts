import type { PrecisionClass, RuleDefinition } from '@premortem/core';
import { measuredPrecision } from './measured-precision.js';
import { noFetchInRender } from './no-fetch-in-render/index.js';
import { noFetchOnEveryPage } from './no-fetch-on-every-page/index.js';
import { noFloatingPromises } from './no-floating-promises/index.js';
import { noQueryInLoop } from './no-query-in-loop/index.js';
import { noUnboundedQuery } from './no-unbounded-query/index.js';
import { noUnboundedRetry } from './no-unbounded-retry/index.js';
import { requireRateLimit } from './require-rate-limit/index.js';

/** A rule with the precision its kinds of finding measured on labelled real repositories. */
function withMeasuredPrecision(rule: RuleDefinition): RuleDefinition {
  const measured = measuredPrecision[rule.name] ?? {};
  const precision: Record<string, PrecisionClass> = Object.fromEntries(Object.entries(measured).map(([kind, entry]) => [kind, entry.class]));
  return { ...rule, meta: { ...rule.meta, precision } };
}

/** Every rule, in the order the docs list them. The presets and the README table derive from this. */
export const rules: readonly RuleDefinition[] = [noFloatingPromises, noUnboundedRetry, noUnboundedQuery, noQueryInLoop, noFetchInRender, noFetchOnEveryPage, requireRateLimit].map(withMeasuredPrecision);

export { measuredPrecision } from './measured-precision.js';
export type { MeasuredKind } from './measured-kind.js';
