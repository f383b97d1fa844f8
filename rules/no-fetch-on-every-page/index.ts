import { defineRule, formatRowCount, getEveryPageIndex, type EveryPageFetch } from '@premortem/core';
import { defaultOptions, schema, type Options } from './options.js';

export type { Options } from './options.js';
export type MessageIds = 'expensive' | 'unknownCost' | 'cheap';

export const noFetchOnEveryPage = defineRule<MessageIds, Options>({
  name: 'no-fetch-on-every-page',
  meta: {
    description:
      'Disallow data fetches that run on mount in the app shell (root layout, `_app`, shell components), so on every page load; names the mount path and the query behind it.',
    type: 'problem',
    recommended: 'recommended',
    severity: 'error',
    requiresTypeChecking: true,
    pathsCrossFiles: true,
    findsAcrossPackages: true,
    hasSuggestions: false,
    messages: {
      expensive:
        '`{{fetch}}` runs on every page load ({{mount}}), and each run executes {{server}} → `{{query}}`: {{reason}}, {{cost}} (about {{rows}} estimated). Gate it (`enabled: open`, `skipToken`) or mount it only where it is needed.',
      unknownCost:
        '`{{fetch}}` runs on every page load ({{mount}}); {{server}}. Gate it (`enabled: open`, `skipToken`) or mount it only where it is needed.',
      cheap:
        '`{{fetch}}` runs on every page load ({{mount}}); {{server}} is a cheap lookup ({{cost}}), still one request per page view.',
    },
    schema,
    defaultOptions,
  },
  create(context) {
    const { ts: tsm, options } = context;
    const index = getEveryPageIndex(tsm, context.program, context.project, options);
    return {
      [tsm.SyntaxKind.SourceFile]: () => {
        for (const found of index.fetchesIn(context.sourceFile)) report(found);
      },
    };

    function report(found: EveryPageFetch): void {
      const base = { fetch: found.label, mount: found.mount };
      const cost = found.server?.cost;
      if (cost?.kind === 'expensive') {
        const { query } = cost;
        context.report({
          node: found.node,
          messageId: 'expensive',
          data: {
            ...base,
            server: found.server!.label,
            query: `${query.site.model.name}.${query.site.operation}`,
            reason: query.unbounded ?? 'unbounded',
            cost: query.cost.costClass,
            rows: formatRowCount(query.cost.estimatedRows),
          },
          path: found.path,
        });
        return;
      }
      if (cost?.kind === 'cheap') {
        if (options.cheapLookups === 'ignore') return;
        const costs = cost.queries.map((query) => query.cost.costClass);
        context.report({
          node: found.node,
          messageId: 'cheap',
          data: { ...base, server: found.server!.label, cost: costs.length > 0 ? [...new Set(costs)].join('; ') : 'no database read' },
          path: found.path,
          severity: 'warning',
        });
        return;
      }
      const server = cost?.kind === 'unknown'
        ? `what ${found.server!.label} costs is not known: ${cost.reason}`
        : 'what it costs is not known: its server side is not in this project';
      context.report({ node: found.node, messageId: 'unknownCost', data: { ...base, server }, path: found.path, severity: 'warning' });
    }
  },
});
