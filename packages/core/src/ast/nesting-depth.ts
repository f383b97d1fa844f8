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
  const nodes: ts.Node[] = [root];
  const levels: number[] = [0];
  let depth = 0;
  let firstTooDeep: ts.Node | undefined;
  let parent = root;
  let parentLevel = 0;
  const push = (child: ts.Node): undefined => {
    nodes.push(child);
    levels.push(isTrampolined(tsm, child, parent) ? parentLevel : parentLevel + 1);
    return undefined;
  };
  for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
    const level = levels.pop()!;
    if (level > depth) depth = level;
    if (level > limit && !firstTooDeep) firstTooDeep = node;
    const first = nodes.length;
    parent = node;
    parentLevel = level;
    tsm.forEachChild(node, push);
    reverseFrom(nodes, first);
    reverseFrom(levels, first);
  }
  return { depth, firstTooDeep };
}

/** A binary operand of a binary expression that TypeScript's binder and checker reach without recursing. */
function isTrampolined(tsm: TypeScriptModule, child: ts.Node, parent: ts.Node): boolean {
  if (!tsm.isBinaryExpression(child) || !tsm.isBinaryExpression(parent)) return false;
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
