import type ts from 'typescript';
import {
  childrenPerParent,
  defineRule,
  estimateQuery,
  formatRowCount,
  getPrismaCallSite,
  getQueryShape,
  type PrismaModel,
  type RelationRead,
  type Suggestion,
  type TableStatistics,
} from '@premortem/core';
import { defaultOptions, schema, type Options } from './options.js';

export type { Options } from './options.js';
export type MessageIds = 'unbounded' | 'cursorWithoutTake' | 'unboundedRelation' | 'suggestTake';

const LIST_OPERATIONS = new Set(['findMany', 'groupBy']);

export const noUnboundedQuery = defineRule<MessageIds, Options>({
  name: 'no-unbounded-query',
  meta: {
    description: 'Require a bound (`take`) on Prisma reads whose row count grows with the data, including nested to-many relations.',
    type: 'problem',
    recommended: 'recommended',
    severity: 'error',
    requiresTypeChecking: true,
    hasSuggestions: true,
    messages: {
      unbounded:
        '`{{callee}}` has no `take`: it returns every matching {{model}} row ({{costClass}}; about {{rows}} estimated{{sizes}}). Add `take` and an `orderBy` so the result has a ceiling.',
      cursorWithoutTake:
        '`{{callee}}` pages with a `cursor` but has no `take`: it returns every {{model}} row after the cursor ({{costClass}}; about {{rows}} estimated{{sizes}}). Add `take`.',
      unboundedRelation:
        '`{{relation}}` loads every related {{model}} row for each {{parent}} (about {{rows}} per {{parentLower}}, {{total}} in all, estimated{{sizes}}). Add `take` inside it, or count with `_count` instead.',
      suggestTake: 'Add `take: {{take}}`.',
    },
    schema,
    defaultOptions,
  },
  create(context) {
    const { ts: tsm, checker, options } = context;
    const schemaModel = context.project.prismaSchema();
    if (!schemaModel) return {};
    const stats = context.project.tableStatistics();
    const isSmall = (model: PrismaModel): boolean =>
      options.smallModels.includes(model.name) || (stats.source(model.name) !== 'default' && stats.rows(model.name) < options.smallTableRows);
    // Only measured or configured sizes can lower the severity: defaults are guesses.
    const severityFor = (model: PrismaModel, rows: number) =>
      stats.source(model.name) !== 'default' && rows < options.warningBelowRows ? ('warning' as const) : undefined;

    return {
      [tsm.SyntaxKind.CallExpression]: (node) => {
        const site = getPrismaCallSite({ ts: tsm, checker, schema: schemaModel }, node as ts.CallExpression);
        if (!site) return;
        const shape = getQueryShape(tsm, schemaModel, site.model, site.args);
        const cost = estimateQuery(schemaModel, stats, site.model, site.operation, shape);
        const callee = site.callee.getText(context.sourceFile).replace(/\s+/g, '');

        if (LIST_OPERATIONS.has(site.operation) && site.argsKnown && !cost.bounded && !isSmall(site.model)) {
          context.report({
            node: site.callee,
            messageId: shape.hasCursor ? 'cursorWithoutTake' : 'unbounded',
            data: { callee, model: site.model.name, costClass: cost.costClass, rows: formatRowCount(cost.estimatedRows), sizes: sizeNote(stats, site.model) },
            severity: severityFor(site.model, cost.estimatedRows),
            suggest: [takeSuggestion(site.call, site.args, options.suggestedTake)],
          });
        }

        for (const { relation, parent, parentRows } of unboundedRelations(stats, shape.relations, site.model, cost.returnedRows)) {
          if (isSmall(relation.model)) continue;
          const perParent = childrenPerParent(stats, parent, relation.model);
          context.report({
            node: relation.node,
            messageId: 'unboundedRelation',
            data: {
              relation: relation.field,
              model: relation.model.name,
              parent: parent.name,
              parentLower: parent.name.charAt(0).toLowerCase() + parent.name.slice(1),
              rows: formatRowCount(perParent),
              total: formatRowCount(perParent * parentRows),
              sizes: sizeNote(stats, relation.model),
            },
            severity: severityFor(relation.model, perParent * parentRows),
          });
        }
      },
    };
  },
});

/** To-many relations read without `take`, at any depth, with the model and row count above each. */
function* unboundedRelations(
  stats: TableStatistics,
  relations: readonly RelationRead[],
  parent: PrismaModel,
  parentRows: number,
): Generator<{ relation: RelationRead; parent: PrismaModel; parentRows: number }> {
  for (const relation of relations) {
    if (relation.toMany && relation.take.kind === 'none') yield { relation, parent, parentRows };
    const perParent = relation.toMany ? Math.min(relation.take.kind === 'literal' ? relation.take.value : Infinity, childrenPerParent(stats, parent, relation.model)) : 1;
    yield* unboundedRelations(stats, relation.children, relation.model, parentRows * perParent);
  }
}

function takeSuggestion(
  call: ts.CallExpression,
  args: ts.ObjectLiteralExpression | undefined,
  take: number,
): Suggestion<MessageIds> {
  if (args && args.properties.length > 0) {
    const first = args.properties[0]!;
    return { messageId: 'suggestTake', data: { take: String(take) }, edits: [{ start: first.getStart(), end: first.getStart(), text: `take: ${take}, ` }] };
  }
  if (args) {
    return { messageId: 'suggestTake', data: { take: String(take) }, edits: [{ start: args.getStart(), end: args.getEnd(), text: `{ take: ${take} }` }] };
  }
  const open = call.arguments.pos;
  return { messageId: 'suggestTake', data: { take: String(take) }, edits: [{ start: open, end: open, text: `{ take: ${take} }` }] };
}

/** Says when an estimate rests on default sizes, so nobody mistakes a guess for a measurement. */
function sizeNote(stats: TableStatistics, model: PrismaModel): string {
  return stats.source(model.name) === 'default' ? ' from default table sizes; `premortem stats` measures them' : '';
}

