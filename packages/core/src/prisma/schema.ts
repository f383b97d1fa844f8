/** One field of a Prisma model. */
export interface PrismaField {
  name: string;
  /** Scalar (`Int`, `String`…), enum, composite type or model name. */
  type: string;
  isList: boolean;
  isOptional: boolean;
  kind: 'scalar' | 'enum' | 'relation';
  /** Present exactly when `kind` is `relation`. */
  relation?: PrismaRelation;
  /** Column name: `@map("…")`, else the field name. */
  dbName: string;
  /** `@id` on the field itself; a compound `@@id` shows in the model's `primaryKey`. */
  isId: boolean;
  /** `@unique` on the field itself; compound uniques show in the model's `indexes`. */
  isUnique: boolean;
  /** `@default(…)`: a create may leave the field out. */
  hasDefault: boolean;
}

export interface PrismaRelation {
  /** The related model's name. */
  target: string;
  /** A list field (`Booking[]`): one-to-many or implicit many-to-many. Otherwise at most one row. */
  toMany: boolean;
  /** Scalar fields holding the foreign key on this side (`@relation(fields: […])`); empty on the back side. */
  fields: string[];
  references: string[];
  /** `@relation("name")`, else Prisma's default (`PostToUser`): the two sides of a relation share it. */
  name?: string;
}

export interface PrismaIndex {
  kind: 'id' | 'unique' | 'index';
  /** Field names (not column names), in index order. */
  fields: string[];
  /** `name:` (the client's compound-key name) or else `map:` (the database name). */
  name?: string;
}

export interface PrismaModel {
  name: string;
  /** Table name: `@@map("…")`, else the model name. */
  dbName: string;
  fields: Map<string, PrismaField>;
  /** The primary key (`@id`, `@@id`), then `@unique` fields as one-field indexes, `@@unique`, and `@@index`, each in declaration order. */
  indexes: PrismaIndex[];
  /** Fields of `@id` or `@@id`, in key order; empty for a view or a model keyed only by `@unique`. */
  primaryKey: string[];
}

export interface PrismaSchema {
  /** The files read, in the order given. */
  files: string[];
  models: Map<string, PrismaModel>;
  /** Enum names with their values. */
  enums: Map<string, string[]>;
  /** Client accessor (`booking`, `eventType`, `uRL`) → model name. */
  delegates: Map<string, string>;
  /** Problems met while finding and reading: a file not read, a schema Prisma rejects or one with no model. */
  diagnostics: string[];
}

/**
 * The accessor Prisma's client gives a model's delegate: the first character lower-cased, the
 * rest kept (`EventType` → `eventType`, `URL` → `uRL`, `OAuthToken` → `oAuthToken`). This is
 * `uncapitalize` in @prisma/client-common and `dmmfToJSModelName` in the runtime.
 */
export function delegateName(modelName: string): string {
  return modelName.substring(0, 1).toLowerCase() + modelName.substring(1);
}

export function getModelByDelegate(schema: PrismaSchema, accessor: string): PrismaModel | undefined {
  const name = schema.delegates.get(accessor);
  return name === undefined ? undefined : schema.models.get(name);
}

/** True when `fieldName` is a list relation: reading it may return any number of rows per parent. */
export function isToManyRelation(model: PrismaModel, fieldName: string): boolean {
  return model.fields.get(fieldName)?.relation?.toMany === true;
}

/**
 * The index that serves equality filters on `fields` by leftmost-prefix match (an index serves
 * when its first k fields are all filtered): a fully covered id or unique index first, then the
 * longest covered prefix; on a tie the index with fewer fields, as a planner would pick it, then
 * the first listed.
 */
export function findServingIndex(model: PrismaModel, fields: readonly string[]): PrismaIndex | undefined {
  let best: { index: PrismaIndex; prefix: number; pinsOneRow: boolean } | undefined;
  for (const index of model.indexes) {
    const prefix = coveredPrefix(index, fields);
    if (prefix === 0) continue;
    const pinsOneRow = prefix === index.fields.length && index.kind !== 'index';
    const better =
      !best ||
      (pinsOneRow !== best.pinsOneRow ? pinsOneRow : prefix !== best.prefix ? prefix > best.prefix : index.fields.length < best.index.fields.length);
    if (better) best = { index, prefix, pinsOneRow };
  }
  return best?.index;
}

/** How many leading fields of `index` are among `fields`. */
function coveredPrefix(index: PrismaIndex, fields: readonly string[]): number {
  let prefix = 0;
  while (prefix < index.fields.length && fields.includes(index.fields[prefix]!)) prefix++;
  return prefix;
}

/** True when equality filters on `fields` pin down at most one row (a unique index is fully covered). */
export function isUniqueLookup(model: PrismaModel, fields: readonly string[]): boolean {
  return model.indexes.some((index) => index.kind !== 'index' && index.fields.length > 0 && index.fields.every((f) => fields.includes(f)));
}

/**
 * The fields of `child` holding its key to `parent` for the relation named `relationName` (the two
 * sides share the name); undefined when the child holds none, as in an implicit many-to-many.
 */
export function getChildForeignKey(parent: PrismaModel, child: PrismaModel, relationName: string | undefined): string[] | undefined {
  for (const field of child.fields.values()) {
    const relation = field.relation;
    if (relation && !relation.toMany && relation.target === parent.name && relation.name === relationName && relation.fields.length > 0) return relation.fields;
  }
  return undefined;
}

/** The model a scalar field points to, when it holds the foreign key of a to-one relation. */
export function getForeignKeyTarget(model: PrismaModel, fieldName: string): string | undefined {
  for (const field of model.fields.values()) {
    if (field.relation && !field.relation.toMany && field.relation.fields.includes(fieldName)) return field.relation.target;
  }
  return undefined;
}
