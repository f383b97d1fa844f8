import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';

/**
 * What a visitor tells the walk after seeing a node: nothing to go on into its children,
 * `'skip'` to leave its children out, `'stop'` to end the walk.
 */
export type WalkStep = void | 'skip' | 'stop';

/**
 * Visits `root` and every node under it in pre-order, children in `forEachChild` order: the
 * order a recursive `forEachChild` walk has. The pending nodes live on an explicit stack, not
 * the call stack, so no nesting or chain length (a 30,000-term `a + a + …` is 30,000 levels
 * deep) can overflow it.
 */
export function walkTree(tsm: TypeScriptModule, root: ts.Node, visit: (node: ts.Node) => WalkStep): void {
  walk(tsm, [root], visit);
}

/**
 * Whether `test` holds for `root` or any node under it, searched in `walkTree`'s order; nodes
 * `skip` holds for (nested functions, say) are neither tested nor entered.
 */
export function someNode(tsm: TypeScriptModule, root: ts.Node, test: (node: ts.Node) => boolean, skip?: (node: ts.Node) => boolean): boolean {
  return search(tsm, [root], test, skip);
}

/** Like `someNode`, without `root` itself. */
export function someDescendant(tsm: TypeScriptModule, root: ts.Node, test: (node: ts.Node) => boolean, skip?: (node: ts.Node) => boolean): boolean {
  return search(tsm, childrenOnStack(tsm, root), test, skip);
}

function search(tsm: TypeScriptModule, stack: ts.Node[], test: (node: ts.Node) => boolean, skip: ((node: ts.Node) => boolean) | undefined): boolean {
  let found = false;
  walk(tsm, stack, (node) => {
    if (skip?.(node)) return 'skip';
    if (!test(node)) return;
    found = true;
    return 'stop';
  });
  return found;
}

/** Like `walkTree`, without `root` itself: its children and everything under them. */
export function walkDescendants(tsm: TypeScriptModule, root: ts.Node, visit: (node: ts.Node) => WalkStep): void {
  walk(tsm, childrenOnStack(tsm, root), visit);
}

function walk(tsm: TypeScriptModule, stack: ts.Node[], visit: (node: ts.Node) => WalkStep): void {
  // forEachChild stops at the first callback that returns a value: `push` must return nothing.
  const push = (child: ts.Node): undefined => {
    stack.push(child);
    return undefined;
  };
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const step = visit(node);
    if (step === 'stop') return;
    if (step === 'skip') continue;
    const first = stack.length;
    tsm.forEachChild(node, push);
    reverseFrom(stack, first);
  }
}

/**
 * Like `walkTree`, with a state carried down the tree (a flag, a depth): `stateOf` gives each
 * child its state from its parent's, and `visit` sees every node with its own.
 */
export function walkTreeWithState<S>(
  tsm: TypeScriptModule,
  root: ts.Node,
  rootState: S,
  visit: (node: ts.Node, state: S) => WalkStep,
  stateOf: (child: ts.Node, parent: ts.Node, parentState: S) => S,
): void {
  // Two parallel stacks rather than one of pairs: nothing is allocated per node.
  const nodes: ts.Node[] = [root];
  const states: S[] = [rootState];
  let parent: ts.Node = root;
  let parentState: S = rootState;
  const push = (child: ts.Node): undefined => {
    nodes.push(child);
    states.push(stateOf(child, parent, parentState));
    return undefined;
  };
  for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
    const state = states.pop() as S;
    const step = visit(node, state);
    if (step === 'stop') return;
    if (step === 'skip') continue;
    const first = nodes.length;
    parent = node;
    parentState = state;
    tsm.forEachChild(node, push);
    reverseFrom(nodes, first);
    reverseFrom(states, first);
  }
}

/** The children of `node`, last first: ready to be popped in `forEachChild` order. */
function childrenOnStack(tsm: TypeScriptModule, node: ts.Node): ts.Node[] {
  const stack: ts.Node[] = [];
  tsm.forEachChild(node, (child) => {
    stack.push(child);
  });
  return stack.reverse();
}

/** Reverses `items[first…]` in place: children pushed in order come off the stack in order. */
export function reverseFrom<T>(items: T[], first: number): void {
  for (let low = first, high = items.length - 1; low < high; low++, high--) {
    const item = items[low]!;
    items[low] = items[high]!;
    items[high] = item;
  }
}
