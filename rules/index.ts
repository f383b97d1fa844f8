import type { RuleDefinition } from '@premortem/core';
import { noFetchInRender } from './no-fetch-in-render/index.js';
import { noFetchOnEveryPage } from './no-fetch-on-every-page/index.js';
import { noFloatingPromises } from './no-floating-promises/index.js';
import { noQueryInLoop } from './no-query-in-loop/index.js';
import { noUnboundedQuery } from './no-unbounded-query/index.js';
import { noUnboundedRetry } from './no-unbounded-retry/index.js';
import { requireRateLimit } from './require-rate-limit/index.js';

/** Every rule, in the order the docs list them. The presets and the README table derive from this. */
export const rules: readonly RuleDefinition[] = [noFloatingPromises, noUnboundedRetry, noUnboundedQuery, noQueryInLoop, noFetchInRender, noFetchOnEveryPage, requireRateLimit];

export { noFetchInRender, noFetchOnEveryPage, noFloatingPromises, noQueryInLoop, noUnboundedQuery, noUnboundedRetry, requireRateLimit };
