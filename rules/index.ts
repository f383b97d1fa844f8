import type { RuleDefinition } from '@premortem/core';
import { noFloatingPromises } from './no-floating-promises/index.js';
import { noQueryInLoop } from './no-query-in-loop/index.js';
import { noUnboundedQuery } from './no-unbounded-query/index.js';

/** Every rule, in the order the docs list them. The presets and the README table derive from this. */
export const rules: readonly RuleDefinition[] = [noFloatingPromises, noUnboundedQuery, noQueryInLoop];

export { noFloatingPromises, noQueryInLoop, noUnboundedQuery };
