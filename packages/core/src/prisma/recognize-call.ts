import type ts from 'typescript';
import type { TypeQueries } from '../compiler-surface.js';
import { propertyName } from '../ast/property-name.js';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import type { TypeScriptModule } from '../rule.js';
import type { PrismaModel, PrismaSchema } from './schema.js';
import { tracesToPrismaClient } from './trace-client.js';

const READ_OPERATIONS = ['findMany', 'findFirst', 'findFirstOrThrow', 'findUnique', 'findUniqueOrThrow', 'count', 'aggregate', 'groupBy'];
const WRITE_OPERATIONS = [
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
];
const OPERATIONS = new Set([...READ_OPERATIONS, ...WRITE_OPERATIONS]);

export type PrismaOperation = string;

export interface PrismaCallSite {
  call: ts.CallExpression;
  /** `prisma.booking.findMany`: where a report about the call is anchored. */
  callee: ts.PropertyAccessExpression;
  model: PrismaModel;
  operation: PrismaOperation;
  isRead: boolean;
  /** The arguments object, resolved through a local `const` when it is one. */
  args: ts.ObjectLiteralExpression | undefined;
  /** False when the arguments are built elsewhere or spread in: nothing about them is proven. */
  argsKnown: boolean;
  /** `type` with the generated client present; `schema` from schema model names and call shape. */
  recognizedBy: 'type' | 'schema';
}

export interface PrismaCallFacts {
  ts: TypeScriptModule;
  checker: TypeQueries;
  schema: PrismaSchema;
}

/**
 * `<client>.<model>.<operation>(…)` on a Prisma client, a transaction client, an `$extends`
 * client or any expression typed as one. With the generated client the types decide; without
 * it (no node_modules) the schema's model names and the call shape do, on a client the code
 * traces back to Prisma (`tracesToPrismaClient`), and an object whose declared type is something
 * else is never taken for Prisma.
 */
export function getPrismaCallSite(facts: PrismaCallFacts, call: ts.CallExpression): PrismaCallSite | undefined {
  // Every Prisma rule and the query list ask about the same calls in the same walk: answer once.
  let known = recognized.get(facts.schema);
  if (!known) recognized.set(facts.schema, (known = new WeakMap()));
  if (known.has(call)) return known.get(call) ?? undefined;
  const site = recognizePrismaCall(facts, call);
  known.set(call, site ?? null);
  return site;
}

const recognized = new WeakMap<PrismaSchema, WeakMap<ts.CallExpression, PrismaCallSite | null>>();

function recognizePrismaCall(facts: PrismaCallFacts, call: ts.CallExpression): PrismaCallSite | undefined {
  const { ts: tsm, schema } = facts;
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isPropertyAccessExpression(callee) || !OPERATIONS.has(callee.name.text)) return undefined;
  const delegate = skipOuterExpressions(tsm, callee.expression);
  const accessor = accessorName(tsm, delegate);
  if (!accessor) return undefined;
  const modelName = schema.delegates.get(accessor);
  const model = modelName ? schema.models.get(modelName) : undefined;
  if (!model) return undefined;

  const client = (delegate as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression;
  const recognizedBy = classifyReceiver(facts, delegate, client, model.name);
  if (!recognizedBy) return undefined;

  const operation = callee.name.text;
  const { args, argsKnown } = resolveArgs(tsm, call.arguments[0]);
  return { call, callee, model, operation, isRead: READ_OPERATIONS.includes(operation), args, argsKnown, recognizedBy };
}

function accessorName(tsm: TypeScriptModule, delegate: ts.Expression): string | undefined {
  if (tsm.isPropertyAccessExpression(delegate)) return delegate.name.text;
  if (tsm.isElementAccessExpression(delegate) && tsm.isStringLiteralLike(delegate.argumentExpression)) {
    return delegate.argumentExpression.text;
  }
  return undefined;
}

function classifyReceiver(
  facts: PrismaCallFacts,
  delegate: ts.Expression,
  client: ts.Expression,
  modelName: string,
): 'type' | 'schema' | undefined {
  const { ts: tsm, checker } = facts;
  const delegateType = checker.getTypeAtLocation(delegate);
  if (isUnknownType(tsm, delegateType)) {
    const clientType = checker.getTypeAtLocation(client);
    if (!isUnknownType(tsm, clientType) && looksLikePrismaClient(checker, clientType)) return 'type';
    // No types to go by (no node_modules, or a class whose Prisma base did not resolve): a model's
    // name on any object is not enough, the client must be traced back to Prisma in the code.
    return tracesToPrismaClient(tsm, checker, client) ? 'schema' : undefined;
  }
  if (isDelegateType(checker, delegateType, modelName)) return 'type';
  return looksLikePrismaClient(checker, checker.getTypeAtLocation(client)) ? 'type' : undefined;
}

/** `any`, `unknown` or an unresolved import: the types say nothing either way. */
function isUnknownType(tsm: TypeScriptModule, type: ts.Type): boolean {
  return (type.flags & (tsm.TypeFlags.Any | tsm.TypeFlags.Unknown)) !== 0;
}

/**
 * Prisma 4–7 name each model's delegate `<Model>Delegate` (e.g. `Prisma.BookingDelegate`) and give
 * it every operation. A hand-written `UserDelegate` with three methods is a look-alike.
 */
function isDelegateType(checker: TypeQueries, type: ts.Type, modelName: string): boolean {
  const name = (type.aliasSymbol ?? type.getSymbol())?.getName();
  if (name !== `${modelName}Delegate`) return false;
  const apparent = checker.getApparentType(type);
  return DELEGATE_MEMBERS.every((member) => checker.getPropertyOfType(apparent, member) !== undefined);
}

const DELEGATE_MEMBERS = ['findMany', 'findUnique', 'create', 'update', 'upsert', 'delete', 'aggregate', 'groupBy', 'count'];

/** PrismaClient, a transaction client or an `$extends` result: they all carry Prisma's `$` methods. */
function looksLikePrismaClient(checker: TypeQueries, type: ts.Type): boolean {
  const name = (type.aliasSymbol ?? type.getSymbol())?.getName() ?? '';
  if (/PrismaClient|TransactionClient/.test(name)) return true;
  const apparent = checker.getApparentType(type);
  return ['$transaction', '$queryRaw', '$executeRaw'].some((method) => checker.getPropertyOfType(apparent, method) !== undefined);
}

/** The arguments object: a literal, or a `const` initialized with one in the same file. */
function resolveArgs(
  tsm: TypeScriptModule,
  argument: ts.Expression | undefined,
): { args: ts.ObjectLiteralExpression | undefined; argsKnown: boolean } {
  if (!argument) return { args: undefined, argsKnown: true };
  const value = resolveLocalObject(tsm, argument);
  if (!value) return { args: undefined, argsKnown: false };
  const spreadsKnown = value.properties.every((p) => !tsm.isSpreadAssignment(p) || cannotAddTake(tsm, p.expression));
  return { args: value, argsKnown: spreadsKnown };
}

/**
 * A spread whose every possible value is an object literal without `take`, such as the cursor
 * paging of `...(cursor ? { cursor: { id: cursor }, skip: 1 } : {})`: it cannot bound the query.
 * Anything else (a variable, a call) might, so it proves nothing.
 */
function cannotAddTake(tsm: TypeScriptModule, expression: ts.Expression): boolean {
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isObjectLiteralExpression(value)) {
    // Every property named, none of them `take` (a nested spread or a computed name might be).
    return value.properties.every((p) => !tsm.isSpreadAssignment(p) && p.name !== undefined && (propertyName(tsm, p.name) ?? 'take') !== 'take');
  }
  if (tsm.isConditionalExpression(value)) return cannotAddTake(tsm, value.whenTrue) && cannotAddTake(tsm, value.whenFalse);
  // `cond && { … }`: when falsy, spreading it adds nothing.
  if (tsm.isBinaryExpression(value) && value.operatorToken.kind === tsm.SyntaxKind.AmpersandAmpersandToken) return cannotAddTake(tsm, value.right);
  return false;
}

export function resolveLocalObject(tsm: TypeScriptModule, expression: ts.Expression): ts.ObjectLiteralExpression | undefined {
  const value = resolveLocalConst(tsm, expression);
  return value && tsm.isObjectLiteralExpression(value) ? value : undefined;
}

/**
 * An expression, or the initializer of the `const` it names when that is declared in an
 * enclosing block or the module: enough to read `const args = { … }` or `const PAGE = 20`.
 */
export function resolveLocalConst(tsm: TypeScriptModule, expression: ts.Expression): ts.Expression | undefined {
  const value = skipOuterExpressions(tsm, expression);
  if (!tsm.isIdentifier(value)) return value;
  for (let scope: ts.Node | undefined = value.parent; scope; scope = scope.parent) {
    if (!tsm.isBlock(scope) && !tsm.isSourceFile(scope)) continue;
    for (const statement of scope.statements) {
      if (!tsm.isVariableStatement(statement) || !(statement.declarationList.flags & tsm.NodeFlags.Const)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (tsm.isIdentifier(declaration.name) && declaration.name.text === value.text && declaration.initializer) {
          return skipOuterExpressions(tsm, declaration.initializer);
        }
      }
    }
  }
  return undefined;
}
