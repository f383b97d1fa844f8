import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';
import { reverseFrom } from './walk-tree.js';

export interface Nesting {
  /** The level of the deepest node; the root is at 0. */
  depth: number;
  /** The first node, in source order, deeper than the limit asked about; undefined when none is. */
  firstTooDeep: ts.Node | undefined;
}

/**
 * How deep the tree under `root` nests, as TypeScript's binder and checker feel it: they recurse
 * once per level, except through chains of arithmetic, bitwise, comparison and assignment
 * operators (`a + b + …`), which they walk with a trampoline. So such a binary expression sits at
 * its parent binary expression's level, and a 30,000-term sum counts as one level. Chains of
 * `&&`, `||` and `??` count (the binder recurses through them as conditions), as do `,` (the
 * checker asks whether each left side has side effects, recursively) and destructuring
 * assignments. Measured on an explicit stack, without parent pointers (not set at parse time).
 */
export function measureNesting(tsm: TypeScriptModule, root: ts.Node, limit: number): Nesting {
  // Run on every file a Program parses: the common answer (not too deep) needs no order, so the
  // first pass skips putting children in source order; only a file past the limit pays for that.
  const depth = walkLevels(tsm, root, false, () => false);
  if (depth <= limit) return { depth, firstTooDeep: undefined };
  let firstTooDeep: ts.Node | undefined;
  walkLevels(tsm, root, true, (node, level) => {
    if (level <= limit) return false;
    firstTooDeep = node;
    return true;
  });
  return { depth, firstTooDeep };
}

/** The deepest level under `root`; `stop` sees each node with its level and may end the walk. */
function walkLevels(tsm: TypeScriptModule, root: ts.Node, inOrder: boolean, stop: (node: ts.Node, level: number) => boolean): number {
  const binary = tsm.SyntaxKind.BinaryExpression;
  const nodes: ts.Node[] = [root];
  const levels: number[] = [0];
  let depth = 0;
  let parent = root;
  let parentLevel = 0;
  const push = (child: ts.Node): undefined => {
    nodes.push(child);
    levels.push(child.kind === binary && parent.kind === binary && isTrampolined(tsm, child as ts.BinaryExpression, parent as ts.BinaryExpression) ? parentLevel : parentLevel + 1);
    return undefined;
  };
  for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
    const level = levels.pop()!;
    if (level > depth) depth = level;
    if (stop(node, level)) break;
    const first = nodes.length;
    parent = node;
    parentLevel = level;
    tsm.forEachChild(node, push);
    if (inOrder) {
      reverseFrom(nodes, first);
      reverseFrom(levels, first);
    }
  }
  return depth;
}

/** Whether TypeScript's binder and checker reach `child`, an operand of `parent`, without recursing. */
function isTrampolined(tsm: TypeScriptModule, child: ts.BinaryExpression, parent: ts.BinaryExpression): boolean {
  const k = tsm.SyntaxKind;
  switch (parent.operatorToken.kind) {
    case k.AmpersandAmpersandToken:
    case k.BarBarToken:
    case k.QuestionQuestionToken:
    case k.AmpersandAmpersandEqualsToken:
    case k.BarBarEqualsToken:
    case k.QuestionQuestionEqualsToken:
    case k.CommaToken:
      return false;
  }
  // `[a] = [b] = …`: the binder binds a destructuring assignment by recursion.
  const destructuring = child.operatorToken.kind === k.EqualsToken && (tsm.isArrayLiteralExpression(child.left) || tsm.isObjectLiteralExpression(child.left));
  return !destructuring;
}
