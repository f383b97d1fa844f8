import type ts from 'typescript';
import { perProgram } from '../engine/program-cache.js';
import type { TypeScriptModule } from '../rule.js';
import { isGeneratedFile } from './generated.js';
import { isProjectSource } from './symbols.js';

/**
 * Every name the project's own source declares (functions, variables, parameters, properties,
 * methods, signatures, classes, import and export specifiers), collected by one syntactic pass per
 * Program. `x.name()` can only run a project function when some project declaration is called
 * `name`: asking the checker first would compute the type of `x` (a tRPC proxy, a query result)
 * only to land in a library. Generated files (a Prisma client declares `join`, `findMany`) count
 * as a library here: their methods are not followed.
 */
export function getProjectDeclaredNames(tsm: TypeScriptModule, program: ts.Program): ReadonlySet<string> {
  return perProgram(program, 'project-declared-names', () => {
    const names = new Set<string>();
    const k = tsm.SyntaxKind;
    const named = new Set<number>([
      k.FunctionDeclaration, k.FunctionExpression, k.MethodDeclaration, k.MethodSignature, k.PropertyDeclaration,
      k.PropertySignature, k.PropertyAssignment, k.ShorthandPropertyAssignment, k.VariableDeclaration, k.Parameter,
      k.BindingElement, k.GetAccessor, k.SetAccessor, k.ClassDeclaration, k.ClassExpression, k.InterfaceDeclaration,
      k.EnumMember, k.ImportSpecifier, k.ExportSpecifier, k.ImportClause, k.NamespaceImport,
    ]);
    const add = (name: ts.Node | undefined): void => {
      if (name && (tsm.isIdentifier(name) || tsm.isPrivateIdentifier(name) || tsm.isStringLiteral(name) || tsm.isNumericLiteral(name))) names.add(name.text);
    };
    const visit = (node: ts.Node): void => {
      if (named.has(node.kind)) {
        add((node as ts.NamedDeclaration).name);
        if (tsm.isBindingElement(node) || tsm.isImportSpecifier(node) || tsm.isExportSpecifier(node)) add(node.propertyName);
      }
      tsm.forEachChild(node, visit);
    };
    for (const sourceFile of program.getSourceFiles()) {
      if (isProjectSource(program, sourceFile) && !isGeneratedFile(sourceFile)) visit(sourceFile);
    }
    return names;
  });
}
