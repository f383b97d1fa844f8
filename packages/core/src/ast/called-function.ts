import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '../compiler-surface.js';
import type { TypeScriptModule } from '../rule.js';
import { getProjectMemberNames } from './member-names.js';
import { functionOf, isFunctionLike, overloadImplementation, type FunctionLike } from './functions.js';
import { skipOuterExpressions } from './skip-outer-expressions.js';
import { walkTree } from './walk-tree.js';
import { isProjectSource, resolveSourceDeclaration } from './symbols.js';

/**
 * The project function a call runs: through imports, re-exports, object methods and, when the
 * declaration is not a function, the callee's type (a destructured `await import()`). Library
 * functions and unresolved imports give undefined.
 */
export function resolveCalledFunction(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, call: ts.CallExpression | ts.NewExpression): FunctionLike | undefined {
  const callee = skipOuterExpressions(tsm, call.expression);
  const nameNode = tsm.isPropertyAccessExpression(callee) ? callee.name : callee;
  if (!tsm.isIdentifier(nameNode)) return undefined;
  if (nameNode !== callee && !getProjectMemberNames(tsm, program).has(nameNode.text)) return undefined;
  // `[a, b].join()`, `` `…`.trim() ``: built-in methods, and the literal's type can be costly to infer.
  if (tsm.isPropertyAccessExpression(callee) && isBuiltInLiteral(tsm, skipOuterExpressions(tsm, callee.expression))) return undefined;
  const declaration = resolveSourceDeclaration(tsm, program, checker, nameNode);
  const fn = declaration ? functionOf(tsm, declaration) : undefined;
  if (fn) return fn.body ? fn : (implementationOf(tsm, checker, fn) ?? fn);
  const signature = checker.getTypeAtLocation(callee).getCallSignatures()[0]?.getDeclaration();
  if (signature && isFunctionLike(tsm, signature) && isProjectSource(program, signature.getSourceFile())) return signature;
  return undefined;
}

/** An overload signature's implementation: the declaration of the same name that has a body. */
function implementationOf(tsm: TypeScriptModule, checker: TypeQueries, signature: FunctionLike): FunctionLike | undefined {
  if (!(tsm.isFunctionDeclaration(signature) || tsm.isMethodDeclaration(signature)) || !signature.name) return undefined;
  return overloadImplementation(tsm, checker.getSymbolAtLocation(signature.name)?.declarations);
}

function isBuiltInLiteral(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return tsm.isArrayLiteralExpression(node) || tsm.isStringLiteralLike(node) || tsm.isTemplateExpression(node) || tsm.isNumericLiteral(node) || tsm.isRegularExpressionLiteral(node);
}

/**
 * The first call, in `fn` or in the project functions it calls (to `depth` levels), that
 * `matches` accepts, with the chain of calls that leads there.
 */
export function findCallThrough(
  tsm: TypeScriptModule,
  program: ProgramQueries,
  checker: TypeQueries,
  root: ts.Node,
  matches: (call: ts.CallExpression) => boolean,
  depth = 4,
  seen = new Set<ts.Node>(),
): ts.CallExpression[] | undefined {
  if (seen.has(root)) return undefined;
  seen.add(root);
  let found: ts.CallExpression[] | undefined;
  const start = isFunctionLike(tsm, root) ? root.body : root;
  if (!start) return undefined;
  walkTree(tsm, start, (node) => {
    if (!tsm.isCallExpression(node)) return;
    if (matches(node)) {
      found = [node];
      return 'stop';
    }
    if (depth > 0) {
      const callee = resolveCalledFunction(tsm, program, checker, node);
      // Bounded by `depth`, not by the nesting of the code: the recursion follows calls.
      const inner = callee?.body ? findCallThrough(tsm, program, checker, callee, matches, depth - 1, seen) : undefined;
      if (inner) {
        found = [node, ...inner];
        return 'stop';
      }
    }
  });
  return found;
}
