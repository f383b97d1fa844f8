/**
 * The part of Prisma's datamodel (the DMMF's `datamodel`, as the schema engine's `get_datamodel`
 * returns it) that premortem reads. Views are listed among the models; `Unsupported(…)` fields are
 * left out, as the client leaves them out.
 */
export interface EngineDatamodel {
  models: EngineModel[];
  enums: { name: string; values: { name: string }[] }[];
  /** MongoDB composite types (`type Address { … }`). */
  types: { name: string }[];
  /** Every `@id`, `@@id`, `@unique`, `@@unique`, `@@index` and `@@fulltext`, model by model. */
  indexes: EngineIndex[];
}

export interface EngineModel {
  name: string;
  /** `@@map("…")`; null when unmapped. */
  dbName: string | null;
  fields: EngineField[];
  /** `@@id([…])`; null when the key is an `@id` field (or there is none). */
  primaryKey: { name: string | null; fields: string[] } | null;
}

export interface EngineField {
  name: string;
  /** `@map("…")`; absent when unmapped. */
  dbName?: string | null;
  /** `object` is a relation or a composite type. */
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  hasDefaultValue: boolean;
  /** Relations only: `@relation("…")`, else Prisma's default (`PostToUser`), shared by both sides. */
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
}

export interface EngineIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  /** `name:`, the client's name for a compound key. */
  name?: string;
  /** `map:`, the database's name. */
  dbName?: string;
  fields: { name: string }[];
}
