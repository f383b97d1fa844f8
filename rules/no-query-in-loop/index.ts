import type ts from 'typescript';
import {
  defineRule,
  getEnclosingIteration,
  getPrismaCallSite,
  getPropertyValue,
  getQueryShape,
  hasAwaitBefore,
  resolveCalledFunction,
  someNode,
  type Iteration,
  type PrismaCallSite,
  type TypeScriptModule,
} from '@premortem/core';
import { collectedForTransaction, countedLoop, elementNames, iteratesConstants, onErrorPath, queriesAChunk, stopsAtAConstant, type LoopFacts } from './exemptions.js';
import { defaultOptions, schema, type Options } from './options.js';
import { BATCHED_OPERATIONS, queriesOfFunction, type ReachedQuery } from './query-summaries.js';

export type { Options } from './options.js';
export type MessageIds = 'readInLoop' | 'writeInLoop';

const TRANSACTION_ADVICE = 'send them together with `prisma.$transaction([...])`.';
/** How many of a function's queries a message names before "and N more". */
const NAMED_QUERIES = 3;

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
        '`{{callee}}` {{runs}} once per {{per}} (N+1): one query for each instead of one for all. Fetch them together, e.g. `where: { {{field}}: { in: ids } }`, or `include` the relation in the query that produced the collection.',
      writeInLoop: '`{{callee}}` {{runs}} once per {{per}} (N+1): one round trip each. {{advice}}',
    },
    schema,
    defaultOptions,
  },
  create(context) {
    const { ts: tsm, checker, options, sourceFile, program } = context;
    const schemaModel = context.project.prismaSchema();
    if (!schemaModel) return {};
    const facts: LoopFacts = { ts: tsm, checker, schema: schemaModel };

    const loopIsExempt = (iteration: Iteration, call: ts.CallExpression) => collectedForTransaction(tsm, call, iteration) || onErrorPath(tsm, call, iteration);

    /**
     * The loop that runs `call` once per element: a loop that runs a fixed number of times (over
     * constants, a retry, a poll) does not, so the one around it decides (a retry inside a loop
     * over teams still runs per team).
     */
    const perElementIteration = (call: ts.CallExpression): Iteration | undefined => {
      let iteration = getEnclosingIteration(tsm, call);
      while (iteration && ((options.allowFixedArrays && iteratesConstants(facts, iteration)) || stopsAtAConstant(facts, iteration))) {
        iteration = getEnclosingIteration(tsm, iteration.node);
      }
      return iteration;
    };

    const reportQuery = (site: PrismaCallSite, iteration: Iteration) => {
      const shape = getQueryShape(tsm, schemaModel, site.model, site.args);
      context.report({
        node: site.callee,
        messageId: site.isRead ? 'readInLoop' : 'writeInLoop',
        data: {
          callee: site.callee.getText(sourceFile).replace(/\s+/g, ''),
          runs: site.isRead ? 'runs' : 'writes',
          per: describeIterations(iteration),
          field: elementField(site, iteration) ?? shape.filters.find((f) => f.kind === 'equals')?.field ?? 'id',
          advice: writeAdvice(site.operation),
        },
      });
    };

    /** `folderId` in `where: { type: 'A', folderId: folder.id }`: the field the element decides, to batch on. */
    const elementField = (site: PrismaCallSite, iteration: Iteration) => {
      const where = site.args && getPropertyValue(tsm, site.args, 'where');
      if (!where || !tsm.isObjectLiteralExpression(where)) return undefined;
      const names = elementNames(tsm, iteration);
      const usesElement = (node: ts.Node) => someNode(tsm, node, (n) => tsm.isIdentifier(n) && names.has(n.text));
      const property = where.properties.find((p) => (tsm.isPropertyAssignment(p) && usesElement(p.initializer)) || (tsm.isShorthandPropertyAssignment(p) && names.has(p.name.text)));
      return property?.name && tsm.isIdentifier(property.name) ? property.name.text : undefined;
    };

    /**
     * `statsFor(t.id)` in a loop, where `statsFor` is a project function that reads. Helpers that
     * only write (one row per item, often with work around it) are left to the direct check.
     */
    const checkProjectCall = (call: ts.CallExpression, iteration: Iteration) => {
      const fn = resolveCalledFunction(tsm, program, checker, call);
      if (!fn) return;
      const queries = queriesOfFunction({ ts: tsm, program, checker, schema: schemaModel }, fn).filter((q) => q.site.isRead || options.checkWrites);
      if (!queries.some((q) => q.site.isRead)) return;
      if (loopIsExempt(iteration, call) || isBatchedCall(call, iteration, queries) || isPagedCall(iteration, queries)) return;
      context.report({
        node: call,
        messageId: 'readInLoop',
        data: {
          callee: shorten(compact(call.getText(sourceFile))),
          runs: `runs ${nameQueries(queries)}`,
          per: describeIterations(iteration),
          field: 'id',
        },
      });
    };

    /** Batched `findUnique`s reached in the callback's first tick: Prisma's dataloader merges them. */
    const isBatchedCall = (call: ts.CallExpression, iteration: Iteration, queries: ReachedQuery[]) =>
      iteration.kind === 'callback' &&
      !hasAwaitBefore(tsm, iteration.callback, call) &&
      queries.every((q) => q.sameTick && BATCHED_OPERATIONS.has(q.site.operation));

    /** A `while`/`for (;;)` calling a function that fetches one page, or handing it a chunk at a time. */
    const isPagedCall = (iteration: Iteration, queries: ReachedQuery[]) =>
      !iteration.iterates &&
      (countedLoop(facts, iteration)?.kind === 'chunks' ||
        queries.every((q) => q.site.operation === 'findMany' && getQueryShape(tsm, schemaModel, q.site.model, q.site.args).take.kind !== 'none'));

    /** "element of `teams`", "element of `filters`" for `for (let i = 0; i < filters.length; i++)`, or "iteration of this loop". */
    const describeIterations = (iteration: Iteration) => {
      const counted = iteration.iterates ? undefined : countedLoop(facts, iteration);
      const collection = iteration.iterates ?? (counted?.kind === 'elements' ? counted.of : undefined);
      if (!collection) return 'iteration of this loop';
      return `element of \`${shorten(compact(collection.getText(sourceFile)))}\``;
    };

    return {
      [tsm.SyntaxKind.CallExpression]: (node) => {
        const call = node as ts.CallExpression;
        const iteration = perElementIteration(call);
        if (!iteration) return;
        const site = getPrismaCallSite(facts, call);
        if (!site) return checkProjectCall(call, iteration);
        if (!site.isRead && !options.checkWrites) return;
        if (loopIsExempt(iteration, site.call) || isBatchedQuery(tsm, site, iteration) || queriesAChunk(tsm, site, iteration) || isPagination(tsm, site, iteration)) return;
        reportQuery(site, iteration);
      },
    };
  },
});

/** `Promise.all(ids.map((id) => prisma.user.findUnique(…)))`: issued in one tick, batched into one query. */
function isBatchedQuery(tsm: TypeScriptModule, site: PrismaCallSite, iteration: Iteration): boolean {
  return iteration.kind === 'callback' && BATCHED_OPERATIONS.has(site.operation) && !hasAwaitBefore(tsm, iteration.callback, site.call);
}

/** A `while`/`do`/`for (;;)` fetching a page at a time is pagination, not N+1. */
function isPagination(tsm: TypeScriptModule, site: PrismaCallSite, iteration: Iteration): boolean {
  if (iteration.kind === 'callback' || iteration.iterates) return false;
  return site.operation === 'findMany' && (site.args?.properties.some((p) => p.name !== undefined && tsm.isIdentifier(p.name) && p.name.text === 'take') ?? false);
}

/** What replaces one write per element; a `…Many` already is the batched form, so not that. */
function writeAdvice(operation: string): string {
  if (operation === 'create') return 'Use one `createMany` for all of them, or ' + TRANSACTION_ADVICE;
  if (operation === 'update') return 'Use one `updateMany` when every row gets the same change, or ' + TRANSACTION_ADVICE;
  if (operation === 'delete') return 'Use one `deleteMany` with `where: { id: { in: ids } }`, or ' + TRANSACTION_ADVICE;
  if (operation.startsWith('createMany')) return 'Collect the rows of every element into one call, or ' + TRANSACTION_ADVICE;
  if (operation.endsWith('Many') || operation.endsWith('ManyAndReturn')) return 'Widen its `where` to cover every element in one call, or ' + TRANSACTION_ADVICE;
  return 'Send them together with `prisma.$transaction([...])`.';
}

/** "`prisma.a.count` and `prisma.b.findMany`": each query once, reads first, the first few by name. */
function nameQueries(queries: ReachedQuery[]): string {
  const readsFirst = [...queries.filter((q) => q.site.isRead), ...queries.filter((q) => !q.site.isRead)];
  const names = [...new Set(readsFirst.map((q) => '`' + compact(q.site.callee.getText()) + '`'))];
  const shown = names.slice(0, NAMED_QUERIES);
  if (names.length > NAMED_QUERIES) return `${shown.join(', ')} and ${names.length - NAMED_QUERIES} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0]!;
}

function compact(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/([.(]) /g, '$1').replace(/ ([.)])/g, '$1');
}

function shorten(text: string): string {
  return text.length > 40 ? text.slice(0, 37) + '…' : text;
}
