import type ts from 'typescript';
import {
  defineRule,
  getEnclosingIteration,
  getPrismaCallSite,
  getQueryShape,
  hasAwaitBefore,
  skipOuterExpressions,
  type Iteration,
  type PrismaCallSite,
  type TypeScriptModule,
} from '@premortem/core';
import { defaultOptions, schema, type Options } from './options.js';

export type { Options } from './options.js';
export type MessageIds = 'readInLoop' | 'writeInLoop';

/** Prisma's dataloader merges these into one query when they are issued in the same tick. */
const BATCHED_OPERATIONS = new Set(['findUnique', 'findUniqueOrThrow']);

export const noQueryInLoop = defineRule<MessageIds, Options>({
  name: 'no-query-in-loop',
  meta: {
    description: 'Disallow one Prisma query per element of a collection (N+1); fetch or write the whole set in one query.',
    type: 'problem',
    recommended: 'recommended',
    severity: 'error',
    requiresTypeChecking: true,
    hasSuggestions: false,
    messages: {
      readInLoop:
        '`{{callee}}` runs once per element of `{{collection}}` (N+1): one query for each instead of one for all. Fetch them together, e.g. `where: { {{field}}: { in: ids } }`, or `include` the relation in the query that produced `{{collection}}`.',
      writeInLoop:
        '`{{callee}}` writes once per element of `{{collection}}` (N+1): one round trip each. Use `{{batched}}`, or send them together with `prisma.$transaction([...])`.',
    },
    schema,
    defaultOptions,
  },
  create(context) {
    const { ts: tsm, checker, options, sourceFile } = context;
    const schemaModel = context.project.prismaSchema();
    if (!schemaModel) return {};

    return {
      [tsm.SyntaxKind.CallExpression]: (node) => {
        const site = getPrismaCallSite({ ts: tsm, checker, schema: schemaModel }, node as ts.CallExpression);
        if (!site || (!site.isRead && !options.checkWrites)) return;
        const iteration = getEnclosingIteration(tsm, site.call);
        if (!iteration || isExempt(tsm, site, iteration, options)) return;
        const shape = getQueryShape(tsm, schemaModel, site.model, site.args);
        const field = shape.filters.find((f) => f.kind === 'equals')?.field ?? 'id';
        context.report({
          node: site.callee,
          messageId: site.isRead ? 'readInLoop' : 'writeInLoop',
          data: {
            callee: site.callee.getText(sourceFile).replace(/\s+/g, ''),
            collection: describeCollection(tsm, sourceFile, iteration),
            field,
            batched: batchedWrite(site.operation),
          },
        });
      },
    };
  },
});

function isExempt(tsm: TypeScriptModule, site: PrismaCallSite, iteration: Iteration, options: Options): boolean {
  const iterated = iteration.iterates ? skipOuterExpressions(tsm, iteration.iterates) : undefined;
  if (options.allowFixedArrays && iterated && tsm.isArrayLiteralExpression(iterated)) return true;
  if (iteration.kind === 'callback') {
    // `prisma.$transaction(items.map((i) => prisma.x.update(…)))`: the batch the message recommends.
    if (isTransactionBatch(tsm, iteration.node)) return true;
    // `Promise.all(ids.map((id) => prisma.user.findUnique(…)))`: issued in one tick, batched into one query.
    return BATCHED_OPERATIONS.has(site.operation) && !hasAwaitBefore(tsm, iteration.callback, site.call);
  }
  // A `while`/`do`/`for (;;)` fetching a page at a time is pagination, not N+1.
  const paging = iteration.node.kind !== tsm.SyntaxKind.ForOfStatement && iteration.node.kind !== tsm.SyntaxKind.ForInStatement;
  return paging && site.operation === 'findMany' && hasTake(tsm, site);
}

function isTransactionBatch(tsm: TypeScriptModule, mapCall: ts.CallExpression): boolean {
  let argument: ts.Node = mapCall;
  while (tsm.isParenthesizedExpression(argument.parent) || tsm.isAsExpression(argument.parent) || tsm.isSatisfiesExpression(argument.parent)) {
    argument = argument.parent;
  }
  const parent = argument.parent;
  if (!tsm.isCallExpression(parent) || !parent.arguments.some((a) => a === argument)) return false;
  const callee = skipOuterExpressions(tsm, parent.expression);
  return tsm.isPropertyAccessExpression(callee) && callee.name.text === '$transaction';
}

function hasTake(tsm: TypeScriptModule, site: PrismaCallSite): boolean {
  return site.args?.properties.some((p) => p.name !== undefined && tsm.isIdentifier(p.name) && p.name.text === 'take') ?? false;
}

function describeCollection(tsm: TypeScriptModule, sourceFile: ts.SourceFile, iteration: Iteration): string {
  if (!iteration.iterates) return 'the loop';
  const text = iteration.iterates.getText(sourceFile).replace(/\s+/g, ' ');
  return text.length > 40 ? text.slice(0, 37) + '…' : text;
}

function batchedWrite(operation: string): string {
  if (operation.startsWith('create')) return 'createMany';
  if (operation.startsWith('delete')) return 'deleteMany';
  return 'updateMany';
}
