import { getChildForeignKey, getForeignKeyTarget, type PrismaModel, type PrismaSchema } from './schema.js';
import type { Combination, Conjunction, FieldFilter } from './query-shape.js';
import type { TableStatistics } from './table-statistics.js';

/** Children per parent row when table sizes are unknown; documented in docs/query-cost.md. */
export const DEFAULT_CHILDREN_PER_PARENT = 50;

// PostgreSQL's defaults when it has no statistics (selfuncs.h): equality 0.005, range 1/3, pattern 0.005.
const DEFAULT_EQUALITY = 0.005;
const DEFAULT_RANGE = 1 / 3;
const DEFAULT_PATTERN = 0.005;
/** `= ANY($1)` with an array known only at run time: the planner assumes 10 elements (scalararraysel). */
const RUN_TIME_ARRAY_LENGTH = 10;
/**
 * `id NOT IN (SELECT …)`, Prisma's SQL for `none` and `every`: NULLs keep the planner from making it
 * an anti-join, and it gives the remaining subplan 0.5 without looking inside (clausesel.c).
 */
const SUBPLAN_SELECTIVITY = 0.5;

/** The share of rows passing every filter, each independent of the others as the planner assumes. */
export function combinedSelectivity(schema: PrismaSchema, stats: TableStatistics, model: PrismaModel, filters: readonly FieldFilter[]): number {
  return filters.reduce((product, filter) => product * selectivity(schema, stats, model, filter), 1);
}

function selectivity(schema: PrismaSchema, stats: TableStatistics, model: PrismaModel, filter: FieldFilter): number {
  switch (filter.kind) {
    case 'equals':
      return equalitySelectivity(schema, stats, model, filter.field, filter.literal);
    case 'in':
      return inListSelectivity(schema, stats, model, filter);
    case 'range':
      return DEFAULT_RANGE;
    case 'pattern':
      return DEFAULT_PATTERN;
    case 'not':
      return 1 - equalitySelectivity(schema, stats, model, filter.field, filter.literal);
    case 'other':
      return filter.combination ? combinationSelectivity(schema, stats, model, filter.combination) : 1;
  }
}

/** A literal list: its values, disjoint. A list known at run time: 10 values, not assumed disjoint. */
function inListSelectivity(schema: PrismaSchema, stats: TableStatistics, model: PrismaModel, filter: FieldFilter): number {
  if (filter.literals) {
    return Math.min(1, filter.literals.reduce((sum, literal) => sum + equalitySelectivity(schema, stats, model, filter.field, literal), 0));
  }
  const each = equalitySelectivity(schema, stats, model, filter.field, undefined);
  if (filter.count !== undefined) return Math.min(1, filter.count * each);
  return 1 - (1 - each) ** RUN_TIME_ARRAY_LENGTH;
}

/** A branch that cannot be read is unknown: it never makes the estimate smaller. */
function conjunctionSelectivity(schema: PrismaSchema, stats: TableStatistics, model: PrismaModel, conjunction: Conjunction): number {
  return conjunction ? combinedSelectivity(schema, stats, model, conjunction) : 1;
}

function combinationSelectivity(schema: PrismaSchema, stats: TableStatistics, model: PrismaModel, combination: Combination): number {
  switch (combination.kind) {
    case 'or':
      // s1 + s2 − s1·s2, branch after branch (clauselist_selectivity_or).
      return 1 - combination.branches.reduce((product, branch) => product * (1 - conjunctionSelectivity(schema, stats, model, branch)), 1);
    case 'not':
      return combination.branches.reduce((product, branch) => product * (branch ? 1 - combinedSelectivity(schema, stats, model, branch) : 1), 1);
    case 'relation':
      return relationSelectivity(schema, stats, model, combination);
  }
}

/**
 * `some` and a to-one `is` on the side without the key: Prisma's `id IN (SELECT fk FROM child
 * WHERE …)`, a semi-join. `is` on the side holding the key: the share of parents that match.
 * `isNot`: the rest. `none` and `every`: Prisma's `NOT IN`, which the planner does not estimate.
 */
function relationSelectivity(schema: PrismaSchema, stats: TableStatistics, model: PrismaModel, filter: Extract<Combination, { kind: 'relation' }>): number {
  if (filter.quantifier === 'none' || filter.quantifier === 'every') return SUBPLAN_SELECTIVITY;
  const relation = model.fields.get(filter.relation)?.relation;
  if (!relation || !filter.filters) return 1;
  const targetShare = combinedSelectivity(schema, stats, filter.target, filter.filters);
  if (filter.quantifier === 'some') return semiJoinSelectivity(stats, model, filter.target, relation.name, targetShare);
  const matches = relation.fields.length > 0 ? targetShare : semiJoinSelectivity(stats, model, filter.target, relation.name, targetShare);
  return filter.quantifier === 'is' ? matches : 1 - matches;
}

/**
 * Parents with at least one matching child, as the planner estimates a semi-join on the child's
 * foreign key (eqjoinsel_semi): distinct keys among the matching children, at most one per matching
 * child and at most the key's measured distinct values, over the parent rows. Unknown (1) when the
 * child holds no key to the parent, as in an implicit many-to-many.
 */
function semiJoinSelectivity(stats: TableStatistics, parent: PrismaModel, child: PrismaModel, relationName: string | undefined, childShare: number): number {
  const key = getChildForeignKey(parent, child, relationName);
  if (!key) return 1;
  const matchingPerParent = childrenPerParent(stats, parent, child) * childShare;
  const distinctKeys = key.length === 1 ? stats.distinctValues(child.name, key[0]!) : undefined;
  const parentsWithChildren = distinctKeys === undefined ? 1 : distinctKeys / Math.max(1, stats.rows(parent.name));
  return Math.min(1, matchingPerParent, parentsWithChildren);
}

function equalitySelectivity(schema: PrismaSchema, stats: TableStatistics, model: PrismaModel, fieldName: string, literal: string | undefined): number {
  const field = model.fields.get(fieldName);
  if (!field) return DEFAULT_EQUALITY;
  if (field.isId || field.isUnique) return 1 / Math.max(1, stats.rows(model.name));
  // pg_stats writes a boolean as `t` or `f`.
  const statsText = field.type === 'Boolean' && literal !== undefined ? literal.charAt(0) : literal;
  const measured = stats.equalitySelectivity(model.name, fieldName, statsText);
  if (measured !== undefined) return measured;
  if (field.type === 'Boolean') return 0.5;
  const enumValues = schema.enums.get(field.type);
  if (enumValues && enumValues.length > 0) return 1 / enumValues.length;
  // A foreign key: the average number of children per parent.
  const parent = getForeignKeyTarget(model, fieldName);
  const parentModel = parent ? schema.models.get(parent) : undefined;
  if (parentModel) return childrenPerParent(stats, parentModel, model) / Math.max(1, stats.rows(model.name));
  return DEFAULT_EQUALITY;
}

/**
 * Average children per parent row: measured or configured sizes when both are known, else the
 * documented default (two default-sized tables say nothing about their ratio).
 */
export function childrenPerParent(stats: TableStatistics, parent: PrismaModel, child: PrismaModel): number {
  if (stats.source(parent.name) === 'default' || stats.source(child.name) === 'default') return DEFAULT_CHILDREN_PER_PARENT;
  return Math.max(1, stats.rows(child.name) / Math.max(1, stats.rows(parent.name)));
}
