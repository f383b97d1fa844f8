import type ts from 'typescript';
import { isThenableType, skipOuterExpressions, someNode, walkTree, type TypeScriptModule } from '@premortem/core';
import { classifyDropped, type TypeFacts } from './classify.js';

/**
 * A `const`/`let` holding a fresh promise that no reference ever consumes (awaits, returns,
 * passes on, stores, chains). Returns the name node to report, or undefined.
 */
export function findNeverHandledVariable(facts: TypeFacts, declaration: ts.VariableDeclaration): ts.Identifier | undefined {
  const { ts: tsm, checker } = facts;
  const { name, initializer } = declaration;
  if (!tsm.isIdentifier(name) || !initializer || !producesPromise(tsm, initializer)) return undefined;
  const list = declaration.parent;
  if (!tsm.isVariableDeclarationList(list)) return undefined;
  const statement = list.parent;
  // Loop heads and exports hand the value to code we cannot see here.
  if (!tsm.isVariableStatement(statement)) return undefined;
  if (statement.modifiers?.some((m) => m.kind === tsm.SyntaxKind.ExportKeyword)) return undefined;
  if (tsm.isSourceFile(statement.parent) && isAmbientOrDeclarationFile(statement.parent)) return undefined;

  const symbol = checker.getSymbolAtLocation(name);
  if (!symbol) return undefined;
  const isVar = (list.flags & (tsm.NodeFlags.Let | tsm.NodeFlags.Const | tsm.NodeFlags.Using)) === 0;
  const scope = isVar ? functionScopeOf(tsm, statement) : statement.parent;
  // The reads come first and need no types: nearly every stored call is read, and the type of a
  // call can be a whole tRPC router's inference.
  const settled = someReference(tsm, scope, name.text, (reference) => {
    if (reference === name) return false;
    if (tsm.isShorthandPropertyAssignment(reference.parent)) return true;
    if (checker.getSymbolAtLocation(reference) !== symbol) return false;
    return settlesStoredValue(tsm, reference);
  });
  if (settled) return undefined;
  if (!isThenableType(tsm, checker, checker.getTypeAtLocation(name))) return undefined;
  return classifyDropped(facts, initializer) ? name : undefined;
}

/**
 * Private fields (`private x = load()`, `#x = load()`, or assigned `this.x = load()`) holding a
 * promise no member ever reads. Public fields may be awaited from outside and are left alone.
 */
export function findNeverHandledFields(facts: TypeFacts, classNode: ts.ClassLikeDeclaration): ts.Node[] {
  const tsm = facts.ts;
  const candidates = new Map<string, { node: ts.Node; value: ts.Expression }[]>();
  const privateNames = new Set<string>();
  const add = (field: string, node: ts.Node, value: ts.Expression): void => {
    const list = candidates.get(field) ?? [];
    list.push({ node, value });
    candidates.set(field, list);
  };
  for (const member of classNode.members) {
    if (!tsm.isPropertyDeclaration(member)) continue;
    const isPrivate =
      tsm.isPrivateIdentifier(member.name) ||
      (member.modifiers?.some((m) => m.kind === tsm.SyntaxKind.PrivateKeyword) ?? false);
    if (!isPrivate || !(tsm.isIdentifier(member.name) || tsm.isPrivateIdentifier(member.name))) continue;
    privateNames.add(member.name.text);
    if (member.initializer && producesPromise(tsm, member.initializer)) add(member.name.text, member.name, member.initializer);
  }
  if (privateNames.size === 0) return [];

  const reads = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (tsm.isPropertyAccessExpression(node) && privateNames.has(node.name.text)) {
      const assigned = assignmentTarget(tsm, node);
      if (assigned) {
        if (node.expression.kind === tsm.SyntaxKind.ThisKeyword && producesPromise(tsm, assigned.right)) add(node.name.text, node, assigned.right);
      } else if (settlesStoredValue(tsm, node)) {
        reads.add(node.name.text);
      }
    }
  };
  for (const member of classNode.members) walkTree(tsm, member, visit);
  // Types last, and only for fields nothing reads.
  return [...candidates]
    .filter(([field]) => !reads.has(field))
    .flatMap(([, stores]) => stores.filter((store) => classifyDropped(facts, store.value) !== undefined).map((store) => store.node));
}

/** Calls and `new`: a fresh promise. Aliases of existing promises are someone else's. */
function producesPromise(tsm: TypeScriptModule, value: ts.Expression): boolean {
  const expression = skipOuterExpressions(tsm, value);
  return tsm.isCallExpression(expression) || tsm.isNewExpression(expression) || tsm.isTaggedTemplateExpression(expression);
}

function assignmentTarget(tsm: TypeScriptModule, node: ts.Expression): ts.BinaryExpression | undefined {
  const parent = node.parent;
  if (
    tsm.isBinaryExpression(parent) &&
    parent.left === node &&
    parent.operatorToken.kind === tsm.SyntaxKind.EqualsToken
  ) {
    return parent;
  }
  return undefined;
}

/**
 * Whether this read settles the stored value: it could await, return, pass on, store or chain the
 * promise, or it reads a member a promise does not have (`x.data`: in code that compiles, the
 * value is not a plain promise, or a thenable used for its other members, a query builder). Only
 * reads that plainly do neither (truthiness tests, comparisons, `typeof`, being overwritten) leave
 * it unhandled.
 */
function settlesStoredValue(tsm: TypeScriptModule, reference: ts.Expression): boolean {
  let node: ts.Node = reference;
  while (tsm.isParenthesizedExpression(node.parent) || tsm.isNonNullExpression(node.parent) || tsm.isAsExpression(node.parent)) {
    node = node.parent;
  }
  const parent = node.parent;
  if (tsm.isPropertyAccessExpression(parent) && parent.expression === node) return true;
  if (tsm.isTypeOfExpression(parent)) return false;
  if (tsm.isPrefixUnaryExpression(parent) && parent.operator === tsm.SyntaxKind.ExclamationToken) return false;
  if ((tsm.isIfStatement(parent) || tsm.isWhileStatement(parent)) && parent.expression === node) return false;
  if (tsm.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    if (op === tsm.SyntaxKind.EqualsToken && parent.left === node) return false;
    if (
      op === tsm.SyntaxKind.EqualsEqualsEqualsToken ||
      op === tsm.SyntaxKind.ExclamationEqualsEqualsToken ||
      op === tsm.SyntaxKind.EqualsEqualsToken ||
      op === tsm.SyntaxKind.ExclamationEqualsToken ||
      op === tsm.SyntaxKind.InstanceOfKeyword
    ) {
      return false;
    }
  }
  if (tsm.isExpressionStatement(parent)) return false;
  return true;
}

function someReference(tsm: TypeScriptModule, scope: ts.Node, name: string, test: (id: ts.Identifier) => boolean): boolean {
  return someNode(tsm, scope, (node) => tsm.isIdentifier(node) && node.text === name && !isMemberName(tsm, node) && test(node));
}

/**
 * `x.create`, `{ create: … }`, `<A create>`: a name that is not a reference to a variable. Asking
 * for its symbol would need the type of `x`.
 */
function isMemberName(tsm: TypeScriptModule, identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  return (
    (tsm.isPropertyAccessExpression(parent) && parent.name === identifier) ||
    (tsm.isQualifiedName(parent) && parent.right === identifier) ||
    ((tsm.isPropertyAssignment(parent) || tsm.isMethodDeclaration(parent) || tsm.isPropertyDeclaration(parent)) && parent.name === identifier) ||
    tsm.isJsxAttribute(parent)
  );
}

function functionScopeOf(tsm: TypeScriptModule, node: ts.Node): ts.Node {
  for (let current = node.parent; current; current = current.parent) {
    if (tsm.isFunctionLike(current) || tsm.isSourceFile(current) || tsm.isModuleBlock(current)) return current;
  }
  return node.getSourceFile();
}

function isAmbientOrDeclarationFile(sourceFile: ts.SourceFile): boolean {
  return sourceFile.isDeclarationFile;
}
