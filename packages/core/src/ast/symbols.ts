import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '../compiler-surface.js';
import { perSourceFile } from '../engine/program-cache.js';
import type { TypeScriptModule } from '../rule.js';
import { walkTree } from './walk-tree.js';

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
export function getImportSource(tsm: TypeScriptModule, checker: TypeQueries, identifier: ts.Identifier): ImportSource | undefined {
  // Most names are not imports, and most imports are never redeclared in their file: the file's
  // own declarations answer without resolving the name.
  const imports = fileImports(tsm, identifier.getSourceFile());
  const imported = imports.byName.get(identifier.text);
  if (!imported) return undefined;
  if (!imports.redeclared.has(identifier.text) && isPlainReference(tsm, identifier)) return imported;
  const declaration = checker.getSymbolAtLocation(identifier)?.declarations?.[0];
  return declaration ? importSourceOf(tsm, declaration) : undefined;
}

function importSourceOf(tsm: TypeScriptModule, declaration: ts.Declaration): ImportSource | undefined {
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

interface FileImports {
  byName: ReadonlyMap<string, ImportSource>;
  /** Imported names that something else in the file also declares: a scope may shadow them. */
  redeclared: ReadonlySet<string>;
}

/** Read from the file's syntax alone, so it is kept with the file (`perSourceFile`). */
function fileImports(tsm: TypeScriptModule, sourceFile: ts.SourceFile): FileImports {
  return perSourceFile(sourceFile, 'imports', () => readFileImports(tsm, sourceFile));
}

function readFileImports(tsm: TypeScriptModule, sourceFile: ts.SourceFile): FileImports {
  const byName = new Map<string, ImportSource>();
  for (const statement of sourceFile.statements) {
    const clause = tsm.isImportDeclaration(statement) ? statement.importClause : undefined;
    if (!clause) continue;
    const bindings = clause.namedBindings;
    const declarations: ts.Declaration[] = [
      ...(clause.name ? [clause] : []),
      ...(bindings ? (tsm.isNamespaceImport(bindings) ? [bindings] : bindings.elements) : []),
    ];
    for (const declaration of declarations) {
      const source = importSourceOf(tsm, declaration);
      const name = (declaration as ts.ImportClause | ts.ImportSpecifier | ts.NamespaceImport).name;
      if (source && name) byName.set(name.text, source);
    }
  }
  const redeclared = new Set<string>();
  if (byName.size > 0) {
    walkTree(tsm, sourceFile, (node) => {
      const name = (node as ts.NamedDeclaration).name;
      if (name && tsm.isIdentifier(name) && byName.has(name.text) && declaresScopeName(tsm, node)) redeclared.add(name.text);
    });
  }
  return { byName, redeclared };
}

/** Declarations that bind a name in a scope (not imports, not members of objects or classes). */
function declaresScopeName(tsm: TypeScriptModule, node: ts.Node): boolean {
  return (
    tsm.isVariableDeclaration(node) ||
    tsm.isParameter(node) ||
    tsm.isBindingElement(node) ||
    tsm.isFunctionDeclaration(node) ||
    tsm.isFunctionExpression(node) ||
    tsm.isClassDeclaration(node) ||
    tsm.isClassExpression(node) ||
    tsm.isEnumDeclaration(node) ||
    tsm.isModuleDeclaration(node) ||
    tsm.isImportEqualsDeclaration(node)
  );
}

/** `name(…)`, `name.x`, `new name`, `<Name>`: positions where a name can only be a reference. */
function isPlainReference(tsm: TypeScriptModule, identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  return (
    ((tsm.isCallExpression(parent) || tsm.isNewExpression(parent) || tsm.isPropertyAccessExpression(parent)) && parent.expression === identifier) ||
    (tsm.isTaggedTemplateExpression(parent) && parent.tag === identifier) ||
    ((tsm.isJsxOpeningElement(parent) || tsm.isJsxSelfClosingElement(parent)) && parent.tagName === identifier)
  );
}

function moduleOf(tsm: TypeScriptModule, declaration: ts.ImportDeclaration | ts.JSDocImportTag): string | undefined {
  return tsm.isStringLiteral(declaration.moduleSpecifier) ? declaration.moduleSpecifier.text : undefined;
}

/** The symbol an identifier stands for, with imports and re-exports followed to the original. */
export function resolveSymbol(tsm: TypeScriptModule, checker: TypeQueries, node: ts.Node): ts.Symbol | undefined {
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
  program: ProgramQueries,
  checker: TypeQueries,
  node: ts.Node,
): ts.Declaration | undefined {
  const symbol = resolveSymbol(tsm, checker, node);
  const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  if (!declaration) return undefined;
  return isProjectSource(program, declaration.getSourceFile()) ? declaration : undefined;
}

/** A file of the project itself: not a `.d.ts`, not from `node_modules`. */
export function isProjectSource(program: ProgramQueries, sourceFile: ts.SourceFile): boolean {
  return !sourceFile.isDeclarationFile && !program.isSourceFileFromExternalLibrary(sourceFile) && !sourceFile.fileName.includes('/node_modules/');
}
