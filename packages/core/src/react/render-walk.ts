import type ts from 'typescript';
import type { TypeQueries } from '../compiler-surface.js';
import { isFunctionLike, type FunctionLike } from '../ast/functions.js';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import type { TypeScriptModule } from '../rule.js';
import { calleeName } from './react-functions.js';

/** Callbacks that run synchronously, during the render that calls them. */
const RUN_DURING_CALL = new Set([
  'map',
  'flatMap',
  'forEach',
  'filter',
  'reduce',
  'reduceRight',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'sort',
  'toSorted',
  'useMemo',
]);

/**
 * Whether a function nested in a component body runs while the component renders: array
 * callbacks, `useMemo` and IIFEs do; event handlers, effects, `useCallback` and the lazy
 * initializer of `useState` (run once, on mount) do not.
 */
export function runsDuringRender(tsm: TypeScriptModule, fn: FunctionLike): boolean {
  let child: ts.Node = fn;
  let parent = fn.parent;
  while (tsm.isParenthesizedExpression(parent)) {
    child = parent;
    parent = parent.parent;
  }
  if (!tsm.isCallExpression(parent)) return false;
  if (parent.expression === child) return true;
  if (!parent.arguments.includes(child as ts.Expression)) return false;
  const name = calleeName(tsm, parent.expression);
  if (name === 'useMemo') return parent.arguments[0] === child;
  return name !== undefined && RUN_DURING_CALL.has(name);
}

/**
 * Visits the nodes of a component or hook body that run while it renders, each with whether it
 * runs only under a condition: inside an `if`, a `?:` branch, the right side of `&&`/`||`/`??`,
 * a `switch` case, or after an early `return` that sits under a condition.
 */
export function walkRender(
  tsm: TypeScriptModule,
  fn: FunctionLike,
  visit: (node: ts.Node, conditional: boolean) => void,
): void {
  if (fn.body) new RenderWalk(tsm, visit).walk(fn.body);
}

/**
 * One walk over a render body. Whether the current node runs under a condition is a field, saved
 * and restored around each child, so the walk allocates nothing per node: it runs over every
 * component and hook body of the project, for two rules.
 */
class RenderWalk {
  #conditional = false;
  readonly #child = (child: ts.Node): void => this.#descend(child, false);

  constructor(
    private readonly tsm: TypeScriptModule,
    private readonly visit: (node: ts.Node, conditional: boolean) => void,
  ) {}

  walk(node: ts.Node): void {
    const tsm = this.tsm;
    this.visit(node, this.#conditional);
    if (isFunctionLike(tsm, node) || tsm.isClassLike(node)) return;
    if (tsm.isIfStatement(node)) {
      this.#descend(node.expression, false);
      this.#descend(node.thenStatement, true);
      this.#descend(node.elseStatement, true);
    } else if (tsm.isConditionalExpression(node)) {
      this.#descend(node.condition, false);
      this.#descend(node.whenTrue, true);
      this.#descend(node.whenFalse, true);
    } else if (tsm.isBinaryExpression(node) && isShortCircuit(tsm, node.operatorToken.kind)) {
      this.#descend(node.left, false);
      this.#descend(node.right, true);
    } else if (tsm.isSwitchStatement(node)) {
      this.#descend(node.expression, false);
      for (const clause of node.caseBlock.clauses) this.#descend(clause, true);
    } else if (tsm.isBlock(node) || tsm.isSourceFile(node) || tsm.isCaseClause(node) || tsm.isDefaultClause(node)) {
      let afterEarlyReturn = false;
      for (const statement of node.statements) {
        this.#descend(statement, afterEarlyReturn);
        if (!afterEarlyReturn && mayReturnEarly(tsm, statement)) afterEarlyReturn = true;
      }
    } else {
      tsm.forEachChild(node, this.#child);
    }
  }

  #descend(child: ts.Node | undefined, underCondition: boolean): void {
    if (!child) return;
    const outer = this.#conditional;
    this.#conditional = outer || underCondition;
    if (!isFunctionLike(this.tsm, child)) {
      this.walk(child);
    } else if (runsDuringRender(this.tsm, child) && child.body) {
      this.visit(child, this.#conditional);
      this.walk(child.body);
    }
    this.#conditional = outer;
  }
}

function isShortCircuit(tsm: TypeScriptModule, kind: ts.SyntaxKind): boolean {
  const k = tsm.SyntaxKind;
  return (
    kind === k.AmpersandAmpersandToken ||
    kind === k.BarBarToken ||
    kind === k.QuestionQuestionToken ||
    kind === k.AmpersandAmpersandEqualsToken ||
    kind === k.BarBarEqualsToken ||
    kind === k.QuestionQuestionEqualsToken
  );
}

/** A statement that may leave the function under a condition: `if (!open) return null;`. */
function mayReturnEarly(tsm: TypeScriptModule, statement: ts.Statement): boolean {
  if (!tsm.isIfStatement(statement) && !tsm.isSwitchStatement(statement) && !tsm.isTryStatement(statement)) return false;
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || isFunctionLike(tsm, node)) return;
    if (tsm.isReturnStatement(node) || tsm.isThrowStatement(node)) {
      found = true;
      return;
    }
    tsm.forEachChild(node, visit);
  };
  visit(statement);
  return found;
}

/** The function a callback argument or identifier names, when it is written in this file. */
export function resolveLocalFunction(tsm: TypeScriptModule, checker: TypeQueries, expression: ts.Expression): FunctionLike | undefined {
  const value = skipOuterExpressions(tsm, expression);
  if (isFunctionLike(tsm, value)) return value;
  if (!tsm.isIdentifier(value)) return undefined;
  const declaration = checker.getSymbolAtLocation(value)?.valueDeclaration;
  if (!declaration || declaration.getSourceFile() !== value.getSourceFile()) return undefined;
  if (isFunctionLike(tsm, declaration)) return declaration;
  if (tsm.isVariableDeclaration(declaration) && declaration.initializer) {
    const initializer = skipOuterExpressions(tsm, declaration.initializer);
    if (isFunctionLike(tsm, initializer)) return initializer;
    // useCallback(fn, deps): the callback it memoizes.
    if (tsm.isCallExpression(initializer) && calleeName(tsm, initializer.expression) === 'useCallback') {
      const callback = initializer.arguments[0];
      if (callback && isFunctionLike(tsm, skipOuterExpressions(tsm, callback))) return skipOuterExpressions(tsm, callback) as FunctionLike;
    }
  }
  return undefined;
}
