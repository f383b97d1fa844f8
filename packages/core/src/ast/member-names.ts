import type ts from 'typescript';
import type { ProgramQueries } from '../compiler-surface.js';
import { perProgram, perSourceFile } from '../engine/program-cache.js';
import type { TypeScriptModule } from '../rule.js';
import { isGeneratedFile } from './generated.js';
import { propertyName } from './property-name.js';
import { isProjectSource } from './symbols.js';
import { walkTreeWithState } from './walk-tree.js';

/**
 * Every name that `x.name` can reach in the project's own source, read from each file's syntax
 * once (kept with the file, so a new Program version after an edit re-reads only that file) and
 * joined per Program: members (methods, properties, accessors, parameter properties, object
 * literal entries), re-export aliases, and module-level declarations (a namespace import reaches
 * those). `x.name()` can only run a project function when some such declaration is called `name`:
 * asking the checker first would compute the type of `x` (a tRPC proxy, a query result, a form
 * object) only to land in a library. Locals do not count: `const map = new Map()` in a function
 * or `const { handleSubmit } = useForm()` cannot be reached as a member. Generated files (a
 * Prisma client declares `join`, `findMany`) count as a library here: their methods are not followed.
 */
export function getProjectMemberNames(tsm: TypeScriptModule, program: ProgramQueries): ReadonlySet<string> {
  return perProgram(program, 'project-member-names', () => {
    const names = new Set<string>();
    const k = tsm.SyntaxKind;
    const members = new Set<number>([
      k.MethodDeclaration, k.MethodSignature, k.PropertyDeclaration, k.PropertySignature, k.PropertyAssignment,
      k.ShorthandPropertyAssignment, k.GetAccessor, k.SetAccessor,
    ]);
    for (const sourceFile of program.getSourceFiles()) {
      if (!isProjectSource(program, sourceFile)) continue;
      for (const name of perSourceFile(sourceFile, 'member-names', () => fileMemberNames(tsm, members, sourceFile))) names.add(name);
    }
    return names;
  });
}

/** One file's part of the index; none for a generated file. */
function fileMemberNames(tsm: TypeScriptModule, members: ReadonlySet<number>, sourceFile: ts.SourceFile): readonly string[] {
  if (isGeneratedFile(sourceFile)) return [];
  const names = new Set<string>();
  // `x.#name()` is never followed (its name is not an identifier), so private names need not count.
  const add = (name: ts.Node | undefined): void => {
    const text = name && propertyName(tsm, name as ts.PropertyName);
    if (text !== undefined) names.add(text);
  };
  const addBindingNames = (name: ts.BindingName): void => {
    if (tsm.isIdentifier(name)) add(name);
    else for (const element of name.elements) if (tsm.isBindingElement(element)) addBindingNames(element.name);
  };
  // `moduleLevel`: a statement of a file or of a `namespace`, where a namespace import can reach it.
  const visit = (node: ts.Node, moduleLevel: boolean): void => {
    if (members.has(node.kind)) add((node as ts.NamedDeclaration).name);
    else if (tsm.isExportSpecifier(node)) {
      add(node.name);
      add(node.propertyName);
    } else if (tsm.isParameter(node) && tsm.getModifiers(node)?.length) add(node.name);
    else if (moduleLevel && (tsm.isFunctionDeclaration(node) || tsm.isClassDeclaration(node))) add(node.name);
    else if (moduleLevel && tsm.isVariableStatement(node)) {
      for (const declaration of node.declarationList.declarations) addBindingNames(declaration.name);
    }
  };
  walkTreeWithState(tsm, sourceFile, false, visit, (_child, parent) => tsm.isSourceFile(parent) || tsm.isModuleBlock(parent));
  return [...names];
}
