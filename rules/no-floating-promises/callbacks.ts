import type ts from 'typescript';
import {
  functionOf,
  getApparentTypeOf,
  resolveSymbol,
  isVoidReturningFunctionType,
  returnsThenable,
  skipOuterExpressions,
  unionParts,
  someDescendant,
  type TypeScriptModule,
} from '@premortem/core';
import { isFunctionThatCannotReject } from './cannot-reject.js';
import type { TypeFacts } from './classify.js';
import { isPlainValue } from './plain-value.js';

/** Globals that call their first argument later and ignore what it returns. */
const TIMER_FUNCTIONS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);
/** EventEmitter registration methods; the listener is the second argument. */
const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);
const TRPC_RESOLVER_METHODS = new Set(['query', 'mutation', 'subscription']);
/** tRPC's procedure builders by convention: `t.procedure`, `publicProcedure`, `protectedProcedure`. */
const PROCEDURE_NAME = /^(?:procedure|\w*Procedure)$/;
/** Array methods, by name on any receiver, that use what their callback returns (`forEach` does not). */
const RESULT_USING_METHODS = new Set([
  'map', 'flatMap', 'filter', 'find', 'findIndex', 'findLast', 'findLastIndex', 'some', 'every', 'reduce', 'reduceRight', 'sort', 'toSorted',
]);

/**
 * True when `argument` is a promise-returning function handed to a callee that ignores its
 * result, so a rejection inside it escapes to the global scope.
 */
export function isMisusedCallback(
  facts: TypeFacts,
  call: ts.CallExpression | ts.NewExpression,
  argument: ts.Expression,
  index: number,
): boolean {
  const { ts: tsm, checker } = facts;
  if (tsm.isSpreadElement(argument)) return isMisusedSpread(facts, call, argument, index);
  const fn = skipOuterExpressions(tsm, argument);
  if (!mayBeFunctionValue(facts, fn) && !isNamedCallbackPosition(tsm, call, index)) return false;
  if (isPromiseMethodCall(tsm, call)) return false;
  // Cheapest first: the function's syntax, then the callee's signatures, and only then the
  // function's type, which may need the whole call's inference.
  const literalReturns = returnsPromiseBySyntax(tsm, fn);
  if (literalReturns === false) return false;
  if (declaredToUseResult(facts, call, index)) return false;
  if (literalReturns === undefined && !returnsThenable(tsm, checker, checker.getTypeAtLocation(fn))) return false;
  if (isFunctionThatCannotReject(facts, fn)) return false;

  const contextual = checker.getContextualType(argument);
  if (contextual && isVoidReturningFunctionType(tsm, checker, contextual)) return !anotherSignatureAcceptsPromise(facts, call, index);
  return isKnownVoidCallbackPosition(facts, call, index, contextual);
}

/**
 * `runAll(...hooks)`: a spread's elements land in a rest parameter. Misused when that parameter
 * takes void callbacks in every signature that has one there, and the elements return a promise.
 * Cheapest first: a named callee and a spread of a name or a literal (`...rows.map(…)` would need
 * the whole call's inference), then the callee's declared signatures, and only then the spread's
 * element type.
 */
function isMisusedSpread(facts: TypeFacts, call: ts.CallExpression | ts.NewExpression, spread: ts.SpreadElement, index: number): boolean {
  const { ts: tsm, checker } = facts;
  const callee = skipOuterExpressions(tsm, call.expression);
  const spreadValue = skipOuterExpressions(tsm, spread.expression);
  if (!tsm.isIdentifier(callee) && !tsm.isPropertyAccessExpression(callee)) return false;
  if (!tsm.isIdentifier(spreadValue) && !tsm.isPropertyAccessExpression(spreadValue) && !tsm.isArrayLiteralExpression(spreadValue)) return false;
  const elements = signaturesOf(facts, call).flatMap((signature) => {
    const element = restElementType(facts, signature, index);
    return element ? [element] : [];
  });
  if (elements.length === 0) return false;
  if (!elements.every((element) => isVoidReturningFunctionType(tsm, checker, getApparentTypeOf(tsm, checker, element)))) return false;
  return returnsThenable(tsm, checker, checker.getTypeAtLocation(spread));
}

/**
 * Overloads, or merged declarations, one of which takes a promise-returning function at `index`:
 * TypeScript gives an async callback the first signature it fits, `() => void` included, though
 * the callee declares that it handles promises (`it(name, fn: () => void)` beside
 * `it(name, fn: () => Promise<void>)`). Asked only before a report.
 */
function anotherSignatureAcceptsPromise(facts: TypeFacts, call: ts.CallExpression | ts.NewExpression, index: number): boolean {
  const { ts: tsm, checker } = facts;
  const signatures = signaturesOf(facts, call);
  return signatures.length > 1 && signatures.some((signature) => {
    const type = parameterTypeAt(facts, signature, index);
    return type !== undefined && unionParts(type).some((part) => returnsThenable(tsm, checker, getApparentTypeOf(tsm, checker, part)));
  });
}

function signaturesOf(facts: TypeFacts, call: ts.CallExpression | ts.NewExpression): readonly ts.Signature[] {
  const callee = facts.checker.getTypeAtLocation(call.expression);
  return facts.ts.isNewExpression(call) ? callee.getConstructSignatures() : callee.getCallSignatures();
}

/** The type a signature gives the argument at `index`: its parameter's, or a rest parameter's element. */
function parameterTypeAt(facts: TypeFacts, signature: ts.Signature, index: number): ts.Type | undefined {
  const { checker } = facts;
  const parameter = signature.parameters[Math.min(index, signature.parameters.length - 1)];
  if (!parameter) return undefined;
  if (isRestParameter(facts, parameter)) {
    const rest = signature.parameters.length - 1;
    const type = checker.getTypeOfSymbol(parameter);
    if (checker.isArrayType(type)) return checker.getTypeArguments(type as ts.TypeReference)[0];
    if (checker.isTupleType(type)) return checker.getTypeArguments(type as ts.TypeReference)[index - rest];
    return undefined;
  }
  return index < signature.parameters.length ? checker.getTypeOfSymbol(parameter) : undefined;
}

/** The element type of an array rest parameter that an argument at `index` lands in. */
function restElementType(facts: TypeFacts, signature: ts.Signature, index: number): ts.Type | undefined {
  const { checker } = facts;
  const last = signature.parameters[signature.parameters.length - 1];
  if (!last || !isRestParameter(facts, last) || index < signature.parameters.length - 1) return undefined;
  const type = checker.getTypeOfSymbol(last);
  return checker.isArrayType(type) ? checker.getTypeArguments(type as ts.TypeReference)[0] : undefined;
}

function isRestParameter(facts: TypeFacts, parameter: ts.Symbol): boolean {
  const declaration = parameter.valueDeclaration;
  return declaration !== undefined && facts.ts.isParameter(declaration) && declaration.dotDotDotToken !== undefined;
}

/**
 * True when the callee's own signatures, before the call is resolved, show that it uses what the
 * callback at `index` returns: `rows.map(fn)`, `useState(() => init)`, tRPC's
 * `.query(resolver)`. Resolving the call instead would infer the callback's whole body (a tRPC
 * resolver, a Prisma query) first. Parameters that may be `() => void` are left to the
 * contextual type.
 */
function declaredToUseResult(facts: TypeFacts, call: ts.CallExpression | ts.NewExpression, index: number): boolean {
  const { ts: tsm, checker } = facts;
  if (isNamedCallbackPosition(tsm, call, index)) return false;
  const callee = skipOuterExpressions(tsm, call.expression);
  if (tsm.isPropertyAccessExpression(callee) && RESULT_USING_METHODS.has(callee.name.text)) return true;
  if (isTrpcResolverCall(tsm, callee)) return true;
  // `p[method](cb)` with `const method = 'finally'`: as `p.finally(cb)`, the promise awaits it.
  if (tsm.isElementAccessExpression(callee) && isPromiseMethodKeyType(checker.getTypeAtLocation(callee.argumentExpression))) return true;
  if (!tsm.isCallExpression(call) || !(tsm.isIdentifier(callee) || tsm.isPropertyAccessExpression(callee))) return false;
  const signatures = checker.getTypeAtLocation(callee).getCallSignatures();
  return signatures.length > 0 && signatures.every((signature) => {
    const parameters = signature.getDeclaration()?.parameters;
    if (!parameters) return false;
    // A rest parameter takes it: not worth the guess. No parameter at all: this overload does not apply.
    if (parameters[parameters.length - 1]?.dotDotDotToken && index >= parameters.length - 1) return false;
    const parameter = signature.parameters[index];
    if (!parameter) return true;
    const type = checker.getTypeOfSymbol(parameter);
    // An explicit type argument fixes a type parameter (`memo<() => void>(fn)`): the declaration
    // no longer says what the callback may return; the contextual type will.
    if (call.typeArguments && unionParts(type).some((part) => (part.flags & tsm.TypeFlags.TypeParameter) !== 0)) return false;
    // `any`: as with the contextual type, only timers and listeners known by name count.
    if (type.flags & tsm.TypeFlags.Any) return true;
    // A type parameter (`useState<S>(init: S | (() => S))`) takes the argument's own type, unless
    // its constraint is a void callback.
    return !unionParts(type).some((part) => isVoidReturningFunctionType(tsm, checker, getApparentTypeOf(tsm, checker, part)));
  });
}

/**
 * `publicProcedure.input(schema).query(resolver)`: tRPC answers with what the resolver returns.
 * Known by name, as the router index knows procedures; a step named `procedure` or `…Procedure`
 * keeps `client.query(sql, callback)` out.
 */
function isTrpcResolverCall(tsm: TypeScriptModule, callee: ts.Expression): boolean {
  if (!tsm.isPropertyAccessExpression(callee) || !TRPC_RESOLVER_METHODS.has(callee.name.text)) return false;
  for (let step: ts.Expression = callee.expression; ; ) {
    step = skipOuterExpressions(tsm, step);
    if (tsm.isCallExpression(step)) step = step.expression;
    else if (tsm.isPropertyAccessExpression(step)) {
      if (PROCEDURE_NAME.test(step.name.text)) return true;
      step = step.expression;
    } else return tsm.isIdentifier(step) && PROCEDURE_NAME.test(step.text);
  }
}

/**
 * `p.then/catch/finally(cb)`: the promise itself awaits what `cb` returns, despite `() => void`
 * in lib.d.ts. Known by name: the receiver's type can be a long inferred chain, and other APIs
 * with these method names are rare.
 */
function isPromiseMethodCall(tsm: TypeScriptModule, call: ts.CallExpression | ts.NewExpression): boolean {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (tsm.isPropertyAccessExpression(callee)) return PROMISE_METHODS.has(callee.name.text);
  return tsm.isElementAccessExpression(callee) && tsm.isStringLiteralLike(callee.argumentExpression) && PROMISE_METHODS.has(callee.argumentExpression.text);
}

function isPromiseMethodKeyType(key: ts.Type): boolean {
  return key.isStringLiteral() && PROMISE_METHODS.has(key.value);
}

/**
 * Whether `node` can be a function, judged without its type where that is cheap: literals and
 * `.bind()` are; a name is when its declaration holds a function, is typed by hand or comes from
 * a library. A parameter typed by its context or a variable set from an arbitrary call is not
 * asked about, outside timers and listeners: its type would need the enclosing call's inference
 * (`rows.map((row) => f(row))` over tRPC data), and handing such a value on is rare elsewhere.
 */
function mayBeFunctionValue(facts: TypeFacts, node: ts.Expression): boolean {
  const { ts: tsm, checker } = facts;
  if (tsm.isArrowFunction(node) || tsm.isFunctionExpression(node)) return true;
  if (tsm.isCallExpression(node)) return isBindCall(tsm, node);
  let nameNode: ts.Node;
  if (tsm.isIdentifier(node)) nameNode = node;
  else if (tsm.isPropertyAccessExpression(node) && hasCheapReceiver(facts, node.expression)) nameNode = node.name;
  else return false;
  const symbol = resolveSymbol(tsm, checker, nameNode);
  return symbol !== undefined && declaresFunctionValue(facts, symbol);
}

/** A timer's or a listener's callback, known by name: there any value is worth a type query. */
function isNamedCallbackPosition(tsm: TypeScriptModule, call: ts.CallExpression | ts.NewExpression, index: number): boolean {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (tsm.isIdentifier(callee)) return index === 0 && TIMER_FUNCTIONS.has(callee.text);
  if (!tsm.isPropertyAccessExpression(callee)) return false;
  const name = callee.name.text;
  if (index === 0) return name === 'nextTick' || TIMER_FUNCTIONS.has(name);
  return index === 1 && (LISTENER_METHODS.has(name) || name === 'addEventListener');
}

/** `this.save`, `api.save` for an import, a namespace, a class or an enum: no inference behind the receiver. */
function hasCheapReceiver(facts: TypeFacts, receiver: ts.Expression): boolean {
  const { ts: tsm, checker } = facts;
  if (receiver.kind === tsm.SyntaxKind.ThisKeyword) return true;
  if (!tsm.isIdentifier(receiver)) return false;
  const symbol = checker.getSymbolAtLocation(receiver);
  if (!symbol) return false;
  const cheap = tsm.SymbolFlags.Alias | tsm.SymbolFlags.Module | tsm.SymbolFlags.Class | tsm.SymbolFlags.Enum | tsm.SymbolFlags.Function;
  return (symbol.flags & cheap) !== 0 || (symbol.declarations ?? []).some((d) => d.getSourceFile().isDeclarationFile);
}

function declaresFunctionValue(facts: TypeFacts, symbol: ts.Symbol): boolean {
  const tsm = facts.ts;
  if (symbol.flags & (tsm.SymbolFlags.Function | tsm.SymbolFlags.Method)) return true;
  return (symbol.declarations ?? []).some((declaration) => {
    if (declaration.getSourceFile().isDeclarationFile) return true;
    if (functionOf(tsm, declaration)) return true;
    if (tsm.isPropertySignature(declaration)) return declaration.type !== undefined;
    if (!(tsm.isVariableDeclaration(declaration) || tsm.isParameter(declaration) || tsm.isPropertyDeclaration(declaration))) return false;
    if (declaration.type) return true;
    const initializer = declaration.initializer && skipOuterExpressions(tsm, declaration.initializer);
    // `promisify(save)`, `useCallback(async () => …)`, `fn.bind(x)`: calls that make a function from one.
    return initializer !== undefined && tsm.isCallExpression(initializer) && (isBindCall(tsm, initializer) || initializer.arguments.some((a) => isFunctionArgument(facts, a)));
  });
}

/** A function literal, or a name declared as a function: `useList(teamId)` does not make a function. */
function isFunctionArgument(facts: TypeFacts, argument: ts.Expression): boolean {
  const { ts: tsm, checker } = facts;
  const value = skipOuterExpressions(tsm, argument);
  if (tsm.isArrowFunction(value) || tsm.isFunctionExpression(value)) return true;
  const symbol = tsm.isIdentifier(value) ? resolveSymbol(tsm, checker, value) : undefined;
  return symbol !== undefined && (symbol.flags & (tsm.SymbolFlags.Function | tsm.SymbolFlags.Method)) !== 0;
}

function isBindCall(tsm: TypeScriptModule, call: ts.CallExpression): boolean {
  return tsm.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'bind';
}

/** What a function literal's syntax says: async returns a promise, plain values do not; else undefined. */
function returnsPromiseBySyntax(tsm: TypeScriptModule, fn: ts.Expression): boolean | undefined {
  if (!tsm.isArrowFunction(fn) && !tsm.isFunctionExpression(fn)) return undefined;
  if (hasAsyncModifier(tsm, fn)) return true;
  // `rows.map((row) => <li>…</li>)` returns markup: its type would need the type of `rows`, which
  // can be a whole tRPC or Prisma inference.
  if (!fn.asteriskToken && returnsPlainValues(tsm, fn)) return false;
  return undefined;
}

/**
 * True when every value the function returns is, by its syntax alone, not a promise: no
 * `return` with a value, or only markup, literals, arithmetic and object or array literals.
 */
function returnsPlainValues(tsm: TypeScriptModule, fn: ts.ArrowFunction | ts.FunctionExpression): boolean {
  if (!tsm.isBlock(fn.body)) return isPlainValue(tsm, fn.body);
  return !someDescendant(
    tsm,
    fn.body,
    (node) => tsm.isReturnStatement(node) && node.expression !== undefined && !isPlainValue(tsm, node.expression),
    (node) => tsm.isFunctionLike(node) || tsm.isClassLike(node),
  );
}


function hasAsyncModifier(tsm: TypeScriptModule, fn: ts.ArrowFunction | ts.FunctionExpression): boolean {
  return fn.modifiers?.some((m) => m.kind === tsm.SyntaxKind.AsyncKeyword) ?? false;
}

/**
 * Timers and event listeners by name, for code whose types are missing (no node_modules, as the
 * hosted bot sees a repository) or where the DOM's `TimerHandler` hides the void return.
 */
function isKnownVoidCallbackPosition(
  facts: TypeFacts,
  call: ts.CallExpression | ts.NewExpression,
  index: number,
  contextual: ts.Type | undefined,
): boolean {
  const { ts: tsm, checker } = facts;
  const callee = skipOuterExpressions(tsm, call.expression);
  if (tsm.isIdentifier(callee) && TIMER_FUNCTIONS.has(callee.text) && index === 0) {
    return isGlobal(facts, callee);
  }
  // `process.nextTick` is typed with `Function`, which hides that the result is ignored.
  if (tsm.isPropertyAccessExpression(callee) && callee.name.text === 'nextTick' && index === 0) {
    return isProcessIdentifier(tsm, callee.expression);
  }
  if (tsm.isPropertyAccessExpression(callee) && LISTENER_METHODS.has(callee.name.text) && index === 1) {
    // Only where nothing is known about the parameter: a typed one was already judged.
    if (contextual && !(contextual.flags & tsm.TypeFlags.Any)) return false;
    const receiver = checker.getTypeAtLocation(callee.expression);
    return (receiver.flags & tsm.TypeFlags.Any) !== 0 || isProcessIdentifier(tsm, callee.expression);
  }
  return false;
}

function isGlobal(facts: TypeFacts, identifier: ts.Identifier): boolean {
  const symbol = facts.checker.getSymbolAtLocation(identifier);
  if (!symbol) return true;
  return (symbol.declarations ?? []).every((d) => d.getSourceFile().isDeclarationFile);
}

function isProcessIdentifier(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return tsm.isIdentifier(node) && node.text === 'process';
}
