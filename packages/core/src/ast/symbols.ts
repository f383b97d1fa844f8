import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';

export interface ImportSource {
  /** The module specifier as written: `axios`, `@/utils/trpc`. */
  module: string;
  /** `default`, `*` for a namespace import, or the exported name. */
  imported: string;
}

/**
 * Where an identifier was imported from, read from the import declaration itself: it needs no
 * resolved module, so it works in a checkout with no `node_modules`.
 */
export function getImportSource(tsm: TypeScriptModule, checker: ts.TypeChecker, identifier: ts.Identifier): ImportSource | undefined {
  const declaration = checker.getSymbolAtLocation(identifier)?.declarations?.[0];
  if (!declaration) return undefined;
  if (tsm.isImportSpecifier(declaration)) {
    const module = moduleOf(tsm, declaration.parent.parent.parent);
    return module === undefined ? undefined : { module, imported: (declaration.propertyName ?? declaration.name).text };
  }
  if (tsm.isImportClause(declaration)) {
    const module = moduleOf(tsm, declaration.parent);
    return module === undefined ? undefined : { module, imported: 'default' };
  }
  if (tsm.isNamespaceImport(declaration)) {
    const module = moduleOf(tsm, declaration.parent.parent);
    return module === undefined ? undefined : { module, imported: '*' };
  }
  return undefined;
}

function moduleOf(tsm: TypeScriptModule, declaration: ts.ImportDeclaration | ts.JSDocImportTag): string | undefined {
  return tsm.isStringLiteral(declaration.moduleSpecifier) ? declaration.moduleSpecifier.text : undefined;
}

/** The symbol an identifier stands for, with imports and re-exports followed to the original. */
export function resolveSymbol(tsm: TypeScriptModule, checker: ts.TypeChecker, node: ts.Node): ts.Symbol | undefined {
  const symbol = checker.getSymbolAtLocation(node);
  if (!symbol) return undefined;
  if (symbol.flags & tsm.SymbolFlags.Alias) {
    const target = checker.getAliasedSymbol(symbol);
    // An import that does not resolve comes back as the `unknown` symbol, with no declarations.
    return target.declarations?.length ? target : undefined;
  }
  return symbol;
}

/** The declaration an identifier resolves to, when it is in the program's own source (not a library). */
export function resolveSourceDeclaration(
  tsm: TypeScriptModule,
  program: ts.Program,
  checker: ts.TypeChecker,
  node: ts.Node,
): ts.Declaration | undefined {
  const symbol = resolveSymbol(tsm, checker, node);
  const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  if (!declaration) return undefined;
  return isProjectSource(program, declaration.getSourceFile()) ? declaration : undefined;
}

/** A file of the project itself: not a `.d.ts`, not from `node_modules`. */
export function isProjectSource(program: ts.Program, sourceFile: ts.SourceFile): boolean {
  return !sourceFile.isDeclarationFile && !program.isSourceFileFromExternalLibrary(sourceFile) && !sourceFile.fileName.includes('/node_modules/');
}
