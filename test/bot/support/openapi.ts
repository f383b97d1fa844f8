// GitHub's published OpenAPI description (from @octokit/openapi) as a test oracle: find the
// operation a request is for, check its body against the operation's schema, hand out GitHub's
// own response examples. The 13 MB description is read once per test process, on first use, and
// each operation's validator is compiled once.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';

export interface OpenApiOperation {
  operationId: string;
  summary?: string;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonObject }> };
  responses: Record<string, JsonObject>;
  parameters?: JsonObject[];
}

export interface FoundOperation {
  method: HttpMethod;
  /** The path template, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}/reviews`. */
  template: string;
  /** `pulls/create-review`. */
  operationId: string;
  /** The template's parameters, URL-decoded, e.g. `{ owner: 'acme', pull_number: '7' }`. */
  params: Record<string, string>;
  operation: OpenApiOperation;
}

interface CompiledTemplate {
  template: string;
  segments: string[];
  /** Literal segments: with two templates matching, the more literal one wins (`/issues/comments/{id}` over `/issues/{number}`). */
  literals: number;
  operations: Partial<Record<HttpMethod, OpenApiOperation>>;
}

interface Description {
  document: JsonObject;
  /** Templates by segment count. */
  templates: Map<number, CompiledTemplate[]>;
  ajv: Ajv;
  validators: Map<string, ValidateFunction>;
}

const DOCUMENT_ID = 'api.github.com.json';
const JSON_MEDIA = 'application/json';

let loaded: Description | undefined;

function description(): Description {
  if (loaded) return loaded;
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
  const document = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
  const templates = new Map<number, CompiledTemplate[]>();
  for (const [template, item] of Object.entries(document.paths as unknown as Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>)) {
    const segments = template.split('/').slice(1);
    const compiled: CompiledTemplate = { template, segments, literals: segments.filter((s) => !s.startsWith('{')).length, operations: item };
    const sameLength = templates.get(segments.length) ?? [];
    sameLength.push(compiled);
    templates.set(segments.length, sameLength);
  }
  // OpenAPI 3.0 schemas are not JSON Schema: `nullable`, `example`, `x-github`, `discriminator`
  // and the description's other keywords are not in ajv's vocabulary. `strict: false` lets them
  // through (ajv implements `nullable` itself); the description is not a schema, so it is not
  // checked against a meta-schema. Its `$ref`s are resolved inside it as the one document.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  addFormats(ajv);
  // GitHub's own formats, which only describe.
  ajv.addFormat('repo.nwo', true).addFormat('timestamp', true);
  const components = document.components as JsonObject;
  for (const part of [components.schemas, components.responses, components.requestBodies, components.parameters, document.paths]) nullableEnumsTakeNull(part);
  ajv.addSchema(document, DOCUMENT_ID);
  loaded = { document, templates, ajv, validators: new Map() };
  return loaded;
}

/**
 * `{ type: 'string', enum: ['success', …], nullable: true }` is how the description says "one of
 * these, or null" (a check run's `conclusion`), and GitHub sends null. OpenAPI 3.0.3 left open
 * whether `nullable` widens an `enum`; ajv reads it strictly, so null is added to such enums here.
 */
function nullableEnumsTakeNull(node: Json | undefined): void {
  if (Array.isArray(node)) {
    for (const item of node) nullableEnumsTakeNull(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if (node.nullable === true && Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
  for (const value of Object.values(node)) nullableEnumsTakeNull(value);
}

/** The OpenAPI operation for a request; `path` may carry a query string. */
export function findOperation(method: string, path: string): FoundOperation | undefined {
  const verb = method.toLowerCase() as HttpMethod;
  const segments = (path.split('?')[0] ?? '').split('/').slice(1);
  let best: FoundOperation | undefined;
  let bestLiterals = -1;
  for (const candidate of description().templates.get(segments.length) ?? []) {
    const operation = candidate.operations[verb];
    if (!operation || candidate.literals <= bestLiterals) continue;
    const params = matchSegments(candidate.segments, segments);
    if (!params) continue;
    best = { method: verb, template: candidate.template, operationId: operation.operationId, params, operation };
    bestLiterals = candidate.literals;
  }
  return best;
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const value = actual[index] ?? '';
    if (part.startsWith('{') && part.endsWith('}')) {
      if (value === '') return undefined;
      params[part.slice(1, -1)] = decodeURIComponent(value);
    } else if (part !== value) return undefined;
  }
  return params;
}

/**
 * What is wrong with a request body, as GitHub's description defines it: one readable line per
 * problem, none when the body is valid. An unknown operation is itself a problem.
 */
export function validateRequestBody(method: string, path: string, body: unknown): string[] {
  const found = findOperation(method, path);
  if (!found) return [`${method.toUpperCase()} ${path}: no such operation in GitHub's REST API description`];
  const requestBody = found.operation.requestBody;
  const label = `${method.toUpperCase()} ${found.template} (${found.operationId})`;
  if (!requestBody?.content?.[JSON_MEDIA]?.schema) {
    return body === undefined ? [] : [`${label}: takes no JSON body, got one`];
  }
  if (body === undefined) return requestBody.required ? [`${label}: the request body is required`] : [];
  const validate = compiled(pointer('paths', found.template, found.method, 'requestBody', 'content', JSON_MEDIA, 'schema'));
  return validate(body) ? [] : describeErrors(label, 'body', validate.errors ?? []);
}

/**
 * What is wrong with a response body the double sends, against the operation's schema for that
 * status: keeps the double honest. Statuses without a JSON schema are not checked.
 */
export function validateResponseBody(method: string, path: string, status: number, body: unknown): string[] {
  const found = findOperation(method, path);
  if (!found) return [];
  const response = responseObject(found, status);
  if (!response?.path) return [];
  const validate = compiled(`${response.path}/${pointer('content', JSON_MEDIA, 'schema')}`);
  const label = `${method.toUpperCase()} ${found.template} (${found.operationId}) → ${status}`;
  return validate(body) ? [] : describeErrors(label, 'response', validate.errors ?? []);
}

/**
 * A deep copy of GitHub's example response for the operation and status, from the description;
 * for a list, its first item. Undefined when the description has none.
 */
export function exampleResponse(method: string, path: string, status: number): unknown {
  const found = findOperation(method, path);
  const response = found && responseObject(found, status);
  const media = response?.value.content as Record<string, { examples?: Record<string, JsonObject>; example?: Json }> | undefined;
  const examples = media?.[JSON_MEDIA]?.examples;
  const first = examples ? Object.values(examples)[0] : undefined;
  const example = first === undefined ? media?.[JSON_MEDIA]?.example : (resolve(first) as JsonObject).value;
  if (example === undefined) return undefined;
  return structuredClone(Array.isArray(example) ? example[0] : example);
}

/** The response object for a status (following a `$ref` into components), with its JSON pointer when it has a JSON schema. */
function responseObject(found: FoundOperation, status: number): { value: JsonObject; path?: string } | undefined {
  const response = found.operation.responses[String(status)];
  if (!response) return undefined;
  const ref = typeof response.$ref === 'string' ? response.$ref : undefined;
  const value = ref ? (resolve(response) as JsonObject) : response;
  const content = value.content as Record<string, { schema?: Json }> | undefined;
  if (!content?.[JSON_MEDIA]?.schema) return { value };
  return { value, path: ref ? ref.slice(2) : pointer('paths', found.template, found.method, 'responses', String(status)) };
}

function resolve(node: JsonObject): Json {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  let value: Json = description().document;
  for (const key of ref.slice(2).split('/')) {
    const step: Json | undefined = value && typeof value === 'object' && !Array.isArray(value) ? value[unescapePointer(key)] : undefined;
    if (step === undefined) throw new Error(`OpenAPI: unresolvable $ref ${ref}`);
    value = step;
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? resolve(value) : value;
}

function compiled(path: string): ValidateFunction {
  const { ajv, validators } = description();
  let validate = validators.get(path);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/${path}` });
    validators.set(path, validate);
  }
  return validate;
}

function pointer(...keys: string[]): string {
  return keys.map((key) => key.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function unescapePointer(key: string): string {
  return key.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `body/comments/0/line must be integer`; an enum's allowed values are named, the `anyOf` noise is left out when a branch said more. */
function describeErrors(label: string, root: string, errors: ErrorObject[]): string[] {
  const specific = errors.filter((error) => !['anyOf', 'oneOf', 'if'].includes(error.keyword));
  const shown = specific.length > 0 ? specific : errors;
  const lines = shown.map((error) => {
    const where = `${root}${error.instancePath}`;
    const allowed = error.keyword === 'enum' ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')})` : '';
    const extra = error.keyword === 'additionalProperties' ? ` (${(error.params as { additionalProperty: string }).additionalProperty})` : '';
    return `${label}: ${where} ${error.message ?? error.keyword}${allowed}${extra}`;
  });
  return [...new Set(lines)];
}
