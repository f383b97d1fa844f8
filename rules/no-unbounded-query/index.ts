import type ts from 'typescript';
import {
  childrenPerParent,
  defineRule,
  estimateQuery,
  formatRowCount,
  getChildForeignKey,
  getForeignKeyTarget,
  getPrismaCallSite,
  getQueryShape,
  type PrismaModel,
  type QueryCost,
  type QueryShape,
  type RelationRead,
  type Suggestion,
  type TableStatistics,
} from '@premortem/core';
import { defaultOptions, schema, type Options } from './options.js';
import { feedsAWrite } from './whole-set.js';

export type { Options } from './options.js';
export type MessageIds = 'unbounded' | 'unboundedWholeSet' | 'cursorWithoutTake' | 'unboundedRelation' | 'suggestTake';

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
      unboundedWholeSet:
        '`{{callee}}` reads every matching {{model}} row to change them ({{costClass}}; about {{rows}} estimated{{sizes}}): one query, and the memory and the transaction for all of them at once. `take` alone would leave rows unchanged: page through them by `cursor` (`take`, `cursor`, `orderBy: { id: \'asc\' }`) and write each page, or make it one set-based `updateMany`/`deleteMany`.',
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
    const isSized = (model: PrismaModel): boolean => stats.source(model.name) !== 'default';
    const isSmall = (model: PrismaModel): boolean =>
      options.smallModels.includes(model.name) || (isSized(model) && stats.rows(model.name) < options.smallTableRows);
    // Measured or configured sizes that put even the heaviest case under the small-table line: a
    // user's few accounts. Default sizes are guesses and never make a result small.
    const isSmallResult = (models: PrismaModel[], worstRows: number) => models.every(isSized) && worstRows < options.smallTableRows;
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

        const reportsList =
          LIST_OPERATIONS.has(site.operation) && site.argsKnown && !cost.bounded && !isSmall(site.model) && !isSmallResult([site.model], worstRows(stats, site.model, shape, cost));
        // Rows read to be changed need all of them: `take` is the wrong advice, paging by cursor
        // or a set-based write the right one, in a kind of its own.
        const wholeSet = reportsList && !shape.hasCursor && feedsAWrite({ ts: tsm, checker, schema: schemaModel, program: context.program }, site);
        if (reportsList) {
          context.report({
            node: site.callee,
            messageId: shape.hasCursor ? 'cursorWithoutTake' : wholeSet ? 'unboundedWholeSet' : 'unbounded',
            data: { callee, model: site.model.name, costClass: cost.costClass, rows: formatRowCount(cost.estimatedRows), sizes: sizeNote(stats, site.model) },
            severity: severityFor(site.model, cost.estimatedRows),
            suggest: wholeSet ? [] : [takeSuggestion(site.call, site.args, options.suggestedTake)],
          });
        }

        for (const { relation, parent, parentRows, depth } of unboundedRelations(stats, shape.relations, site.model, cost.returnedRows)) {
          if (isSmall(relation.model)) continue;
          // The row a `create` returns is new: its to-many relations hold only what this call creates.
          if (depth === 0 && site.operation === 'create') continue;
          const perParent = childrenPerParent(stats, parent, relation.model);
          if (isSmallResult([parent, relation.model], parentRows * worstChildren(stats, parent, relation, perParent))) continue;
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
  depth = 0,
): Generator<{ relation: RelationRead; parent: PrismaModel; parentRows: number; depth: number }> {
  for (const relation of relations) {
    if (relation.toMany && relation.take.kind === 'none') yield { relation, parent, parentRows, depth };
    const perParent = relation.toMany ? Math.min(relation.take.kind === 'literal' ? relation.take.value : Infinity, childrenPerParent(stats, parent, relation.model)) : 1;
    yield* unboundedRelations(stats, relation.children, relation.model, parentRows * perParent, depth + 1);
  }
}

/**
 * The rows for the heaviest value of a foreign key the query filters on by equality (the most
 * common value's share, measured by `premortem stats`), or the estimate when none is measured.
 */
function worstRows(stats: TableStatistics, model: PrismaModel, shape: QueryShape, cost: QueryCost): number {
  let rows = cost.estimatedRows;
  for (const filter of shape.filters) {
    if (filter.kind !== 'equals' || filter.literal !== undefined || !getForeignKeyTarget(model, filter.field)) continue;
    const share = stats.largestValueShare(model.name, filter.field);
    if (share !== undefined) rows = Math.max(rows, share * stats.rows(model.name));
  }
  return rows;
}

/** Children of the parent with the most, when the child's foreign key is measured; else the average. */
function worstChildren(stats: TableStatistics, parent: PrismaModel, relation: RelationRead, perParent: number): number {
  const foreignKey = getChildForeignKey(parent, relation.model, parent.fields.get(relation.field)?.relation?.name);
  const share = foreignKey?.length === 1 ? stats.largestValueShare(relation.model.name, foreignKey[0]!) : undefined;
  return share !== undefined ? Math.max(perParent, share * stats.rows(relation.model.name)) : perParent;
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

