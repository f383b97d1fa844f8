import { createRequire } from 'node:module';
import path from 'node:path';
import { CORE_PACKAGE } from '../trust/installed-program.js';
import type { Attribute, BlockAttribute, Field, Model, View } from '@mrleebo/prisma-ast';
import { getFieldNames, getNamedArgument, getPositionalArgument, getStringLiteral } from './attribute-arguments.js';
import { delegateName, type PrismaField, type PrismaIndex, type PrismaModel, type PrismaSchema } from './schema.js';

// Loaded on the first schema, so projects without Prisma (and `premortem --version`) do not pay
// for it. Always the bundle the build makes (scripts/vendor-prisma-ast.mjs), never the package:
// the package searches the working directory and its parents for a configuration file and runs
// `.js` ones, which inside an analyzed repository would run the repository's code. The bundle's
// search finds nothing. It also loads in under 0.1 s, where the package takes 0.3 s.
const require = createRequire(import.meta.url);
// From the package's folder, so the engine finds it run from its sources too (tests do).
const PARSER_BUNDLE = path.join(CORE_PACKAGE, 'dist', 'vendor', 'prisma-ast.cjs');
// The bundle exports only this function.
type PrismaAst = Pick<typeof import('@mrleebo/prisma-ast'), 'getSchema'>;
let getSchema: PrismaAst['getSchema'] | undefined;

function loadParser(): PrismaAst['getSchema'] {
  try {
    return (require(PARSER_BUNDLE) as PrismaAst).getSchema;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(`premortem is incompletely built: ${PARSER_BUNDLE} (the Prisma schema parser) is missing. Run \`npm run build\`.`, { cause: error });
  }
}

export interface SchemaSource {
  path: string;
  text: string;
}

/** Prisma's built-in scalar types; `Unsupported("…")` is a call and handled apart. */
const SCALAR_TYPES = new Set(['String', 'Boolean', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes']);

/** Names declared across all files: a multi-file schema shares one namespace. */
interface Declarations {
  models: { block: Model | View; file: string }[];
  enums: Map<string, string[]>;
  /** MongoDB composite types (`type Address { … }`): embedded, not related. */
  compositeTypes: Set<string>;
}

/**
 * Builds the schema model from one or more `.prisma` files. Never throws: a file that does not
 * parse becomes a diagnostic naming it and the place, and the other files are still read.
 */
export function readPrismaSchema(sources: readonly SchemaSource[]): PrismaSchema {
  const diagnostics: string[] = [];
  const declarations = collectDeclarations(sources, diagnostics);
  const modelNames = new Set(declarations.models.map(({ block }) => block.name));
  const models = new Map<string, PrismaModel>();
  for (const { block, file } of declarations.models) {
    const model = toModel(block, (type) => classifyType(type, modelNames, declarations));
    for (const field of model.fields.values()) {
      if (field.relation && !modelNames.has(field.relation.target)) {
        diagnostics.push(`${file}: ${model.name}.${field.name} has type ${field.type}, which no schema file declares`);
      }
    }
    models.set(model.name, model);
  }
  return {
    files: sources.map((source) => source.path),
    models,
    enums: declarations.enums,
    delegates: new Map([...models.keys()].map((name) => [delegateName(name), name])),
    diagnostics,
  };
}

function collectDeclarations(sources: readonly SchemaSource[], diagnostics: string[]): Declarations {
  const declarations: Declarations = { models: [], enums: new Map(), compositeTypes: new Set() };
  const declaredIn = new Map<string, string>();
  // Outside the per-file try: a missing parser is premortem's fault, not the schema's.
  const parseSchema = (getSchema ??= loadParser());
  for (const source of sources) {
    let blocks;
    try {
      blocks = parseSchema(source.text).list;
    } catch (error) {
      diagnostics.push(`${source.path}${describeParseError(error)}; its models and enums are ignored`);
      continue;
    }
    for (const block of blocks) {
      if (block.type !== 'model' && block.type !== 'view' && block.type !== 'enum' && block.type !== 'type') continue;
      const earlier = declaredIn.get(block.name);
      if (earlier !== undefined) {
        diagnostics.push(`${source.path}: ${block.name} is declared again (first in ${earlier}); the first is used`);
        continue;
      }
      declaredIn.set(block.name, source.path);
      if (block.type === 'enum') {
        declarations.enums.set(block.name, block.enumerators.flatMap((e) => (e.type === 'enumerator' ? [e.name] : [])));
      } else if (block.type === 'type') {
        declarations.compositeTypes.add(block.name);
      } else {
        declarations.models.push({ block, file: source.path });
      }
    }
  }
  return declarations;
}

/** `:2:16: does not parse (unexpected "@")`, from the parser's token when it has one. */
function describeParseError(error: unknown): string {
  const token = (error as { token?: { image?: unknown; startLine?: unknown; startColumn?: unknown } } | null)?.token;
  const line = token?.startLine;
  const column = token?.startColumn;
  const where = typeof line === 'number' && Number.isFinite(line) && typeof column === 'number' ? `:${line}:${column}` : '';
  if (token) {
    const found = typeof token.image === 'string' && token.image.trim() !== '' ? `"${token.image}"` : token.image === '' ? 'end of file' : 'line break';
    return `${where}: does not parse (unexpected ${found})`;
  }
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return `: does not parse (${message || 'unknown error'})`;
}

/** `@map("x")`, `@@map("x")` or their `name: "x"` form. */
function getMappedName(args: Attribute['args']): string | undefined {
  return getStringLiteral(getPositionalArgument(args)) ?? getStringLiteral(getNamedArgument(args, 'name'));
}

function classifyType(type: string, modelNames: ReadonlySet<string>, declarations: Declarations): PrismaField['kind'] {
  if (modelNames.has(type)) return 'relation';
  if (declarations.enums.has(type)) return 'enum';
  if (SCALAR_TYPES.has(type) || declarations.compositeTypes.has(type)) return 'scalar';
  // Neither scalar nor declared: a model whose file did not parse. Taking it for a column would
  // let a filter on it look indexed; as a relation it is reported and left alone.
  return 'relation';
}

function toModel(block: Model | View, classify: (type: string) => PrismaField['kind']): PrismaModel {
  const fields = new Map<string, PrismaField>();
  const fieldIndexes: PrismaIndex[] = [];
  const blockIndexes: PrismaIndex[] = [];
  let dbName = block.name;
  let compoundId: string[] | undefined;
  for (const property of block.properties) {
    if (property.type === 'field') {
      const field = toField(property, classify);
      fields.set(field.name, field);
      if (field.isId) fieldIndexes.push({ kind: 'id', fields: [field.name] });
      if (field.isUnique) fieldIndexes.push({ kind: 'unique', fields: [field.name] });
    } else if (property.type === 'attribute' && property.group === undefined) {
      if (property.name === 'map') dbName = getMappedName(property.args) ?? dbName;
      const index = toBlockIndex(property);
      if (index) blockIndexes.push(index);
      if (index?.kind === 'id') compoundId = index.fields;
    }
  }
  const primaryKey = compoundId ?? fieldIndexes.filter((index) => index.kind === 'id').flatMap((index) => index.fields);
  return { name: block.name, dbName, fields, indexes: [...fieldIndexes, ...blockIndexes], primaryKey };
}

/** `@@id`, `@@unique` or `@@index`, with `[a, b]` or `fields: [a, b]`; undefined for other attributes. */
function toBlockIndex(attribute: BlockAttribute): PrismaIndex | undefined {
  const kind = attribute.name === 'id' ? 'id' : attribute.name === 'unique' ? 'unique' : attribute.name === 'index' ? 'index' : undefined;
  if (!kind) return undefined;
  const fields = getFieldNames(getNamedArgument(attribute.args, 'fields') ?? getPositionalArgument(attribute.args));
  if (fields.length === 0) return undefined;
  const name = getStringLiteral(getNamedArgument(attribute.args, 'name')) ?? getStringLiteral(getNamedArgument(attribute.args, 'map'));
  return { kind, fields, ...(name !== undefined ? { name } : {}) };
}

function toField(field: Field, classify: (type: string) => PrismaField['kind']): PrismaField {
  const type = typeof field.fieldType === 'string' ? field.fieldType : field.fieldType.name;
  // `Unsupported("…")` is a column Prisma cannot read, never a relation.
  const kind = typeof field.fieldType === 'string' ? classify(type) : 'scalar';
  const attribute = (name: string): Attribute | undefined => field.attributes?.find((a) => a.name === name && a.group === undefined);
  const result: PrismaField = {
    name: field.name,
    type,
    isList: field.array === true,
    isOptional: field.optional === true,
    kind,
    dbName: getMappedName(attribute('map')?.args) ?? field.name,
    isId: attribute('id') !== undefined,
    isUnique: attribute('unique') !== undefined,
    hasDefault: attribute('default') !== undefined,
  };
  if (kind === 'relation') {
    const args = attribute('relation')?.args;
    const name = getStringLiteral(getNamedArgument(args, 'name')) ?? getStringLiteral(getPositionalArgument(args));
    result.relation = {
      target: type,
      toMany: result.isList,
      fields: getFieldNames(getNamedArgument(args, 'fields')),
      references: getFieldNames(getNamedArgument(args, 'references')),
      ...(name !== undefined ? { name } : {}),
    };
  }
  return result;
}
