import type ts from 'typescript';
import type { TypeQueries } from '../compiler-surface.js';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import type { TypeScriptModule } from '../rule.js';

/**
 * Whether an expression is, as far as the code itself shows, a Prisma client: what decides a call
 * when there are no types (no node_modules). Followed through variables, imports, re-exports,
 * default exports, `$transaction` callbacks, parameters and properties typed with a client, and
 * classes that extend one. A name only counts when it leads back to Prisma; a look-alike object
 * with a `chat` or `user` property never does.
 */
export function tracesToPrismaClient(tsm: TypeScriptModule, checker: TypeQueries, expression: ts.Expression): boolean {
  return new ClientTrace(tsm, checker).expression(expression);
}

/**
 * `@prisma/client` and its entry points (`/edge`, `/wasm`), `.prisma/client`, and a generated client
 * imported by its output folder (`../generated/prisma`, `@/generated/client`, `…/generated/prisma/client`).
 */
export function isPrismaClientModule(specifier: string): boolean {
  return PRISMA_MODULE.test(specifier);
}

const PRISMA_MODULE = /^@prisma\/client(\/[\w-]+)?$|(^|\/)\.prisma\/client(\/[\w-]+)?$|(^|\/)generated\/(prisma|client|prisma-client)(\/(client|edge|wasm|index|default))?$/;

// Symbols are the checker's, so the answers are kept per checker (one per Program): every call of
// every file asks, and most ask about the same few clients.
const answers = new WeakMap<TypeQueries, WeakMap<ts.Symbol, boolean>>();

class ClientTrace {
  private readonly known: WeakMap<ts.Symbol, boolean>;

  constructor(
    private readonly tsm: TypeScriptModule,
    private readonly checker: TypeQueries,
  ) {
    let known = answers.get(checker);
    if (!known) answers.set(checker, (known = new WeakMap()));
    this.known = known;
  }

  expression(node: ts.Expression): boolean {
    const { tsm } = this;
    if (tsm.isAsExpression(node) && this.typeNode(node.type)) return true;
    const value = skipOuterExpressions(tsm, node);
    if (tsm.isIdentifier(value) || tsm.isPropertyAccessExpression(value)) return this.reference(value);
    if (value.kind === tsm.SyntaxKind.ThisKeyword) return this.thisIsClient(value);
    if (tsm.isNewExpression(value)) return this.expression(value.expression);
    if (tsm.isAwaitExpression(value)) return this.expression(value.expression);
    if (tsm.isCallExpression(value)) return this.callResult(value);
    if (tsm.isConditionalExpression(value)) return this.expression(value.whenTrue) || this.expression(value.whenFalse);
    // `globalThis.prisma ?? new PrismaClient()`, `global.prisma || new PrismaClient()`.
    if (tsm.isBinaryExpression(value) && isFallbackOperator(tsm, value.operatorToken.kind)) {
      return this.expression(value.left) || this.expression(value.right);
    }
    return false;
  }

  /** A name or `a.b`: what its symbol was declared as, or, when that says nothing, its name. */
  private reference(node: ts.Identifier | ts.PropertyAccessExpression): boolean {
    const name = this.tsm.isIdentifier(node) ? node : node.name;
    const symbol = this.checker.getSymbolAtLocation(name);
    if (symbol && this.symbol(symbol)) return true;
    return CONVENTIONAL_NAMES.has(name.text) && (!symbol || this.saysNothing(symbol));
  }

  /**
   * A symbol whose declarations tell nothing of where the value comes from: declared with no value
   * and no type (or `any`), or imported from a module that does not resolve. Anything else
   * (a value, a type, a project module) that did not trace to Prisma is something else.
   */
  private saysNothing(symbol: ts.Symbol): boolean {
    const { tsm } = this;
    if (symbol.flags & tsm.SymbolFlags.Alias) return !this.checker.getAliasedSymbol(symbol).declarations?.length;
    const declarations = symbol.declarations ?? [];
    return declarations.length > 0 && declarations.every((d) => {
      if (!tsm.isVariableDeclaration(d) && !tsm.isParameter(d) && !tsm.isPropertyDeclaration(d) && !tsm.isPropertySignature(d)) return false;
      const initializer = tsm.isPropertySignature(d) ? undefined : d.initializer;
      return !initializer && (!d.type || d.type.kind === tsm.SyntaxKind.AnyKeyword || d.type.kind === tsm.SyntaxKind.UnknownKeyword);
    });
  }

  private symbol(symbol: ts.Symbol): boolean {
    const known = this.known.get(symbol);
    if (known !== undefined) return known;
    this.known.set(symbol, false); // a cycle proves nothing
    const answer = this.computeSymbol(symbol);
    this.known.set(symbol, answer);
    return answer;
  }

  private computeSymbol(symbol: ts.Symbol): boolean {
    const declarations = symbol.declarations ?? [];
    if (symbol.flags & this.tsm.SymbolFlags.Alias) {
      if (declarations.some((d) => this.importsFromPrisma(d))) return true;
      const target = this.checker.getAliasedSymbol(symbol);
      // An import that does not resolve comes back as the `unknown` symbol, with no declarations.
      return target !== symbol && (target.declarations?.length ?? 0) > 0 && this.symbol(target);
    }
    return declarations.some((d) => this.declaration(d));
  }

  /** An import or re-export whose module, read as written, is a Prisma client. */
  private importsFromPrisma(declaration: ts.Declaration): boolean {
    const specifier = this.moduleSpecifierOf(declaration);
    if (specifier !== undefined && isPrismaClientModule(specifier)) return true;
    // `export { prisma } from './client'` one step at a time: a chain that ends in an unresolved
    // `@prisma/client` re-export does not resolve as a whole.
    return this.reExportedTarget(declaration)?.some((target) => this.symbol(target)) ?? false;
  }

  private moduleSpecifierOf(declaration: ts.Declaration): string | undefined {
    const { tsm } = this;
    let node: ts.Node | undefined = declaration;
    while (node && !tsm.isImportDeclaration(node) && !tsm.isExportDeclaration(node) && !tsm.isImportEqualsDeclaration(node)) {
      if (tsm.isSourceFile(node)) return undefined;
      node = node.parent;
    }
    if (!node) return undefined;
    if (tsm.isImportEqualsDeclaration(node)) {
      const reference = node.moduleReference;
      return tsm.isExternalModuleReference(reference) && tsm.isStringLiteral(reference.expression) ? reference.expression.text : undefined;
    }
    return node.moduleSpecifier && tsm.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : undefined;
  }

  private reExportedTarget(declaration: ts.Declaration): ts.Symbol[] | undefined {
    const { tsm } = this;
    if (!tsm.isImportSpecifier(declaration) && !tsm.isExportSpecifier(declaration)) return undefined;
    const owner = tsm.isImportSpecifier(declaration) ? declaration.parent.parent.parent : declaration.parent.parent;
    if (!owner.moduleSpecifier) return undefined;
    const module = this.checker.getSymbolAtLocation(owner.moduleSpecifier);
    const name = declaration.propertyName ?? declaration.name;
    const exported = module?.exports?.get(tsm.escapeLeadingUnderscores(name.text));
    return exported ? [exported] : undefined;
  }

  private declaration(declaration: ts.Declaration): boolean {
    const { tsm } = this;
    if (tsm.isVariableDeclaration(declaration)) return this.variable(declaration);
    if (tsm.isParameter(declaration)) return this.parameter(declaration);
    if (tsm.isPropertySignature(declaration)) return this.typeNode(declaration.type);
    if (tsm.isPropertyDeclaration(declaration)) {
      return this.typeNode(declaration.type) || (!!declaration.initializer && this.expression(declaration.initializer));
    }
    if (tsm.isPropertyAssignment(declaration)) return this.expression(declaration.initializer);
    if (tsm.isShorthandPropertyAssignment(declaration)) return this.shorthandValue(declaration);
    if (tsm.isClassDeclaration(declaration) || tsm.isClassExpression(declaration)) return this.classExtendsClient(declaration);
    if (tsm.isExportAssignment(declaration)) return this.expression(declaration.expression);
    if (tsm.isBindingElement(declaration)) return this.requiredFromPrisma(declaration) || this.destructuredClient(declaration);
    return false;
  }

  /** `{ client }`: the checker answers with the property, so the value is found by its name in scope. */
  private shorthandValue(property: ts.ShorthandPropertyAssignment): boolean {
    const name = declaredNameInScope(this.tsm, property, property.name.text);
    const symbol = name && this.checker.getSymbolAtLocation(name);
    return !!symbol && this.symbol(symbol);
  }

  private variable(declaration: ts.VariableDeclaration): boolean {
    if (this.typeNode(declaration.type)) return true;
    return !!declaration.initializer && this.expression(declaration.initializer);
  }

  /** Typed as a client, defaulted to one, or the `tx` of a traced client's `$transaction(async (tx) => …)`. */
  private parameter(parameter: ts.ParameterDeclaration): boolean {
    if (this.typeNode(parameter.type)) return true;
    if (parameter.initializer && this.expression(parameter.initializer)) return true;
    const callback = parameter.parent;
    const call = callback.parent;
    const { tsm } = this;
    if (!(tsm.isArrowFunction(callback) || tsm.isFunctionExpression(callback)) || callback.parameters[0] !== parameter) return false;
    if (!tsm.isCallExpression(call) || !call.arguments.includes(callback)) return false;
    const callee = skipOuterExpressions(tsm, call.expression);
    return tsm.isPropertyAccessExpression(callee) && callee.name.text === '$transaction' && this.expression(callee.expression);
  }

  /** `const { PrismaClient } = require('@prisma/client')`. */
  private requiredFromPrisma(element: ts.BindingElement): boolean {
    const { tsm } = this;
    const declaration = element.parent.parent;
    if (!tsm.isVariableDeclaration(declaration) || !declaration.initializer) return false;
    const value = skipOuterExpressions(tsm, declaration.initializer);
    return isRequireOf(tsm, value) ? isPrismaClientModule(value.arguments[0].text) : false;
  }

  /** `const { client } = db`: the property of the destructured value, as `db.client` would be. */
  private destructuredClient(element: ts.BindingElement): boolean {
    const { tsm } = this;
    const declaration = element.parent.parent;
    if (!tsm.isObjectBindingPattern(element.parent) || element.dotDotDotToken) return false;
    if (!tsm.isVariableDeclaration(declaration) || !declaration.initializer) return false;
    const key = element.propertyName ?? element.name;
    if (!tsm.isIdentifier(key)) return false;
    const property = this.checker.getPropertyOfType(this.checker.getTypeAtLocation(declaration.initializer), key.text);
    return !!property && this.symbol(property);
  }

  /** `x.$extends(…)` is a client whatever `x` is; a project function returns one when it returns a traced value. */
  private callResult(call: ts.CallExpression): boolean {
    const { tsm } = this;
    const callee = skipOuterExpressions(tsm, call.expression);
    if (tsm.isPropertyAccessExpression(callee) && callee.name.text === '$extends') return true;
    if (isRequireOf(tsm, call)) return isPrismaClientModule(call.arguments[0].text);
    // `remember('prisma', () => new PrismaClient())`, `cache(() => new PrismaClient())`: a
    // memoizer given the factory returns what the factory makes.
    if (call.arguments.some((argument) => this.factoryMakesClient(argument))) return true;
    if (!tsm.isIdentifier(callee) && !tsm.isPropertyAccessExpression(callee)) return false;
    const symbol = this.checker.getSymbolAtLocation(tsm.isIdentifier(callee) ? callee : callee.name);
    const target = symbol && symbol.flags & tsm.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    return (target?.declarations ?? []).some((d) => this.functionReturnsClient(d));
  }

  /** A function written in place whose returned value traces to a client. */
  private factoryMakesClient(argument: ts.Expression): boolean {
    const { tsm } = this;
    const fn = skipOuterExpressions(tsm, argument);
    if (!tsm.isArrowFunction(fn) && !tsm.isFunctionExpression(fn)) return false;
    if (!tsm.isBlock(fn.body)) return this.expression(fn.body);
    return returnedExpressions(tsm, fn.body).some((value) => this.expression(value));
  }

  private functionReturnsClient(declaration: ts.Declaration): boolean {
    const { tsm } = this;
    let fn: ts.Node | undefined = declaration;
    if (tsm.isVariableDeclaration(declaration) && declaration.initializer) fn = skipOuterExpressions(tsm, declaration.initializer);
    if (!fn || !(tsm.isFunctionDeclaration(fn) || tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn) || tsm.isMethodDeclaration(fn))) return false;
    if (this.typeNode(fn.type)) return true;
    if (!fn.body) return false;
    if (!tsm.isBlock(fn.body)) return this.expression(fn.body);
    return returnedExpressions(tsm, fn.body).some((value) => this.expression(value));
  }

  /** `class PrismaService extends PrismaClient` (or extends a class that does). */
  private classExtendsClient(declaration: ts.ClassLikeDeclaration): boolean {
    const { tsm } = this;
    for (const clause of declaration.heritageClauses ?? []) {
      if (clause.token !== tsm.SyntaxKind.ExtendsKeyword) continue;
      if (clause.types.some((base) => this.expression(base.expression))) return true;
    }
    return false;
  }

  /** `this` in a method of a class that extends a client. */
  private thisIsClient(node: ts.Expression): boolean {
    const { tsm } = this;
    for (let scope: ts.Node = node.parent; !tsm.isSourceFile(scope); scope = scope.parent) {
      if (tsm.isClassDeclaration(scope) || tsm.isClassExpression(scope)) return this.classExtendsClient(scope);
      // A function (not an arrow) has its own `this`.
      if (tsm.isFunctionDeclaration(scope) || tsm.isFunctionExpression(scope)) return false;
    }
    return false;
  }

  /** `PrismaClient`, `Prisma.TransactionClient`, `PrismaService`, `typeof prisma`, a union or alias of them. */
  private typeNode(type: ts.TypeNode | undefined): boolean {
    const { tsm } = this;
    if (!type) return false;
    if (tsm.isParenthesizedTypeNode(type)) return this.typeNode(type.type);
    if (tsm.isUnionTypeNode(type) || tsm.isIntersectionTypeNode(type)) return type.types.some((t) => this.typeNode(t));
    if (tsm.isTypeQueryNode(type)) return this.entityName(type.exprName);
    if (tsm.isTypeReferenceNode(type)) return this.entityName(type.typeName);
    return false;
  }

  /** `PrismaClient` or `Prisma.TransactionClient`: the first name decides when it comes from Prisma's module. */
  private entityName(name: ts.EntityName): boolean {
    const { tsm } = this;
    let first: ts.EntityName = name;
    while (tsm.isQualifiedName(first)) first = first.left;
    const firstSymbol = this.checker.getSymbolAtLocation(first);
    if (firstSymbol && firstSymbol.flags & tsm.SymbolFlags.Alias && (firstSymbol.declarations ?? []).some((d) => this.importsFromPrisma(d))) return true;
    const symbol = this.checker.getSymbolAtLocation(tsm.isQualifiedName(name) ? name.right : name);
    if (!symbol) return false;
    return this.typeSymbol(symbol);
  }

  /** A type alias of a client type, a class that extends one, or a value (`typeof prisma`). */
  private typeSymbol(symbol: ts.Symbol): boolean {
    const { tsm } = this;
    const target = symbol.flags & tsm.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    if (target.declarations?.some((d) => tsm.isTypeAliasDeclaration(d) && this.typeNode(d.type))) return true;
    return this.symbol(symbol);
  }
}

/**
 * Names a client is conventionally given. They count only for a value whose declaration says
 * nothing (`declare const prisma: any`, `ctx.db` on an untyped context, the untyped `tx` of a
 * transaction callback, an import from a package that is not there): code whose client comes from
 * where the analysis cannot see. `client` is left out: it names every SDK's client.
 */
const CONVENTIONAL_NAMES = new Set(['prisma', 'db', 'tx']);

/** The identifier declaring `name` in a block or the module around `node`: a variable, function, class or import. */
function declaredNameInScope(tsm: TypeScriptModule, node: ts.Node, name: string): ts.Identifier | undefined {
  for (let scope: ts.Node | undefined = node.parent; scope; scope = scope.parent) {
    if (!tsm.isBlock(scope) && !tsm.isSourceFile(scope)) continue;
    for (const statement of scope.statements) {
      const found = statementDeclaring(tsm, statement, name);
      if (found) return found;
    }
  }
  return undefined;
}

function statementDeclaring(tsm: TypeScriptModule, statement: ts.Statement, name: string): ts.Identifier | undefined {
  const named = (id: ts.Node | undefined): ts.Identifier | undefined => (id && tsm.isIdentifier(id) && id.text === name ? id : undefined);
  if (tsm.isVariableStatement(statement)) {
    for (const declaration of statement.declarationList.declarations) {
      const found = named(declaration.name);
      if (found) return found;
    }
  }
  if (tsm.isFunctionDeclaration(statement) || tsm.isClassDeclaration(statement)) return named(statement.name);
  if (tsm.isImportDeclaration(statement) && statement.importClause) {
    const { name: defaultName, namedBindings } = statement.importClause;
    if (named(defaultName)) return defaultName;
    if (namedBindings && tsm.isNamespaceImport(namedBindings)) return named(namedBindings.name);
    for (const element of namedBindings && tsm.isNamedImports(namedBindings) ? namedBindings.elements : []) {
      if (named(element.name)) return element.name;
    }
  }
  return undefined;
}

function isFallbackOperator(tsm: TypeScriptModule, kind: ts.SyntaxKind): boolean {
  return kind === tsm.SyntaxKind.QuestionQuestionToken || kind === tsm.SyntaxKind.BarBarToken;
}

function isRequireOf(tsm: TypeScriptModule, node: ts.Node): node is ts.CallExpression & { arguments: [ts.StringLiteral] } {
  return (
    tsm.isCallExpression(node) &&
    tsm.isIdentifier(node.expression) &&
    node.expression.text === 'require' &&
    node.arguments.length === 1 &&
    tsm.isStringLiteral(node.arguments[0]!)
  );
}

/** The values a function body returns, not counting nested functions'. */
function returnedExpressions(tsm: TypeScriptModule, body: ts.Block): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (tsm.isFunctionLike(node)) return;
    if (tsm.isReturnStatement(node) && node.expression) found.push(node.expression);
    tsm.forEachChild(node, visit);
  };
  tsm.forEachChild(body, visit);
  return found;
}
