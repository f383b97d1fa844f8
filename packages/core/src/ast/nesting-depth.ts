import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';
import { walkTreeWithState } from './walk-tree.js';

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
  const binary = tsm.SyntaxKind.BinaryExpression;
  let depth = 0;
  let firstTooDeep: ts.Node | undefined;
  walkTreeWithState(
    tsm,
    root,
    0,
    (node, level) => {
      if (level > depth) depth = level;
      if (level > limit) firstTooDeep ??= node;
    },
    (child, parent, parentLevel) =>
      child.kind === binary && parent.kind === binary && isTrampolined(tsm, child as ts.BinaryExpression, parent as ts.BinaryExpression) ? parentLevel : parentLevel + 1,
  );
  return { depth, firstTooDeep };
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
