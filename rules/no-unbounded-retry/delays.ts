import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import { calleeName, isFunctionLike, resolveCalledFunction, resolveSymbol, skipOuterExpressions, someNode, walkTree, type TypeScriptModule } from '@premortem/core';
import type { Delay } from './construct.js';

const SLEEP_NAME = /^(sleep|delay|wait|pause|backoff|timeout|setTimeout|waitFor|snooze)\w*$/i;

export interface Wait {
  delay: Delay;
  /** Whether the wait is randomized; undefined when it is computed by code the rule cannot read. */
  jitter: boolean | undefined;
  /** The waiting expression, as the code spells it. */
  text?: string;
}

/**
 * The wait inside a retry: the first `await sleep(ms)`, `await setTimeout(ms)` or
 * `await new Promise((r) => setTimeout(r, ms))` in `region`, judged by the expression that
 * computes `ms`. `counters` are the variables the retry counts attempts with.
 */
export function findWait(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, region: ts.Node, counters: ReadonlySet<ts.Symbol>): Wait {
  let found: ts.Expression | null | undefined;
  let waiting: ts.Node | undefined;
  walkTree(tsm, region, (node) => {
    // Functions defined here are not run here (a Promise executor is read by waitAmount).
    if (isFunctionLike(tsm, node) && node !== region) return 'skip';
    if (tsm.isAwaitExpression(node)) {
      found = waitAmount(tsm, skipOuterExpressions(tsm, node.expression));
      waiting = node.expression;
      if (found !== undefined) return 'stop';
    }
  });
  if (found === undefined) return { delay: 'none', jitter: false };
  const text = waiting ? compact(waiting.getText()) : undefined;
  if (found === null) return { delay: 'unknown', jitter: false, ...(text ? { text } : {}) };
  return { ...judge(tsm, program, checker, found, counters, region), ...(text ? { text } : {}) };
}

function compact(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}…` : oneLine;
}

/** The milliseconds a waiting expression waits; null when it waits an amount the code does not show. */
function waitAmount(tsm: TypeScriptModule, expression: ts.Expression): ts.Expression | null | undefined {
  if (tsm.isCallExpression(expression)) {
    const name = calleeName(tsm, expression.expression);
    if (!name || !SLEEP_NAME.test(name)) return undefined;
    const amount = expression.arguments[0];
    // `backOff(() => call())`, `waitFor(() => ready())`: a function to run, not a pause.
    if (amount && isFunctionLike(tsm, skipOuterExpressions(tsm, amount))) return undefined;
    return amount ?? null;
  }
  if (tsm.isNewExpression(expression) && calleeName(tsm, expression.expression) === 'Promise') {
    const executor = expression.arguments?.[0];
    let amount: ts.Expression | null | undefined;
    if (!executor) return undefined;
    walkTree(tsm, executor, (node) => {
      if (tsm.isCallExpression(node) && calleeName(tsm, node.expression) === 'setTimeout') {
        amount = node.arguments[1] ?? null;
        return 'stop';
      }
    });
    return amount;
  }
  return undefined;
}

const GROWTH = /\*\*|Math\.pow|<<|\bexponential|\bbackoff/i;
const JITTER = /Math\.random|\bjitter|\brandom/i;

/**
 * Growing when the amount depends on an attempt counter or grows by multiplication (`**`,
 * `Math.pow`, `<<`, `delay *= 2`); jittered when `Math.random()` takes part. Looks one step
 * into local declarations and project functions that compute it (`sleep(backoff(attempt))`);
 * an amount computed by a function the project does not define is not judged.
 */
function judge(tsm: TypeScriptModule, program: ProgramQueries, checker: TypeQueries, amount: ts.Expression, counters: ReadonlySet<ts.Symbol>, region: ts.Node): Wait {
  const texts: string[] = [amount.getText()];
  let usesCounter = false;
  let reassigned = false;
  let unread = false;
  // `depth` counts declarations followed, not nesting: the recursion below is at most two deep.
  const read = (root: ts.Node, depth: number): void =>
    walkTree(tsm, root, (node) => {
      if (tsm.isIdentifier(node)) {
        const symbol = resolveSymbol(tsm, checker, node);
        if (symbol && counters.has(symbol)) usesCounter = true;
        const declaration = symbol?.valueDeclaration;
        if (depth < 2 && declaration && tsm.isVariableDeclaration(declaration) && declaration.initializer) {
          texts.push(declaration.initializer.getText());
          read(declaration.initializer, depth + 1);
        }
        if (symbol && isReassignedIn(tsm, checker, region, symbol)) reassigned = true;
      }
      if (tsm.isCallExpression(node) && depth < 2) {
        const fn = resolveCalledFunction(tsm, program, checker, node);
        if (fn?.body) texts.push(fn.body.getText());
        else if (!KNOWN_ARITHMETIC.test(node.expression.getText())) unread = true;
      }
    });
  read(amount, 0);
  const text = texts.join('\n');
  const literal = tsm.isNumericLiteral(skipOuterExpressions(tsm, amount));
  const growing = usesCounter || reassigned || GROWTH.test(text);
  const delay: Delay = literal && Number((skipOuterExpressions(tsm, amount) as ts.NumericLiteral).text) === 0 ? 'none' : growing ? 'growing' : unread ? 'unknown' : 'constant';
  // A helper the rule cannot read may well randomize: only what the code shows is held against it.
  return { delay, jitter: JITTER.test(text) ? true : unread ? undefined : false };
}

/** Calls whose result the rule can judge without reading them. */
const KNOWN_ARITHMETIC = /^(Math\.\w+|Number|parseInt|parseFloat|Number\.\w+)$/;

/** `delay *= 2`, `delay = Math.min(delay * 2, max)` inside the loop: the wait grows. */
function isReassignedIn(tsm: TypeScriptModule, checker: TypeQueries, region: ts.Node, symbol: ts.Symbol): boolean {
  return someNode(tsm, region, (node) => {
    if (!tsm.isBinaryExpression(node) || node.operatorToken.kind < tsm.SyntaxKind.FirstAssignment || node.operatorToken.kind > tsm.SyntaxKind.LastAssignment) return false;
    const target = skipOuterExpressions(tsm, node.left);
    if (!tsm.isIdentifier(target) || checker.getSymbolAtLocation(target) !== symbol) return false;
    return node.operatorToken.kind !== tsm.SyntaxKind.EqualsToken || /[*]|<<|\*\*/.test(node.right.getText());
  });
}
