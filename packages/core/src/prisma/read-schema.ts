import { createHash } from 'node:crypto';
import { blankSpans, isRemovedDatasourceUrl } from './datasource-urls.js';
import type { EngineDatamodel, EngineField, EngineIndex, EngineModel } from './engine-datamodel.js';
import { getDatamodel, lintSchema, SchemaEngineFailed, type EngineDiagnostic, type SchemaFiles } from './schema-engine.js';
import { delegateName, type PrismaField, type PrismaIndex, type PrismaModel, type PrismaSchema } from './schema.js';

export interface SchemaSource {
  path: string;
  text: string;
}

/** Each note on a schema that gave no models says what it means for the findings. */
const WITHOUT_SCHEMA = ', so the Prisma rules ran without a schema';

/** How many of Prisma's errors a note quotes; the rest are counted. */
const QUOTED_ERRORS = 3;

/** Recently read schemas by content: an editor re-reads the same schema for every project it opens. */
const MAX_CACHED_SCHEMAS = 8;
const cache = new Map<string, PrismaSchema>();

/**
 * Builds the schema model from one or more `.prisma` files (one schema: a multi-file schema shares
 * one namespace), as Prisma's own schema engine reads them. Never throws for the schema's sake: a
 * schema Prisma rejects, or one with no model, has no models and says why in its diagnostics.
 */
export function readPrismaSchema(sources: readonly SchemaSource[]): PrismaSchema {
  const key = contentKey(sources);
  let schema = cache.get(key);
  if (schema) {
    // Most recently used last, so the oldest goes first.
    cache.delete(key);
  } else {
    schema = readUncached(sources);
    if (cache.size >= MAX_CACHED_SCHEMAS) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, schema);
  // Callers add their own diagnostics; the cached list stays as read.
  return { ...schema, files: [...schema.files], diagnostics: [...schema.diagnostics] };
}

function contentKey(sources: readonly SchemaSource[]): string {
  const hash = createHash('sha256');
  for (const { path, text } of sources) hash.update(`${path.length}:${path}${text.length}:${text}`);
  return hash.digest('hex');
}

function readUncached(sources: readonly SchemaSource[]): PrismaSchema {
  const files = sources.map((source) => source.path);
  const empty = (diagnostics: string[]): PrismaSchema => ({ files, models: new Map(), enums: new Map(), delegates: new Map(), diagnostics });
  if (sources.length === 0) return empty([]);
  const read = validateOrExplain(sources.map(({ path, text }) => [path, text] as const));
  if (!read.ok) return empty([read.problem]);
  const schema = toSchema(read.datamodel, files);
  if (schema.models.size === 0) schema.diagnostics.push(`${describeFiles(files)} declares no model${WITHOUT_SCHEMA}`);
  return schema;
}

type Validation = { ok: true; datamodel: EngineDatamodel } | { ok: false; problem: string };

function validateOrExplain(files: SchemaFiles): Validation {
  try {
    return validate(files);
  } catch (error) {
    // A panic is Prisma's bug on this schema: said, like a rejection. Anything else is premortem's and thrown.
    if (!(error instanceof SchemaEngineFailed)) throw error;
    return { ok: false, problem: `${describeFiles(files.map(([name]) => name))}: ${error.message}${WITHOUT_SCHEMA}` };
  }
}

/** The datamodel, or what Prisma says is wrong with the schema, where. */
function validate(files: SchemaFiles): Validation {
  const first = getDatamodel(files);
  if (first.ok) return first;
  const errors = lintSchema(files).filter((diagnostic) => !diagnostic.is_warning);
  const removedUrls = errors.filter(isRemovedDatasourceUrl);
  // Connection URLs are no error for a Prisma 6 schema: read it without them, or report the rest.
  const rest = errors.filter((error) => !isRemovedDatasourceUrl(error));
  if (removedUrls.length > 0 && rest.length === 0) {
    const again = getDatamodel(blankSpans(files, removedUrls));
    if (again.ok) return again;
    return { ok: false, problem: describeRejection(files, [], again.message) };
  }
  return { ok: false, problem: describeRejection(files, rest, first.message) };
}

/** `Prisma rejects the schema …: prisma/schema.prisma:12: <its message>; … (and 2 more errors)`. */
function describeRejection(files: SchemaFiles, errors: readonly EngineDiagnostic[], message: string): string {
  const quoted =
    errors.length > 0
      ? errors.slice(0, QUOTED_ERRORS).map((error) => `${placeOf(files, error)}: ${withoutFinalStop(error.text)}`)
      : [`${describeFiles(files.map(([name]) => name))}: ${withoutFinalStop(message.trim().split('\n')[0] ?? '')}`];
  const more = errors.length > QUOTED_ERRORS ? ` (and ${errors.length - QUOTED_ERRORS} more errors)` : '';
  return `Prisma rejects the schema${WITHOUT_SCHEMA}: ${quoted.join('; ')}${more}`;
}

function withoutFinalStop(text: string): string {
  return text.trim().replace(/\.$/, '');
}

/** `file:line` of a diagnostic. */
function placeOf(files: SchemaFiles, diagnostic: EngineDiagnostic): string {
  const text = files.find(([name]) => name === diagnostic.file_name)?.[1];
  if (text === undefined) return diagnostic.file_name;
  return `${diagnostic.file_name}:${text.slice(0, diagnostic.start).split('\n').length}`;
}

function describeFiles(files: readonly string[]): string {
  return files.length === 1 ? files[0]! : `the schema (${files.join(', ')})`;
}

function toSchema(datamodel: EngineDatamodel, files: string[]): PrismaSchema {
  const compositeTypes = new Set(datamodel.types.map((type) => type.name));
  const indexesByModel = new Map<string, EngineIndex[]>();
  for (const index of datamodel.indexes) {
    const list = indexesByModel.get(index.model);
    if (list) list.push(index);
    else indexesByModel.set(index.model, [index]);
  }
  const models = new Map(datamodel.models.map((model) => [model.name, toModel(model, indexesByModel.get(model.name) ?? [], compositeTypes)]));
  return {
    files,
    models,
    enums: new Map(datamodel.enums.map((e) => [e.name, e.values.map((value) => value.name)])),
    delegates: new Map([...models.keys()].map((name) => [delegateName(name), name])),
    diagnostics: [],
  };
}

function toModel(model: EngineModel, indexes: readonly EngineIndex[], compositeTypes: ReadonlySet<string>): PrismaModel {
  return {
    name: model.name,
    dbName: model.dbName ?? model.name,
    fields: new Map(model.fields.map((field) => [field.name, toField(field, compositeTypes)])),
    indexes: indexes.flatMap(toIndex).sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]),
    primaryKey: model.primaryKey?.fields ?? model.fields.filter((field) => field.isId).map((field) => field.name),
  };
}

/**
 * Prisma lists the primary key, `@unique` fields, then every `@@index` before any `@@unique`. Kept in
 * that order within a kind, but unique before plain: where two indexes serve a filter equally, the
 * first is named (findServingIndex), and that stays the constraint, as schemas usually declare it
 * first (the previous parser kept declaration order; on six real schemas both now name the same).
 */
const KIND_ORDER: Record<PrismaIndex['kind'], number> = { id: 0, unique: 1, index: 2 };

/** `@@fulltext` serves no equality filter, so it is left out. */
function toIndex(index: EngineIndex): PrismaIndex[] {
  const kind = index.type === 'id' ? 'id' : index.type === 'unique' ? 'unique' : index.type === 'normal' ? 'index' : undefined;
  if (!kind) return [];
  const name = index.name ?? index.dbName;
  return [{ kind, fields: index.fields.map((field) => field.name), ...(name !== undefined ? { name } : {}) }];
}

function toField(field: EngineField, compositeTypes: ReadonlySet<string>): PrismaField {
  // A composite type is embedded in the row: a column, not a relation.
  const kind = field.kind === 'enum' ? 'enum' : field.kind === 'object' && !compositeTypes.has(field.type) ? 'relation' : 'scalar';
  const result: PrismaField = {
    name: field.name,
    type: field.type,
    isList: field.isList,
    isOptional: !field.isRequired,
    kind,
    dbName: field.dbName ?? field.name,
    isId: field.isId,
    isUnique: field.isUnique,
    hasDefault: field.hasDefaultValue,
  };
  if (kind === 'relation') {
    result.relation = {
      target: field.type,
      toMany: field.isList,
      fields: field.relationFromFields ?? [],
      references: field.relationToFields ?? [],
      ...(field.relationName !== undefined ? { name: field.relationName } : {}),
    };
  }
  return result;
}
