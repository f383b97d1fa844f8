import type ts from 'typescript';
import type { TypeQueries } from '../compiler-surface.js';
import { isFunctionLike, type FunctionLike } from '../ast/functions.js';
import { skipOuterExpressions } from '../ast/skip-outer-expressions.js';
import { reverseFrom, someNode } from '../ast/walk-tree.js';
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
 * a `switch` case, or after an early `return` that sits under a condition. `gates` says whether a
 * condition of an `if`, a `?:` or a `&&`/`||` gates what it guards; by default every one does.
 */
export function walkRender(
  tsm: TypeScriptModule,
  fn: FunctionLike,
  visit: (node: ts.Node, conditional: boolean) => void,
  gates: (condition: ts.Expression) => boolean = () => true,
): void {
  if (fn.body) new RenderWalk(tsm, visit, gates).walk(fn.body);
}

/** Bits of a pending node's flags: it runs under a condition; it is entered as is (a body), not as a child. */
const CONDITIONAL = 1;
const ENTERED = 2;

/**
 * One walk over a render body, in pre-order, on an explicit stack (no nesting overflows it).
 * Pending nodes and their flags sit in two parallel arrays, so the walk allocates nothing per
 * node: it runs over every component and hook body of the project, for two rules.
 */
class RenderWalk {
  readonly #nodes: ts.Node[] = [];
  readonly #flags: number[] = [];
  /** The flags `forEachChild` gives the children it pushes. */
  #childFlags = 0;
  readonly #pushChild = (child: ts.Node): undefined => {
    this.#nodes.push(child);
    this.#flags.push(this.#childFlags);
    return undefined;
  };

  constructor(
    private readonly tsm: TypeScriptModule,
    private readonly visit: (node: ts.Node, conditional: boolean) => void,
    private readonly gates: (condition: ts.Expression) => boolean,
  ) {}

  walk(body: ts.Node): void {
    const tsm = this.tsm;
    this.#nodes.push(body);
    this.#flags.push(ENTERED);
    for (let node = this.#nodes.pop(); node !== undefined; node = this.#nodes.pop()) {
      const flags = this.#flags.pop()!;
      const conditional = (flags & CONDITIONAL) !== 0;
      if ((flags & ENTERED) === 0 && isFunctionLike(tsm, node)) {
        // A nested function runs during render only when called right here (a `map` callback, an IIFE).
        if (runsDuringRender(tsm, node) && node.body) {
          this.visit(node, conditional);
          this.#push(node.body, conditional, ENTERED);
        }
        continue;
      }
      this.visit(node, conditional);
      if (isFunctionLike(tsm, node) || tsm.isClassLike(node)) continue;
      const first = this.#nodes.length;
      this.#pushChildren(node, conditional);
      reverseFrom(this.#nodes, first);
      reverseFrom(this.#flags, first);
    }
  }

  /** Pushes the children of `node` in source order, each with whether it runs under a condition. */
  #pushChildren(node: ts.Node, conditional: boolean): void {
    const tsm = this.tsm;
    if (tsm.isIfStatement(node)) {
      const guarded = conditional || this.gates(node.expression);
      this.#push(node.expression, conditional);
      this.#push(node.thenStatement, guarded);
      this.#push(node.elseStatement, guarded);
    } else if (tsm.isConditionalExpression(node)) {
      const guarded = conditional || this.gates(node.condition);
      this.#push(node.condition, conditional);
      this.#push(node.whenTrue, guarded);
      this.#push(node.whenFalse, guarded);
    } else if (tsm.isBinaryExpression(node) && isShortCircuit(tsm, node.operatorToken.kind)) {
      const kind = node.operatorToken.kind;
      const logical = kind === tsm.SyntaxKind.AmpersandAmpersandToken || kind === tsm.SyntaxKind.BarBarToken;
      this.#push(node.left, conditional);
      this.#push(node.right, conditional || !logical || this.gates(node.left));
    } else if (tsm.isSwitchStatement(node)) {
      this.#push(node.expression, conditional);
      for (const clause of node.caseBlock.clauses) this.#push(clause, true);
    } else if (tsm.isBlock(node) || tsm.isSourceFile(node) || tsm.isCaseClause(node) || tsm.isDefaultClause(node)) {
      let afterEarlyReturn = false;
      for (const statement of node.statements) {
        this.#push(statement, conditional || afterEarlyReturn);
        if (!afterEarlyReturn && mayReturnEarly(tsm, statement) && !(tsm.isIfStatement(statement) && !this.gates(statement.expression))) afterEarlyReturn = true;
      }
    } else {
      this.#childFlags = conditional ? CONDITIONAL : 0;
      tsm.forEachChild(node, this.#pushChild);
    }
  }

  #push(node: ts.Node | undefined, conditional: boolean, extra = 0): void {
    if (!node) return;
    this.#nodes.push(node);
    this.#flags.push((conditional ? CONDITIONAL : 0) | extra);
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
  return someNode(tsm, statement, (node) => tsm.isReturnStatement(node) || tsm.isThrowStatement(node), (node) => isFunctionLike(tsm, node));
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
