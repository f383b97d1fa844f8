import { childrenPerParent, combinedSelectivity } from './filter-selectivity.js';
import { findServingIndex, getForeignKeyTarget, isUniqueLookup, type PrismaIndex, type PrismaModel, type PrismaSchema } from './schema.js';
import { rowsPerUniqueKey, type Bound, type FieldFilter, type QueryShape, type RelationRead } from './query-shape.js';
import type { TableStatistics } from './table-statistics.js';

export interface QueryCost {
  bounded: boolean;
  /** Rows of the queried model returned, before nested relations. */
  returnedRows: number;
  /** `Booking(userId,startTime)`, or `none` when no index serves the filter (a sequential scan). */
  index: string;
  /** Rows returned, nested relations included. */
  estimatedRows: number;
  /** Rows the database reads to answer. */
  estimatedRowsRead: number;
  costClass: string;
}

const SINGLE_ROW_OPERATIONS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'create', 'update', 'upsert', 'delete']);
const AGGREGATES = new Set(['count', 'aggregate']);

/**
 * The cost of one Prisma call from its shape, the schema's indexes and table statistics,
 * the way PostgreSQL's planner reasons: rows × selectivity of each filter (independent),
 * an index when its leftmost fields are all filtered by equality, a bound from `take`.
 */
export function estimateQuery(
  schema: PrismaSchema,
  stats: TableStatistics,
  model: PrismaModel,
  operation: string,
  shape: QueryShape,
): QueryCost {
  const tableRows = stats.rows(model.name);
  const equalityFields = shape.filters.filter((f) => f.kind === 'equals').map((f) => f.field);
  // `= ANY(…)` uses an index like `=` does.
  const indexedFields = shape.filters.filter((f) => f.kind === 'equals' || f.kind === 'in').map((f) => f.field);
  const index = findServingIndex(model, indexedFields);
  const unique = isUniqueLookup(model, equalityFields);
  const keyList = uniqueKeyList(model, shape);
  // `@@unique([ownerId, type])` with `type` an enum: at most one row per value of `type`.
  const perKey = unique ? undefined : rowsPerUniqueKey(schema, model, equalityFields);
  const estimated = unique ? 1 : keyList ? (keyList.count ?? 10) : Math.max(1, tableRows * combinedSelectivity(schema, stats, model, shape.filters));
  const matched = perKey === undefined ? estimated : Math.min(estimated, perKey);
  const limit = bound(shape.take);
  const singleRow = unique || SINGLE_ROW_OPERATIONS.has(operation);
  const groups = operation === 'groupBy' ? groupCount(schema, model, shape) : undefined;
  const returnedTop = AGGREGATES.has(operation) ? 1 : Math.min(matched, groups ?? Infinity, singleRow ? 1 : (limit ?? Infinity));
  const fanOut = nestedRows(schema, stats, model, shape.relations, returnedTop);
  const rowsRead = index ? matched : tableRows;
  const fewGroups = groups !== undefined;
  const bounded =
    singleRow || AGGREGATES.has(operation) || limit !== undefined || shape.take.kind === 'expression' || keyList !== undefined || perKey !== undefined || fewGroups;

  return {
    bounded,
    returnedRows: Math.round(returnedTop),
    index: index ? `${model.name}(${index.fields.join(',')})` : 'none',
    estimatedRows: Math.round(returnedTop + fanOut),
    estimatedRowsRead: Math.round(rowsRead),
    costClass: describeCost(schema, model, operation, shape, { unique, perKey, index, limit, tableRows, stats }),
  };
}

/**
 * `where: { id: { in: ids } }` on a unique field, or a compound unique key given one value or a
 * list for each field (`where: { accountId, eventId: { in: ids } }` under `@@unique([accountId,
 * eventId])`): one row per key given, however large the table. The list that bounds it, with its
 * length when written out.
 */
function uniqueKeyList(model: PrismaModel, shape: QueryShape): FieldFilter | undefined {
  const given = (field: string) => shape.filters.find((f) => f.field === field && (f.kind === 'equals' || f.kind === 'in'));
  for (const index of model.indexes) {
    if (index.kind === 'index' || index.fields.length === 0) continue;
    const filters = index.fields.map(given);
    if (filters.some((f) => f === undefined)) continue;
    const lists = filters.filter((f): f is FieldFilter => f?.kind === 'in');
    if (lists.length === 0) continue;
    const count = lists.every((f) => f.count !== undefined) ? lists.reduce((product, f) => product * f.count!, 1) : undefined;
    return count === undefined ? { field: lists[0]!.field, kind: 'in' } : { field: lists[0]!.field, kind: 'in', count };
  }
  return undefined;
}

/**
 * How many groups a `groupBy` returns at most, when its keys bound it: one per value of an enum or
 * boolean key (`by: ['status']`), one per listed value of a key the `where` limits to an `in` list
 * or one value (`by: ['userId'], where: { userId: { in: ids } }`). Undefined when a key is free.
 */
function groupCount(schema: PrismaSchema, model: PrismaModel, shape: QueryShape): number | undefined {
  const by = shape.groupBy;
  if (!by || by.length === 0) return undefined;
  let count = 1;
  for (const name of by) {
    const filter = shape.filters.find((f) => f.field === name && (f.kind === 'in' || f.kind === 'equals'));
    const field = model.fields.get(name);
    const values = filter ? (filter.kind === 'equals' ? 1 : (filter.count ?? 10)) : field?.type === 'Boolean' ? 2 : field ? schema.enums.get(field.type)?.length : undefined;
    if (values === undefined) return undefined;
    count *= values;
  }
  return count;
}

function bound(take: Bound): number | undefined {
  return take.kind === 'literal' ? take.value : undefined;
}

function nestedRows(schema: PrismaSchema, stats: TableStatistics, parent: PrismaModel, relations: readonly RelationRead[], parentRows: number): number {
  let total = 0;
  for (const relation of relations) {
    const perParent = relation.toMany
      ? Math.min(bound(relation.take) ?? Infinity, childrenPerParent(stats, parent, relation.model))
      : 1;
    const rows = parentRows * perParent;
    total += rows + nestedRows(schema, stats, relation.model, relation.children, rows);
  }
  return total;
}

function describeCost(
  schema: PrismaSchema,
  model: PrismaModel,
  operation: string,
  shape: QueryShape,
  facts: { unique: boolean; perKey: number | undefined; index: PrismaIndex | undefined; limit: number | undefined; tableRows: number; stats: TableStatistics },
): string {
  const plural = pluralize(model.name);
  if (operation === 'create') return 'writes one row';
  if (operation === 'createMany' || operation === 'createManyAndReturn') return 'writes the rows given';
  if ((operation === 'updateMany' || operation === 'deleteMany' || operation === 'updateManyAndReturn') && !facts.unique) {
    return facts.index ? `writes every matching ${model.name} row` : `scans all ${model.name} rows to write the matching ones`;
  }
  if (AGGREGATES.has(operation)) return facts.index ? `counts matching ${model.name} rows through an index` : `scans all ${model.name} rows to count`;
  if (facts.unique) return 'one row by unique key';
  if (uniqueKeyList(model, shape)) return 'one row per key in the list';
  if (operation === 'groupBy' && groupCount(schema, model, shape) !== undefined) {
    return shape.filters.some((f) => shape.groupBy?.includes(f.field) && f.kind !== 'other') ? 'one group per listed key' : 'one group per enum value';
  }
  if (facts.perKey !== undefined) return `at most ${formatRowCount(facts.perKey)} by unique key`;
  if (!facts.index && shape.filters.some((f) => f.kind !== 'other')) return `scans all ${model.name} rows (no index serves the filter)`;
  if (SINGLE_ROW_OPERATIONS.has(operation)) return facts.index ? 'first matching row through an index' : `first matching row of a scan over ${model.name}`;
  if (facts.limit !== undefined) return `at most ${facts.limit} rows`;
  if (shape.take.kind === 'expression') return 'bounded by a computed take';
  const owner = shape.filters.map((f) => getForeignKeyTarget(model, f.field)).find((target) => target !== undefined);
  if (owner) {
    const base = `grows with the ${owner.charAt(0).toLowerCase() + owner.slice(1)}'s ${plural.toLowerCase()}`;
    const foreignKey = shape.filters.find((f) => f.kind === 'equals' && getForeignKeyTarget(model, f.field) === owner);
    const share = foreignKey && !foreignKey.literal ? facts.stats.largestValueShare(model.name, foreignKey.field) : undefined;
    return share ? `${base}; up to ~${Math.round(share * facts.tableRows).toLocaleString('en-US')} for the largest` : base;
  }
  if (shape.filters.length === 0) return `reads all ${model.name} rows`;
  return `grows with the matching ${model.name} rows`;
}

function pluralize(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return name.slice(0, -1) + 'ies';
  if (/(s|x|z|ch|sh)$/i.test(name)) return name + 'es';
  return name + 's';
}

/** An estimate as people read it: `1 row`, `1,200 rows`. */
export function formatRowCount(rows: number): string {
  const rounded = Math.round(rows);
  return `${rounded.toLocaleString('en-US')} ${rounded === 1 ? 'row' : 'rows'}`;
}
