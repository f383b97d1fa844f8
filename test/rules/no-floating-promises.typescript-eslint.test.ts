import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plugin from '@premortem/eslint-plugin';
import { repoRoot } from '../support/cli.js';

// typescript-eslint's no-floating-promises and no-misused-promises (void-return arguments) are the
// specification where they overlap with ours. This runs both over the labelled corpora and checks
// that every difference is one that rules/no-floating-promises/README.md documents.
const corpora = ['fixtures/corpus/no-floating-promises'];

interface Report {
  at: string;
  file: string;
  line: number;
  column: number;
}

async function lint(dir: string) {
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.{ts,tsx}'],
        ignores: ['types/**'],
        languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: dir } },
        plugins: { '@typescript-eslint': tseslint.plugin },
        linterOptions: { reportUnusedDisableDirectives: 'off' },
        rules: {
          '@typescript-eslint/no-floating-promises': ['error', { checkThenables: true }],
          '@typescript-eslint/no-misused-promises': [
            'error',
            {
              checksConditionals: false,
              checksSpreads: false,
              checksVoidReturn: { arguments: true, attributes: false, inheritedMethods: false, properties: false, returns: false, variables: false },
            },
          ],
        },
      },
      // The rule with its default options and every kind of finding, whatever `recommended` measures.
      { files: plugin.configs.strict.files, plugins: plugin.configs.strict.plugins, rules: { 'premortem/no-floating-promises': 'error' }, ignores: ['types/**'] },
    ],
  });
  const results = await eslint.lintFiles(['.']);
  const by = (ruleId: string, messageIds?: string[]): Report[] =>
    results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === ruleId && (!messageIds || messageIds.includes(m.messageId ?? '')))
        .map((m) => ({ at: `${path.relative(dir, r.filePath)}:${m.line}:${m.column}`, file: r.filePath, line: m.line, column: m.column })),
    );
  return {
    theirStatements: by('@typescript-eslint/no-floating-promises'),
    theirCallbacks: by('@typescript-eslint/no-misused-promises'),
    ourStatements: by('premortem/no-floating-promises', ['floating', 'floatingThen', 'floatingFinally', 'floatingArray', 'floatingInBrowser', 'floatingAtStart']),
    ourCallbacks: by('premortem/no-floating-promises', ['misusedCallback', 'misusedCallbackInBrowser']),
  };
}

/** The documented exception: an async function literal whose whole body is a try/catch that neither throws nor awaits in its handler. */
function isNonRejectingAsyncLiteral(report: Report): boolean {
  const text = readFileSync(report.file, 'utf8');
  const sourceFile = ts.createSourceFile(report.file, text, ts.ScriptTarget.ES2022, true);
  const position = sourceFile.getPositionOfLineAndCharacter(report.line - 1, report.column - 1);
  let found: ts.Node | undefined;
  const visit = (node: ts.Node) => {
    if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && node.getStart(sourceFile) === position) found = node;
    if (!found) ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  if (!found || !(ts.isArrowFunction(found) || ts.isFunctionExpression(found)) || !ts.isBlock(found.body)) return false;
  const [only, ...rest] = found.body.statements;
  if (rest.length > 0 || !only || !ts.isTryStatement(only) || !only.catchClause) return false;
  const handlers = [only.catchClause.block.getText(sourceFile), only.finallyBlock?.getText(sourceFile) ?? ''].join('\n');
  return !/\bthrow\b|\bawait\b/.test(handlers);
}

/**
 * The README's "Calls that cannot reject": typescript-eslint reports these dropped calls by type;
 * the callee's body settles every failure itself (`persist` awaits only inside try/catch).
 */
const CANNOT_REJECT_CALLS = ['src/web/components/NotificationSettings.tsx:71:11'];

describe.each(corpora)('agreement with typescript-eslint on %s', (corpus) => {
  const dir = path.join(repoRoot, corpus);
  const linted = lint(dir);

  it('reports the statements typescript-eslint reports, but calls of functions that cannot reject', async () => {
    const { theirStatements, ourStatements } = await linted;
    expect(theirStatements.length).toBeGreaterThan(40);
    const ours = new Set(ourStatements.map((r) => r.at));
    expect(ourStatements.filter((r) => !theirStatements.some((t) => t.at === r.at))).toEqual([]);
    expect(theirStatements.filter((r) => !ours.has(r.at)).map((r) => r.at)).toEqual(CANNOT_REJECT_CALLS);
  });

  it('reports a subset of their void-return callbacks; the rest cannot reject', async () => {
    const { theirCallbacks, ourCallbacks } = await linted;
    const theirs = new Set(theirCallbacks.map((r) => r.at));
    expect(ourCallbacks.filter((r) => !theirs.has(r.at))).toEqual([]);
    const ours = new Set(ourCallbacks.map((r) => r.at));
    const onlyTheirs = theirCallbacks.filter((r) => !ours.has(r.at));
    expect(onlyTheirs.filter((r) => !isNonRejectingAsyncLiteral(r)).map((r) => r.at)).toEqual([]);
    expect(ourCallbacks.length).toBeGreaterThan(10);
  });
});
