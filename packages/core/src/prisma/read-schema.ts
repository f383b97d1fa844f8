import { getSchema, type Attribute, type AttributeArgument, type Field, type Model } from '@mrleebo/prisma-ast';
import { delegateName, type PrismaField, type PrismaIndex, type PrismaModel, type PrismaSchema } from './schema.js';

export interface SchemaSource {
  path: string;
  text: string;
}

/**
 * Builds the schema model from one or more `.prisma` files (a multi-file schema shares one
 * namespace). A file that does not parse becomes a diagnostic; the others are still read.
 */
export function readPrismaSchema(sources: readonly SchemaSource[]): PrismaSchema {
  const diagnostics: string[] = [];
  const models: Model[] = [];
  const enums = new Map<string, string[]>();
  for (const source of sources) {
    let parsed;
    try {
      parsed = getSchema(source.text);
    } catch (error) {
      diagnostics.push(`${source.path} does not parse: ${firstLine(error)}`);
      continue;
    }
    for (const block of parsed.list) {
      if (block.type === 'model' || block.type === 'view') models.push(block as Model);
      if (block.type === 'enum') {
        enums.set(block.name, block.enumerators.flatMap((e) => (e.type === 'enumerator' ? [e.name] : [])));
      }
    }
  }

  const modelNames = new Set(models.map((m) => m.name));
  const result = new Map<string, PrismaModel>();
  for (const model of models) result.set(model.name, toModel(model, modelNames, enums));
  for (const model of result.values()) {
    for (const field of model.fields.values()) {
      if (field.relation && !result.has(field.relation.target)) {
        diagnostics.push(`${model.name}.${field.name} relates to unknown model ${field.relation.target}`);
      }
    }
  }
  return {
    files: sources.map((s) => s.path),
    models: result,
    enums,
    delegates: new Map([...result.keys()].map((name) => [delegateName(name), name])),
    diagnostics,
  };
}

function toModel(model: Model, modelNames: ReadonlySet<string>, enums: ReadonlyMap<string, string[]>): PrismaModel {
  const fields = new Map<string, PrismaField>();
  const indexes: PrismaIndex[] = [];
  let dbName = model.name;
  for (const property of model.properties) {
    if (property.type === 'field') {
      const field = toField(property, modelNames, enums);
      fields.set(field.name, field);
      if (field.isId) indexes.push({ kind: 'id', fields: [field.name] });
      if (field.isUnique) indexes.push({ kind: 'unique', fields: [field.name] });
    } else if (property.type === 'attribute') {
      const attribute = property;
      if (attribute.name === 'map') dbName = stringValue(attribute.args[0]) ?? dbName;
      const kind = attribute.name === 'id' ? 'id' : attribute.name === 'unique' ? 'unique' : attribute.name === 'index' ? 'index' : undefined;
      if (kind) {
        const name = namedArgument(attribute.args, 'name') ?? namedArgument(attribute.args, 'map');
        indexes.push({ kind, fields: indexFields(attribute.args), ...(name ? { name } : {}) });
      }
    }
  }
  // Relations without `fields:` on this side still say which side holds the key: the other.
  return { name: model.name, dbName, fields, indexes };
}

function toField(field: Field, modelNames: ReadonlySet<string>, enums: ReadonlyMap<string, string[]>): PrismaField {
  const type = typeof field.fieldType === 'string' ? field.fieldType : field.fieldType.name;
  const attributes = field.attributes ?? [];
  const has = (name: string) => attributes.some((a) => a.name === name && !a.group);
  const map = attributes.find((a) => a.name === 'map' && !a.group);
  const result: PrismaField = {
    name: field.name,
    type,
    isList: field.array === true,
    isOptional: field.optional === true,
    kind: modelNames.has(type) ? 'relation' : enums.has(type) ? 'enum' : 'scalar',
    dbName: (map && stringValue(map.args?.[0])) ?? field.name,
    isId: has('id'),
    isUnique: has('unique'),
  };
  if (result.kind === 'relation') {
    const relation = attributes.find((a) => a.name === 'relation' && !a.group);
    const name = relation ? (namedArgument(relation.args ?? [], 'name') ?? stringValue(positional(relation))) : undefined;
    result.relation = {
      target: type,
      toMany: result.isList,
      fields: relation ? arrayArgument(relation.args ?? [], 'fields') : [],
      references: relation ? arrayArgument(relation.args ?? [], 'references') : [],
      ...(name ? { name } : {}),
    };
  }
  return result;
}

function positional(attribute: Attribute): AttributeArgument | undefined {
  return attribute.args?.find((arg) => typeof arg.value === 'string');
}

/** `@@index([a, b(sort: Desc)])` or `@@index(fields: [a, b])`: field names in order. */
function indexFields(args: readonly AttributeArgument[]): string[] {
  const named = args.find((arg) => isKeyValue(arg.value) && arg.value.key === 'fields');
  const list = named && isKeyValue(named.value) ? named.value.value : args.find((arg) => isArray(arg.value))?.value;
  if (!isArray(list)) return [];
  return list.args.flatMap((item) => {
    if (typeof item === 'string') return [item];
    if (typeof item === 'object' && item !== null && 'type' in item && item.type === 'function' && 'name' in item) return [String(item.name)];
    return [];
  });
}

function arrayArgument(args: readonly AttributeArgument[], key: string): string[] {
  const found = args.find((arg) => isKeyValue(arg.value) && arg.value.key === key);
  if (!found || !isKeyValue(found.value) || !isArray(found.value.value)) return [];
  return found.value.value.args.filter((item): item is string => typeof item === 'string');
}

function namedArgument(args: readonly AttributeArgument[], key: string): string | undefined {
  const found = args.find((arg) => isKeyValue(arg.value) && arg.value.key === key);
  return found && isKeyValue(found.value) ? unquote(found.value.value) : undefined;
}

function stringValue(arg: AttributeArgument | undefined): string | undefined {
  if (!arg) return undefined;
  return typeof arg.value === 'string' ? unquote(arg.value) : undefined;
}

function unquote(value: unknown): string | undefined {
  return typeof value === 'string' && /^".*"$/.test(value) ? value.slice(1, -1) : undefined;
}

function isKeyValue(value: unknown): value is { type: 'keyValue'; key: string; value: unknown } {
  return typeof value === 'object' && value !== null && (value as { type?: string }).type === 'keyValue';
}

function isArray(value: unknown): value is { type: 'array'; args: unknown[] } {
  return typeof value === 'object' && value !== null && (value as { type?: string }).type === 'array';
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}
