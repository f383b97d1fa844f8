import type ts from 'typescript';
import {
  getEnclosingFunction,
  getPropertyValue,
  isFunctionLike,
  resolveLocalConst,
  skipOuterExpressions,
  someNode,
  walkTree,
  type Iteration,
  type PrismaCallSite,
  type PrismaSchema,
  type TypeQueries,
  type TypeScriptModule,
} from '@premortem/core';

export interface LoopFacts {
  ts: TypeScriptModule;
  checker: TypeQueries;
  schema: PrismaSchema;
}

const OBJECT_ENUMERATORS = new Set(['values', 'keys', 'entries']);
/** Filters that take a list: a query given the loop's element here runs once per chunk. */
const LIST_FILTERS = new Set(['in', 'notIn', 'hasSome', 'hasEvery']);
/** Array methods that keep a chunk a chunk (`chunk.map((r) => r.id)`). */
const CHUNK_PRESERVING = new Set(['map', 'filter', 'slice', 'flatMap']);

/**
 * The loop runs a number of times fixed in the code, whatever the data: an array literal, or
 * the values of an enum or of a `const` object literal (`Object.values(Role)`).
 */
export function iteratesConstants(facts: LoopFacts, iteration: Iteration): boolean {
  if (!iteration.iterates) return countedLoop(facts, iteration)?.kind === 'fixed';
  const iterated = skipOuterExpressions(facts.ts, iteration.iterates);
  if (isConstantArray(facts, iterated)) return true;
  const { ts: tsm } = facts;
  // `const sources = Object.values(DataSource)` then `sources.map(…)`: the same constants.
  const enumerated = tsm.isIdentifier(iterated) ? constantInitializer(facts, iterated) : iterated;
  if (!enumerated || !tsm.isCallExpression(enumerated) || enumerated.arguments.length !== 1) return false;
  const callee = skipOuterExpressions(tsm, enumerated.expression);
  if (!tsm.isPropertyAccessExpression(callee) || !OBJECT_ENUMERATORS.has(callee.name.text)) return false;
  if (!tsm.isIdentifier(callee.expression) || callee.expression.text !== 'Object') return false;
  return isConstantObject(facts, skipOuterExpressions(tsm, enumerated.arguments[0]!));
}

/**
 * A loop with no collection (`while`, `do`, `for (;;)`) that stops when a count reaches a number
 * written in the code, or at a deadline: `while (attempts < MAX_ATTEMPTS)`, `if (++suffix > 5)
 * break`, `if (Date.now() > deadline) return`. A retry, a name-collision probe or a poll runs a
 * few times whatever the data; the query in it is not once per element. A loop that reads an
 * element by its counter (`skus[i]`) or takes one off a queue (`queue.shift()`) still walks a
 * collection.
 */
export function stopsAtAConstant(facts: LoopFacts, iteration: Iteration): boolean {
  const { ts: tsm } = facts;
  const loop = iteration.node;
  if (iteration.kind !== 'loop' || iteration.iterates) return false;
  if (!tsm.isWhileStatement(loop) && !tsm.isDoStatement(loop) && !tsm.isForStatement(loop)) return false;
  if (walksElements(tsm, loop.statement)) return false;
  const condition = tsm.isForStatement(loop) ? loop.condition : loop.expression;
  const exits = [...(condition ? [condition] : []), ...exitConditions(tsm, loop.statement)];
  return exits.some((condition) => someNode(tsm, condition, (node) => isConstantBound(facts, node), (node) => isFunctionLike(tsm, node)));
}

/** `attempts < MAX_ATTEMPTS`, `++suffix > 5`, `Date.now() >= deadline`. */
function isConstantBound(facts: LoopFacts, node: ts.Node): boolean {
  const { ts: tsm } = facts;
  if (!tsm.isBinaryExpression(node) || !isRelational(tsm, node.operatorToken.kind)) return false;
  const sides = [skipOuterExpressions(tsm, node.left), skipOuterExpressions(tsm, node.right)];
  if (sides.some((side) => isClockRead(tsm, side))) return true;
  const isNumber = (side: ts.Expression) => {
    const value = constantInitializer(facts, side);
    return value !== undefined && tsm.isNumericLiteral(value);
  };
  const isCounter = (side: ts.Expression) => tsm.isIdentifier(side) || tsm.isPrefixUnaryExpression(side) || tsm.isPostfixUnaryExpression(side);
  return (isNumber(sides[1]!) && isCounter(sides[0]!)) || (isNumber(sides[0]!) && isCounter(sides[1]!));
}

function isRelational(tsm: TypeScriptModule, kind: ts.SyntaxKind): boolean {
  const { LessThanToken, LessThanEqualsToken, GreaterThanToken, GreaterThanEqualsToken } = tsm.SyntaxKind;
  return kind === LessThanToken || kind === LessThanEqualsToken || kind === GreaterThanToken || kind === GreaterThanEqualsToken;
}

/** `Date.now()`, `performance.now()`. */
function isClockRead(tsm: TypeScriptModule, node: ts.Expression): boolean {
  if (!tsm.isCallExpression(node) || node.arguments.length > 0) return false;
  const callee = skipOuterExpressions(tsm, node.expression);
  return tsm.isPropertyAccessExpression(callee) && callee.name.text === 'now' && tsm.isIdentifier(callee.expression) && ['Date', 'performance'].includes(callee.expression.text);
}

/** The conditions of the `if`s in the loop's body that leave it: `if (c) break;`, `if (c) { …; return x; }`. */
function exitConditions(tsm: TypeScriptModule, body: ts.Statement): ts.Expression[] {
  const conditions: ts.Expression[] = [];
  walkTree(tsm, body, (node) => {
    if (isFunctionLike(tsm, node)) return 'skip';
    if (tsm.isIfStatement(node) && leaves(tsm, node.thenStatement)) conditions.push(node.expression);
  });
  return conditions;
}

function leaves(tsm: TypeScriptModule, statement: ts.Statement): boolean {
  const last = tsm.isBlock(statement) ? statement.statements[statement.statements.length - 1] : statement;
  return last !== undefined && (tsm.isBreakStatement(last) || tsm.isReturnStatement(last) || tsm.isThrowStatement(last));
}

const TAKES_ONE = new Set(['shift', 'pop', 'splice']);

/** `items[i]` with a computed index, or `queue.shift()`: the loop consumes a collection one element at a time. */
function walksElements(tsm: TypeScriptModule, body: ts.Statement): boolean {
  return someNode(
    tsm,
    body,
    (node) => {
      if (tsm.isElementAccessExpression(node)) return !tsm.isLiteralExpression(skipOuterExpressions(tsm, node.argumentExpression));
      if (!tsm.isCallExpression(node)) return false;
      const callee = skipOuterExpressions(tsm, node.expression);
      return tsm.isPropertyAccessExpression(callee) && TAKES_ONE.has(callee.name.text);
    },
    (node) => isFunctionLike(tsm, node),
  );
}

/**
 * The query runs only when something in this iteration failed: in a `catch` block, or a
 * `.catch(…)` handler, between it and the loop (a compensating delete, a status set to failed).
 * Error handling per element is not a query to batch.
 */
export function onErrorPath(tsm: TypeScriptModule, query: ts.CallExpression, iteration: Iteration): boolean {
  for (let node: ts.Node = query; node !== iteration.node && node.parent; node = node.parent) {
    if (tsm.isCatchClause(node.parent) && node === node.parent.block) return true;
    const parent = node.parent;
    if (tsm.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression)) {
      const callee = skipOuterExpressions(tsm, parent.expression);
      if (tsm.isPropertyAccessExpression(callee) && callee.name.text === 'catch') return true;
    }
  }
  return false;
}

/**
 * `['a', 'b']`, or a `const` holding one: not `[]` (filled later by `push`), not `[...rows]`
 * (as long as the data), and not a `const` array that code pushes to.
 */
function isConstantArray(facts: LoopFacts, expression: ts.Expression): boolean {
  const { ts: tsm } = facts;
  const value = constantInitializer(facts, expression);
  if (!value || !tsm.isArrayLiteralExpression(value) || value.elements.length === 0) return false;
  if (value.elements.some((e) => tsm.isSpreadElement(e))) return false;
  return value === expression || !isGrown(tsm, value.getSourceFile(), expression);
}

const GROWING_METHODS = new Set(['push', 'unshift', 'splice']);

/** `name.push(…)` anywhere in the file that declares the array: its length is not fixed. */
function isGrown(tsm: TypeScriptModule, file: ts.SourceFile, expression: ts.Expression): boolean {
  if (!tsm.isIdentifier(expression)) return false;
  const name = expression.text;
  return someNode(tsm, file, (node) => {
    if (!tsm.isCallExpression(node)) return false;
    const callee = skipOuterExpressions(tsm, node.expression);
    return tsm.isPropertyAccessExpression(callee) && GROWING_METHODS.has(callee.name.text) && tsm.isIdentifier(callee.expression) && callee.expression.text === name;
  });
}

/**
 * What a counted `for (let i = 0; i < bound; i += step)` walks: a fixed number of times (a
 * number written in the code), the elements of `items` (`i < items.length`, one by one), or
 * chunks of them (a step other than one).
 */
export type CountedLoop = { kind: 'fixed' } | { kind: 'elements'; of: ts.Expression } | { kind: 'chunks' } | undefined;

export function countedLoop(facts: LoopFacts, iteration: Iteration): CountedLoop {
  const { ts: tsm } = facts;
  const loop = iteration.node;
  if (!tsm.isForStatement(loop) || !loop.condition || !tsm.isBinaryExpression(loop.condition)) return undefined;
  const { operatorToken, right } = loop.condition;
  if (operatorToken.kind !== tsm.SyntaxKind.LessThanToken && operatorToken.kind !== tsm.SyntaxKind.LessThanEqualsToken) return undefined;
  const bound = constantInitializer(facts, skipOuterExpressions(tsm, right));
  if (bound && tsm.isNumericLiteral(bound)) return { kind: 'fixed' };
  if (!loop.incrementor) return undefined;
  if (!stepsByOne(tsm, loop.incrementor)) return { kind: 'chunks' };
  const length = skipOuterExpressions(tsm, right);
  return tsm.isPropertyAccessExpression(length) && length.name.text === 'length' ? { kind: 'elements', of: length.expression } : undefined;
}

function stepsByOne(tsm: TypeScriptModule, incrementor: ts.Expression): boolean {
  if (tsm.isPostfixUnaryExpression(incrementor) || tsm.isPrefixUnaryExpression(incrementor)) return true;
  if (!tsm.isBinaryExpression(incrementor) || incrementor.operatorToken.kind !== tsm.SyntaxKind.PlusEqualsToken) return false;
  const step = skipOuterExpressions(tsm, incrementor.right);
  return tsm.isNumericLiteral(step) && step.text === '1';
}

function isConstantObject(facts: LoopFacts, expression: ts.Expression): boolean {
  const { ts: tsm } = facts;
  const value = constantInitializer(facts, expression);
  if (value && tsm.isObjectLiteralExpression(value)) return true;
  // `Role` or `$Enums.Role` named after an enum of the schema: the generated client's enum object.
  const name = tsm.isIdentifier(expression) ? expression.text : tsm.isPropertyAccessExpression(expression) ? expression.name.text : undefined;
  if (name && facts.schema.enums.has(name) && !isLocalVariable(facts, expression)) return true;
  return declarationsOf(facts, expression).some((d) => tsm.isEnumDeclaration(d));
}

/** The literal a `const` holds, in this module or imported; the expression itself otherwise. */
function constantInitializer(facts: LoopFacts, expression: ts.Expression): ts.Expression | undefined {
  const { ts: tsm } = facts;
  if (!tsm.isIdentifier(expression)) return expression;
  const local = resolveLocalConst(tsm, expression);
  if (local) return local;
  for (const declaration of declarationsOf(facts, expression)) {
    if (tsm.isVariableDeclaration(declaration) && declaration.initializer && isConstDeclaration(tsm, declaration)) {
      return skipOuterExpressions(tsm, declaration.initializer);
    }
  }
  return undefined;
}

function isConstDeclaration(tsm: TypeScriptModule, declaration: ts.VariableDeclaration): boolean {
  return tsm.isVariableDeclarationList(declaration.parent) && (declaration.parent.flags & tsm.NodeFlags.Const) !== 0;
}

/** A parameter or variable of a function: an enum-named value there is data, not the enum. */
function isLocalVariable(facts: LoopFacts, expression: ts.Expression): boolean {
  const { ts: tsm } = facts;
  return declarationsOf(facts, expression).some((d) => (tsm.isParameter(d) || tsm.isVariableDeclaration(d)) && getEnclosingFunction(tsm, d) !== undefined);
}

function declarationsOf(facts: LoopFacts, expression: ts.Expression): ts.Declaration[] {
  const { ts: tsm, checker } = facts;
  const node = tsm.isPropertyAccessExpression(expression) ? expression.name : expression;
  let symbol = checker.getSymbolAtLocation(node);
  if (symbol && symbol.flags & tsm.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol?.declarations ?? [];
}

/**
 * The query takes the loop's element as a list (`where: { id: { in: chunk } }`,
 * `createMany({ data: chunk })`), or, in a loop with no collection (`while`, `for (;;)`), takes
 * any list: one query per chunk or page, not per row.
 */
export function queriesAChunk(tsm: TypeScriptModule, site: PrismaCallSite, iteration: Iteration): boolean {
  if (!site.args) return false;
  const elements = elementNames(tsm, iteration);
  const isChunk = (value: ts.Expression) => (iteration.iterates ? isElementList(tsm, value, elements) : true);
  const data = getPropertyValue(tsm, site.args, 'data');
  if (site.operation.startsWith('createMany') && data && isChunk(data)) return true;
  const where = getPropertyValue(tsm, site.args, 'where');
  return where !== undefined && someNode(tsm, where, (node) => isListFilter(tsm, node) && isChunk(node.initializer));
}

function isListFilter(tsm: TypeScriptModule, node: ts.Node): node is ts.PropertyAssignment {
  return tsm.isPropertyAssignment(node) && tsm.isIdentifier(node.name) && LIST_FILTERS.has(node.name.text);
}

/** `chunk`, or `chunk.map(…)`/`chunk.filter(…)` where `chunk` is the loop's element. */
function isElementList(tsm: TypeScriptModule, expression: ts.Expression, elements: Set<string>): boolean {
  let value = skipOuterExpressions(tsm, expression);
  while (tsm.isCallExpression(value)) {
    const callee = skipOuterExpressions(tsm, value.expression);
    if (!tsm.isPropertyAccessExpression(callee) || !CHUNK_PRESERVING.has(callee.name.text)) return false;
    value = skipOuterExpressions(tsm, callee.expression);
  }
  return tsm.isIdentifier(value) && elements.has(value.text);
}

/** The names the loop binds to each element: `for (const chunk of …)`, `(chunk) => …`. */
export function elementNames(tsm: TypeScriptModule, iteration: Iteration): Set<string> {
  const names = new Set<string>();
  if (iteration.kind === 'callback') {
    const first = iteration.callback.parameters[0];
    if (first && tsm.isIdentifier(first.name)) names.add(first.name.text);
  } else if (tsm.isForOfStatement(iteration.node) || tsm.isForInStatement(iteration.node)) {
    const initializer = iteration.node.initializer;
    const declaration = tsm.isVariableDeclarationList(initializer) ? initializer.declarations[0] : undefined;
    if (declaration && tsm.isIdentifier(declaration.name)) names.add(declaration.name.text);
    else if (tsm.isIdentifier(initializer)) names.add(initializer.text);
  }
  return names;
}

/**
 * The query is built per element but sent as one batch: the array it ends up in
 * (`const ops = items.map(…)`, `ops.push(prisma.x.update(…))`) is handed to `$transaction`.
 */
export function collectedForTransaction(tsm: TypeScriptModule, query: ts.CallExpression, iteration: Iteration): boolean {
  if (iteration.kind === 'callback' && isTransactionBatch(tsm, iteration.node)) return true;
  const array = (iteration.kind === 'callback' && mappedInto(tsm, iteration.node, query)) || pushedInto(tsm, query);
  if (!array) return false;
  const scope = getEnclosingFunction(tsm, iteration.node)?.body ?? iteration.node.getSourceFile();
  return someNode(tsm, scope, (node) => isTransactionCall(tsm, node) && node.arguments.some((a) => sendsArray(tsm, a, array)));
}

/** `prisma.$transaction(items.map((i) => prisma.x.update(…)))`: the batch the message recommends. */
function isTransactionBatch(tsm: TypeScriptModule, mapCall: ts.CallExpression): boolean {
  const argument = outermost(tsm, mapCall);
  const parent = argument.parent;
  return isTransactionCall(tsm, parent) && parent.arguments.some((a) => a === argument);
}

function isTransactionCall(tsm: TypeScriptModule, node: ts.Node): node is ts.CallExpression {
  if (!tsm.isCallExpression(node)) return false;
  const callee = skipOuterExpressions(tsm, node.expression);
  return tsm.isPropertyAccessExpression(callee) && callee.name.text === '$transaction';
}

/** `ops` in `const ops = items.map((i) => <query>)`, when the callback returns the query itself. */
function mappedInto(tsm: TypeScriptModule, mapCall: ts.CallExpression, query: ts.CallExpression): string | undefined {
  const callback = mapCall.arguments[0];
  if (!callback || !(tsm.isArrowFunction(callback) || tsm.isFunctionExpression(callback)) || returnedExpression(tsm, callback) !== query) return undefined;
  const declaration = outermost(tsm, mapCall).parent;
  return tsm.isVariableDeclaration(declaration) && tsm.isIdentifier(declaration.name) ? declaration.name.text : undefined;
}

/** What a callback gives back: its expression body, or the value of a body that is one `return`. */
function returnedExpression(tsm: TypeScriptModule, callback: ts.ArrowFunction | ts.FunctionExpression): ts.Expression | undefined {
  if (!tsm.isBlock(callback.body)) return skipOuterExpressions(tsm, callback.body);
  const [only] = callback.body.statements;
  return callback.body.statements.length === 1 && only && tsm.isReturnStatement(only) && only.expression ? skipOuterExpressions(tsm, only.expression) : undefined;
}

/** `ops` in `ops.push(<query>)`. */
function pushedInto(tsm: TypeScriptModule, query: ts.CallExpression): string | undefined {
  const argument = outermost(tsm, query);
  const push = argument.parent;
  if (!tsm.isCallExpression(push) || !push.arguments.some((a) => a === argument)) return undefined;
  const callee = skipOuterExpressions(tsm, push.expression);
  if (!tsm.isPropertyAccessExpression(callee) || callee.name.text !== 'push') return undefined;
  const target = skipOuterExpressions(tsm, callee.expression);
  return tsm.isIdentifier(target) ? target.text : undefined;
}

/** `$transaction(ops)` or `$transaction([...ops, …])`. */
function sendsArray(tsm: TypeScriptModule, argument: ts.Expression, array: string): boolean {
  const value = skipOuterExpressions(tsm, argument);
  if (tsm.isIdentifier(value)) return value.text === array;
  return tsm.isArrayLiteralExpression(value) && value.elements.some((e) => tsm.isSpreadElement(e) && sendsArray(tsm, e.expression, array));
}

function outermost(tsm: TypeScriptModule, node: ts.Expression): ts.Expression {
  let current = node;
  while (tsm.isParenthesizedExpression(current.parent) || tsm.isAsExpression(current.parent) || tsm.isSatisfiesExpression(current.parent)) {
    current = current.parent;
  }
  return current;
}
