import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';

/**
 * A dotted name for where `node` sits (`CalendarService.refresh`, `handler`), built from the
 * declarations around it. Used in fingerprints: it survives edits elsewhere in the file.
 */
export function getEnclosingSymbolPath(tsm: TypeScriptModule, node: ts.Node): string {
  const names: string[] = [];
  for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
    const name = declarationName(tsm, current);
    if (name) names.push(name);
  }
  return names.length > 0 ? names.reverse().join('.') : '<module>';
}

function declarationName(tsm: TypeScriptModule, node: ts.Node): string | undefined {
  if (
    tsm.isFunctionDeclaration(node) ||
    tsm.isClassDeclaration(node) ||
    tsm.isMethodDeclaration(node) ||
    tsm.isPropertyDeclaration(node) ||
    tsm.isGetAccessorDeclaration(node) ||
    tsm.isSetAccessorDeclaration(node) ||
    tsm.isInterfaceDeclaration(node) ||
    tsm.isModuleDeclaration(node) ||
    tsm.isPropertyAssignment(node)
  ) {
    return node.name ? nameText(tsm, node.name) : '<anonymous>';
  }
  if (tsm.isConstructorDeclaration(node)) return 'constructor';
  if (tsm.isVariableDeclaration(node)) return nameText(tsm, node.name);
  return undefined;
}

function nameText(tsm: TypeScriptModule, name: ts.Node): string {
  if (tsm.isIdentifier(name) || tsm.isPrivateIdentifier(name) || tsm.isStringLiteral(name) || tsm.isNumericLiteral(name)) {
    return name.text;
  }
  return '<computed>';
}
