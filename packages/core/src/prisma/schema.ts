/** One field of a Prisma model. */
export interface PrismaField {
  name: string;
  /** Scalar (`Int`, `String`…), enum or model name. */
  type: string;
  isList: boolean;
  isOptional: boolean;
  kind: 'scalar' | 'enum' | 'relation';
  relation?: PrismaRelation;
  /** Column name: `@map("…")`, else the field name. */
  dbName: string;
  isId: boolean;
  isUnique: boolean;
}

export interface PrismaRelation {
  target: string;
  toMany: boolean;
  /** Scalar fields holding the foreign key on this side (`@relation(fields: […])`), if any. */
  fields: string[];
  references: string[];
  name?: string;
}

export interface PrismaIndex {
  kind: 'id' | 'unique' | 'index';
  /** Field names (not column names), in index order. */
  fields: string[];
  name?: string;
}

export interface PrismaModel {
  name: string;
  /** Table name: `@@map("…")`, else the model name. */
  dbName: string;
  fields: Map<string, PrismaField>;
  indexes: PrismaIndex[];
}

export interface PrismaSchema {
  files: string[];
  models: Map<string, PrismaModel>;
  /** Enum names with their values. */
  enums: Map<string, string[]>;
  /** Client accessor (`booking`, `eventType`) → model name. */
  delegates: Map<string, string>;
  /** Problems met while reading: a file that did not parse, a relation to an unknown model. */
  diagnostics: string[];
}

/** Prisma's client names a model's delegate by lower-casing its first letter (`EventType` → `eventType`). */
export function delegateName(modelName: string): string {
  return modelName.charAt(0).toLowerCase() + modelName.slice(1);
}

export function getModelByDelegate(schema: PrismaSchema, accessor: string): PrismaModel | undefined {
  const name = schema.delegates.get(accessor);
  return name === undefined ? undefined : schema.models.get(name);
}

/**
 * The index that serves equality filters on `fields` by leftmost-prefix match: a unique index
 * fully covered first, then the index with the longest covered prefix.
 */
export function findServingIndex(model: PrismaModel, fields: readonly string[]): PrismaIndex | undefined {
  let best: { index: PrismaIndex; score: number } | undefined;
  for (const index of model.indexes) {
    let prefix = 0;
    while (prefix < index.fields.length && fields.includes(index.fields[prefix]!)) prefix++;
    if (prefix === 0) continue;
    const coversUnique = prefix === index.fields.length && index.kind !== 'index';
    const score = (coversUnique ? 1000 : 0) + prefix;
    if (!best || score > best.score) best = { index, score };
  }
  return best?.index;
}

/** True when equality filters on `fields` pin down at most one row (a unique index is fully covered). */
export function isUniqueLookup(model: PrismaModel, fields: readonly string[]): boolean {
  return model.indexes.some((index) => index.kind !== 'index' && index.fields.every((f) => fields.includes(f)));
}

/** The model a scalar field points to, when it holds the foreign key of a to-one relation. */
export function getForeignKeyTarget(model: PrismaModel, fieldName: string): string | undefined {
  for (const field of model.fields.values()) {
    if (field.relation && !field.relation.toMany && field.relation.fields.includes(fieldName)) return field.relation.target;
  }
  return undefined;
}
