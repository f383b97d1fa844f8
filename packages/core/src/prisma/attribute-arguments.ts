import type { AttributeArgument, KeyValue, RelationArray, Value } from '@mrleebo/prisma-ast';

/**
 * Readers for attribute arguments as @mrleebo/prisma-ast gives them: strings keep their quotes,
 * `name: value` is a key-value, `[a, b(sort: Desc)]` an array of names and calls.
 */
type ArgumentValue = AttributeArgument['value'];

/** The value of `key: …` among the arguments. */
export function getNamedArgument(args: readonly AttributeArgument[] | undefined, key: string): Value | undefined {
  return args?.map((arg) => arg.value).find((value): value is KeyValue => isKeyValue(value) && value.key === key)?.value;
}

/** The first argument not written as `key: …` (`@map("x")`, `@@index([a, b])`, `@relation("name")`). */
export function getPositionalArgument(args: readonly AttributeArgument[] | undefined): ArgumentValue | undefined {
  return args?.map((arg) => arg.value).find((value) => !isKeyValue(value));
}

/** `"text"` → `text`; undefined for anything but a string literal. */
export function getStringLiteral(value: ArgumentValue | undefined): string | undefined {
  return typeof value === 'string' && value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : undefined;
}

/** `[a, b(sort: Desc), c(length: 10)]` → `['a', 'b', 'c']`, in order; empty when `value` is no list. */
export function getFieldNames(value: ArgumentValue | undefined): string[] {
  if (!isArray(value)) return [];
  return value.args.flatMap((item) => {
    if (typeof item === 'string') return [item];
    if (isObjectOfType(item, 'function') && typeof item.name === 'string') return [item.name];
    return [];
  });
}

function isKeyValue(value: unknown): value is KeyValue {
  return isObjectOfType(value, 'keyValue');
}

function isArray(value: unknown): value is RelationArray {
  return isObjectOfType(value, 'array') && Array.isArray((value as { args?: unknown }).args);
}

function isObjectOfType(value: unknown, type: string): value is { type: string; name?: unknown } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}
