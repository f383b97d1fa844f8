import type ts from 'typescript';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import type { TypeScriptModule } from '../rule.js';
import { resolveLocalConst, resolveLocalObject } from './recognize-call.js';
import { propertyName } from '../ast/property-name.js';
import type { PrismaModel, PrismaRelation, PrismaSchema } from './schema.js';

export type FilterKind = 'equals' | 'in' | 'range' | 'pattern' | 'not' | 'other';

export interface FieldFilter {
  field: string;
  kind: FilterKind;
  /** The compared value when it is a literal (for most-common-value statistics). */
  literal?: string;
  /** Number of values of an `in: [...]` literal. */
  count?: number;
  /** The values of an `in: [...]` literal, when every one is a literal. */
  literals?: string[];
  /** For kind `other`: an `OR`, `NOT` or relation filter, estimated as a whole (never picks an index). */
  combination?: Combination;
}

/** The filters of one branch, all of which must hold; undefined when part of it cannot be read. */
export type Conjunction = FieldFilter[] | undefined;

export type RelationQuantifier = 'some' | 'none' | 'every' | 'is' | 'isNot';

export type Combination =
  | { kind: 'or'; branches: Conjunction[] }
  /** `NOT: [a, b]`: none of the branches holds. */
  | { kind: 'not'; branches: Conjunction[] }
  /** `bookings: { some: {…} }`, `user: { is: {…} }`: `relation` is the relation field of the filtered model. */
  | { kind: 'relation'; quantifier: RelationQuantifier; relation: string; target: PrismaModel; filters: Conjunction };

export interface RelationRead {
  /** The `include`/`select` property naming the relation: where a report is anchored. */
  node: ts.ObjectLiteralElementLike;
  field: string;
  model: PrismaModel;
  toMany: boolean;
  take: Bound;
  children: RelationRead[];
}

/** A row limit: a literal number, an expression (bounded, size unknown) or none. */
export type Bound = { kind: 'literal'; value: number } | { kind: 'expression' } | { kind: 'none' };

export interface QueryShape {
  take: Bound;
  hasCursor: boolean;
  filters: FieldFilter[];
  /** False when part of the top-level `where` is built elsewhere (spreads, variables). */
  whereKnown: boolean;
  relations: RelationRead[];
  /** `groupBy`'s `by` fields, when written as literals. */
  groupBy: string[] | undefined;
}

/** What a call's arguments ask of the database, read from the object literal. */
export function getQueryShape(
  tsm: TypeScriptModule,
  schema: PrismaSchema,
  model: PrismaModel,
  args: ts.ObjectLiteralExpression | undefined,
): QueryShape {
  if (!args) return { take: { kind: 'none' }, hasCursor: false, filters: [], whereKnown: true, relations: [], groupBy: undefined };
  const where = getPropertyValue(tsm, args, 'where');
  const whereObject = where ? resolveLocalObject(tsm, where) : undefined;
  const filters: FieldFilter[] = [];
  const whereKnown = where === undefined || (whereObject !== undefined && collectFilters(tsm, schema, model, whereObject, filters));
  return {
    take: getBound(tsm, args),
    hasCursor: getPropertyValue(tsm, args, 'cursor') !== undefined,
    filters,
    whereKnown,
    relations: collectRelationReads(tsm, schema, model, args),
    groupBy: readGroupBy(tsm, args),
  };
}

function readGroupBy(tsm: TypeScriptModule, args: ts.ObjectLiteralExpression): string[] | undefined {
  const by = getPropertyValue(tsm, args, 'by');
  const value = by ? skipOuterExpressions(tsm, by) : undefined;
  if (!value) return undefined;
  if (tsm.isStringLiteralLike(value)) return [value.text];
  if (!tsm.isArrayLiteralExpression(value)) return undefined;
  const fields = value.elements.map((element) => (tsm.isStringLiteralLike(element) ? element.text : undefined));
  return fields.every((f): f is string => f !== undefined) ? fields : undefined;
}

export function getPropertyValue(tsm: TypeScriptModule, object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (tsm.isPropertyAssignment(property) && propertyName(tsm, property.name) === name) return property.initializer;
    if (tsm.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

function getBound(tsm: TypeScriptModule, object: ts.ObjectLiteralExpression): Bound {
  const take = getPropertyValue(tsm, object, 'take');
  if (!take) return { kind: 'none' };
  if (tsm.isIdentifier(skipOuterExpressions(tsm, take)) && skipOuterExpressions(tsm, take).getText() === 'undefined') return { kind: 'none' };
  const value = resolveLocalConst(tsm, take) ?? take;
  if (tsm.isNumericLiteral(value)) return { kind: 'literal', value: Number(value.text) };
  if (tsm.isPrefixUnaryExpression(value) && tsm.isNumericLiteral(value.operand)) {
    return { kind: 'literal', value: Math.abs(Number(value.operand.text)) };
  }
  return { kind: 'expression' };
}

const OPERATOR_KINDS: Record<string, FilterKind> = {
  equals: 'equals',
  in: 'in',
  gt: 'range',
  gte: 'range',
  lt: 'range',
  lte: 'range',
  contains: 'pattern',
  startsWith: 'pattern',
  endsWith: 'pattern',
  search: 'pattern',
  not: 'not',
  notIn: 'not',
};

/** The conjunctive filters of a `where` (and its `AND`); returns false when some part cannot be read. */
function collectFilters(tsm: TypeScriptModule, schema: PrismaSchema, model: PrismaModel, where: ts.ObjectLiteralExpression, into: FieldFilter[]): boolean {
  let known = true;
  for (const property of where.properties) {
    if (tsm.isSpreadAssignment(property)) {
      known = false;
      continue;
    }
    if (!tsm.isPropertyAssignment(property) && !tsm.isShorthandPropertyAssignment(property)) {
      known = false;
      continue;
    }
    const name = propertyName(tsm, property.name);
    if (!name) {
      known = false;
      continue;
    }
    const value = tsm.isPropertyAssignment(property) ? skipOuterExpressions(tsm, property.initializer) : property.name;
    if (name === 'AND') {
      for (const part of listOrOne(tsm, value)) {
        const object = resolveLocalObject(tsm, part);
        known = (object !== undefined && collectFilters(tsm, schema, model, object, into)) && known;
      }
      continue;
    }
    if (name === 'OR' || name === 'NOT') {
      const branches = listOrOne(tsm, value).map((part) => readConjunction(tsm, schema, model, part));
      into.push({ field: name, kind: 'other', combination: { kind: name === 'OR' ? 'or' : 'not', branches } });
      continue;
    }
    const field = model.fields.get(name);
    if (!field) {
      // A compound unique input such as `userId_startTime: { userId, startTime }`.
      const compound = tsm.isObjectLiteralExpression(value) ? compoundFields(tsm, model, name, value) : undefined;
      if (compound) into.push(...compound.map((f) => ({ field: f, kind: 'equals' as const })));
      else known = false;
      continue;
    }
    if (field.relation) {
      into.push(...readRelationFilters(tsm, schema, name, field.relation, value));
      continue;
    }
    into.push(readFilter(tsm, name, value));
  }
  return known;
}

/** `OR: [a, b]` or `OR: a`: the branches as written. */
function listOrOne(tsm: TypeScriptModule, value: ts.Expression): readonly ts.Expression[] {
  return tsm.isArrayLiteralExpression(value) ? value.elements : [value];
}

function readConjunction(tsm: TypeScriptModule, schema: PrismaSchema, model: PrismaModel, value: ts.Expression): Conjunction {
  const object = resolveLocalObject(tsm, value);
  const filters: FieldFilter[] = [];
  return object !== undefined && collectFilters(tsm, schema, model, object, filters) ? filters : undefined;
}

const TO_MANY_QUANTIFIERS = new Set<string>(['some', 'none', 'every']);

/**
 * `bookings: { some: {…}, none: {…} }` on a to-many relation; `user: { is: {…} }`, `isNot` or the
 * shorthand `user: { email }` on a to-one. Anything else (`user: null`, a variable) filters the
 * relation in a way not estimated here: kind `other` alone.
 */
function readRelationFilters(tsm: TypeScriptModule, schema: PrismaSchema, name: string, relation: PrismaRelation, value: ts.Expression): FieldFilter[] {
  const target = schema.models.get(relation.target);
  const object = resolveLocalObject(tsm, value);
  if (!target || !object) return [{ field: name, kind: 'other' }];
  const quantified = object.properties.map((p) => (p.name ? propertyName(tsm, p.name) : undefined));
  const isQuantifier = (key: string | undefined) => (relation.toMany ? TO_MANY_QUANTIFIERS.has(key ?? '') : key === 'is' || key === 'isNot');
  if (!relation.toMany && !quantified.some(isQuantifier)) {
    return [{ field: name, kind: 'other', combination: { kind: 'relation', quantifier: 'is', relation: name, target, filters: readConjunction(tsm, schema, target, object) } }];
  }
  return object.properties.map((property, i) => {
    const quantifier = quantified[i];
    const inner = tsm.isPropertyAssignment(property) ? skipOuterExpressions(tsm, property.initializer) : undefined;
    if (!isQuantifier(quantifier) || !inner || inner.kind === tsm.SyntaxKind.NullKeyword) return { field: name, kind: 'other' };
    const filters = readConjunction(tsm, schema, target, inner);
    return { field: name, kind: 'other', combination: { kind: 'relation', quantifier: quantifier as RelationQuantifier, relation: name, target, filters } };
  });
}

function readFilter(tsm: TypeScriptModule, field: string, value: ts.Expression): FieldFilter {
  // `version: cond ? v : undefined`: when undefined, Prisma drops the filter, so it pins nothing.
  if (mayBeUndefined(tsm, value)) return { field, kind: 'other' };
  if (!tsm.isObjectLiteralExpression(value)) return { field, kind: 'equals', ...literalOf(tsm, value) };
  const kinds = value.properties.map((p) => (p.name && tsm.isIdentifier(p.name) ? OPERATOR_KINDS[p.name.text] : undefined) ?? 'other');
  if (kinds.includes('equals')) return { field, kind: 'equals' };
  if (kinds.includes('in')) {
    const list = getPropertyValue(tsm, value, 'in');
    const array = list ? skipOuterExpressions(tsm, list) : undefined;
    if (!array || !tsm.isArrayLiteralExpression(array)) return { field, kind: 'in' };
    const literals = array.elements.map((element) => literalOf(tsm, element).literal);
    const count = array.elements.length;
    return literals.every((l): l is string => l !== undefined) ? { field, kind: 'in', count, literals } : { field, kind: 'in', count };
  }
  return { field, kind: kinds[0] ?? 'other' };
}

function mayBeUndefined(tsm: TypeScriptModule, value: ts.Expression): boolean {
  const isUndefined = (node: ts.Expression) => {
    const inner = skipOuterExpressions(tsm, node);
    return (tsm.isIdentifier(inner) && inner.text === 'undefined') || tsm.isVoidExpression(inner);
  };
  if (tsm.isConditionalExpression(value)) return isUndefined(value.whenTrue) || isUndefined(value.whenFalse);
  return isUndefined(value);
}

function literalOf(tsm: TypeScriptModule, value: ts.Expression): { literal?: string } {
  if (tsm.isStringLiteralLike(value) || tsm.isNumericLiteral(value)) return { literal: value.text };
  if (value.kind === tsm.SyntaxKind.TrueKeyword) return { literal: 'true' };
  if (value.kind === tsm.SyntaxKind.FalseKeyword) return { literal: 'false' };
  return {};
}

function compoundFields(tsm: TypeScriptModule, model: PrismaModel, name: string, value: ts.ObjectLiteralExpression): string[] | undefined {
  const index = model.indexes.find((i) => i.kind !== 'index' && (i.name === name || i.fields.join('_') === name));
  if (!index) return undefined;
  const given = value.properties.map((p) => (p.name ? propertyName(tsm, p.name) : undefined));
  return index.fields.every((f) => given.includes(f)) ? index.fields : undefined;
}

/** Relations read through `include` and `select`, at any depth. `_count` reads no rows. */
function collectRelationReads(
  tsm: TypeScriptModule,
  schema: PrismaSchema,
  model: PrismaModel,
  args: ts.ObjectLiteralExpression,
): RelationRead[] {
  const reads: RelationRead[] = [];
  for (const key of ['include', 'select']) {
    const value = getPropertyValue(tsm, args, key);
    const object = value ? resolveLocalObject(tsm, value) : undefined;
    if (!object) continue;
    for (const property of object.properties) {
      if (!(tsm.isPropertyAssignment(property) || tsm.isShorthandPropertyAssignment(property))) continue;
      const name = propertyName(tsm, property.name);
      const field = name ? model.fields.get(name) : undefined;
      if (!name || !field?.relation) continue;
      const target = schema.models.get(field.relation.target);
      if (!target) continue;
      const initializer = tsm.isPropertyAssignment(property) ? skipOuterExpressions(tsm, property.initializer) : property.name;
      if (initializer.kind === tsm.SyntaxKind.FalseKeyword) continue;
      const nested = resolveLocalObject(tsm, initializer);
      const take = nested ? getBound(tsm, nested) : ({ kind: 'none' } as const);
      reads.push({
        node: property,
        field: name,
        model: target,
        toMany: field.relation.toMany,
        take: take.kind === 'none' && field.relation.toMany ? (pinnedRows(tsm, schema, model, target, nested) ?? take) : take,
        children: nested ? collectRelationReads(tsm, schema, target, nested) : [],
      });
    }
  }
  return reads;
}

/**
 * A to-many relation whose nested `where`, with the foreign key to the parent, selects a bounded
 * number of rows per parent: a unique key (`memberships: { where: { teamId } }` under
 * `@@unique([userId, teamId])`: one row), or a unique key whose other fields are enums or booleans
 * (`@@unique([ownerId, type])`: one row per value of `type`).
 */
function pinnedRows(tsm: TypeScriptModule, schema: PrismaSchema, parent: PrismaModel, child: PrismaModel, nested: ts.ObjectLiteralExpression | undefined): Bound | undefined {
  const where = nested ? getPropertyValue(tsm, nested, 'where') : undefined;
  const whereObject = where ? resolveLocalObject(tsm, where) : undefined;
  const filters: FieldFilter[] = [];
  if (whereObject) collectFilters(tsm, schema, child, whereObject, filters);
  const foreignKey = [...child.fields.values()].flatMap((f) => (f.relation && !f.relation.toMany && f.relation.target === parent.name ? f.relation.fields : []));
  const fixed = [...filters.filter((f) => f.kind === 'equals').map((f) => f.field), ...foreignKey];
  const rows = rowsPerUniqueKey(schema, child, fixed);
  return rows === undefined ? undefined : { kind: 'literal', value: rows };
}

/**
 * The most rows a filter can match when `fixed` fields are given one value each: 1 when they hold
 * a unique key; the number of combinations when a unique key's other fields are enums or booleans;
 * undefined when no unique key bounds it.
 */
export function rowsPerUniqueKey(schema: PrismaSchema, model: PrismaModel, fixed: readonly string[]): number | undefined {
  let best: number | undefined;
  for (const index of model.indexes) {
    if (index.kind === 'index' || index.fields.length === 0) continue;
    let rows = 1;
    for (const name of index.fields) {
      if (fixed.includes(name)) continue;
      const field = model.fields.get(name);
      const values = field?.type === 'Boolean' ? 2 : field ? schema.enums.get(field.type)?.length : undefined;
      if (values === undefined) {
        rows = Infinity;
        break;
      }
      rows *= values;
    }
    if (rows !== Infinity && (best === undefined || rows < best)) best = rows;
  }
  return best;
}