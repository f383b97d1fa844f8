import type ts from 'typescript';
import {
  getEnclosingFunction,
  getEnclosingIteration,
  getPrismaCallSite,
  resolveCalledFunction,
  skipOuterExpressions,
  someNode,
  walkTree,
  type PrismaCallFacts,
  type PrismaCallSite,
  type ProgramQueries,
} from '@premortem/core';

export interface WholeSetFacts extends PrismaCallFacts {
  program: ProgramQueries;
}

/**
 * The rows a read returns are there to change the data: a write runs per row (`for (const f of
 * rows) update(…)`, `rows.map((r) => prisma.x.update(…))`), or takes them as its list
 * (`deleteMany({ where: { id: { in: rows.map((r) => r.id) } } })`), directly or through a project
 * function it hands them to. Moving a subtree, renumbering siblings or deleting an account needs
 * every row: `take` would leave some unchanged. What helps when the set is large is paging by
 * cursor or one set-based write, not a ceiling.
 */
export function feedsAWrite(facts: WholeSetFacts, site: PrismaCallSite): boolean {
  const { ts: tsm } = facts;
  const name = boundName(tsm, site.call);
  if (!name) return false;
  const scope = getEnclosingFunction(tsm, site.call)?.body ?? site.call.getSourceFile();
  const names = derivedNames(tsm, scope, name);
  const mentions = (node: ts.Node) => someNode(tsm, node, (n) => isListUse(tsm, n, names));
  return someNode(tsm, scope, (node) => {
    if (!tsm.isCallExpression(node) || node === site.call) return false;
    const write = writeSite(facts, node);
    if (write) {
      if (node.arguments.some(mentions)) return true;
      const iteration = getEnclosingIteration(tsm, node);
      return iteration?.iterates !== undefined && mentions(iteration.iterates);
    }
    // A project function handed the rows (or their ids) that writes.
    return node.arguments.some(mentions) && writesInBody(facts, node);
  });
}

function writeSite(facts: WholeSetFacts, call: ts.CallExpression): PrismaCallSite | undefined {
  const site = getPrismaCallSite(facts, call);
  return site && !site.isRead ? site : undefined;
}

function writesInBody(facts: WholeSetFacts, call: ts.CallExpression): boolean {
  const fn = resolveCalledFunction(facts.ts, facts.program, facts.checker, call);
  if (!fn?.body) return false;
  return someNode(facts.ts, fn.body, (node) => facts.ts.isCallExpression(node) && writeSite(facts, node) !== undefined);
}

/** `rows` in `const rows = await prisma.x.findMany(…)`, also through `.then(…)`. */
function boundName(tsm: PrismaCallFacts['ts'], call: ts.CallExpression): string | undefined {
  let node: ts.Node = call;
  for (;;) {
    const parent = node.parent;
    if (tsm.isAwaitExpression(parent) || tsm.isParenthesizedExpression(parent) || tsm.isAsExpression(parent) || tsm.isSatisfiesExpression(parent) || tsm.isNonNullExpression(parent)) {
      node = parent;
    } else if (tsm.isPropertyAccessExpression(parent) && parent.name.text === 'then' && tsm.isCallExpression(parent.parent)) {
      node = parent.parent;
    } else {
      break;
    }
  }
  const declaration = node.parent;
  return tsm.isVariableDeclaration(declaration) && declaration.initializer === node && tsm.isIdentifier(declaration.name) ? declaration.name.text : undefined;
}

/** Array methods whose result is still one entry per row. */
const PER_ROW = new Set(['map', 'filter', 'flatMap', 'slice', 'concat', 'toSorted', 'sort']);

/**
 * `rows` used as the list of rows: on its own (`in: ids`, `data: rows`, `[...rows]`) or through a
 * per-row method (`rows.map((r) => r.id)`); not a value computed from them (`rows.length`,
 * `rows.reduce(…)`, `rows[0]`), which a summary or a check reads.
 */
function isListUse(tsm: PrismaCallFacts['ts'], node: ts.Node, names: Set<string>): boolean {
  if (!tsm.isIdentifier(node) || !names.has(node.text)) return false;
  const parent = node.parent;
  if (tsm.isPropertyAccessExpression(parent) && parent.expression === node) return PER_ROW.has(parent.name.text) && tsm.isCallExpression(parent.parent);
  if (tsm.isElementAccessExpression(parent) && parent.expression === node) return false;
  return true;
}

/** The name and the variables computed from it in the same scope (`const ids = rows.map(…)`, `ids = rows.map(…)`). */
function derivedNames(tsm: PrismaCallFacts['ts'], scope: ts.Node, name: string): Set<string> {
  const names = new Set([name]);
  const assignments: { target: string; value: ts.Expression }[] = [];
  walkTree(tsm, scope, (node) => {
    if (tsm.isVariableDeclaration(node) && node.initializer && tsm.isIdentifier(node.name)) assignments.push({ target: node.name.text, value: node.initializer });
    if (tsm.isBinaryExpression(node) && node.operatorToken.kind === tsm.SyntaxKind.EqualsToken) {
      const target = skipOuterExpressions(tsm, node.left);
      if (tsm.isIdentifier(target)) assignments.push({ target: target.text, value: node.right });
    }
  });
  for (let grew = true; grew; ) {
    grew = false;
    for (const { target, value } of assignments) {
      if (names.has(target)) continue;
      if (someNode(tsm, value, (n) => isListUse(tsm, n, names))) {
        names.add(target);
        grew = true;
      }
    }
  }
  return names;
}
