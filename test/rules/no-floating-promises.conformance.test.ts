import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { globSync } from 'tinyglobby';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plugin from '@premortem/eslint-plugin';
import { repoRoot } from '../support/cli.js';

// A port of typescript-eslint's own test cases (fixtures/conformance/no-floating-promises/README.md
// says which and how): one file per case, each expected report labelled on its line with the
// typescript-eslint rule whose verdict it is, `// expect: no-floating-promises` or
// `// expect: no-misused-promises` (its void-return argument check, which our `misusedCallback`
// covers). Options, like with like: typescript-eslint's no-floating-promises with its defaults
// (ignoreVoid: true, ignoreIIFE: false, checkThenables: false, no allow-lists); no-misused-promises
// with `checksVoidReturn.arguments` only, its other checks (conditionals, spreads, attributes,
// properties, returns, variables, inherited methods) being other hazards than this rule's; ours
// with its defaults (ignoreVoid: true, ignoreIIFE: false; it has no checkThenables: any thenable
// counts). Every report of ours counts: `misusedCallback` against no-misused-promises' verdicts,
// every other kind (stored promises included) against no-floating-promises'.
const fixture = path.join(repoRoot, 'fixtures/conformance/no-floating-promises');
const docsPage = path.join(repoRoot, 'rules/no-floating-promises/README.md');
const LABEL = /\/\/ expect: (.+)$/;

type Verdict = `${string}:${number} ${'no-floating-promises' | 'no-misused-promises'}`;

function labelled(files: string[]): Verdict[] {
  return files.flatMap((file) =>
    readFileSync(path.join(fixture, file), 'utf8')
      .split('\n')
      .flatMap((line, index) =>
        (LABEL.exec(line)?.[1] ?? '')
          .split(',')
          .map((rule) => rule.trim())
          .filter((rule) => rule !== '')
          .map((rule) => `${file}:${index + 1} ${rule}` as Verdict),
      ),
  );
}

async function lint() {
  const eslint = new ESLint({
    cwd: fixture,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: fixture } },
        plugins: { '@typescript-eslint': tseslint.plugin },
        linterOptions: { reportUnusedDisableDirectives: 'off' },
        rules: {
          '@typescript-eslint/no-floating-promises': 'error',
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
      { files: plugin.configs.strict.files, plugins: plugin.configs.strict.plugins, rules: { 'premortem/no-floating-promises': 'error' } },
    ],
  });
  const results = await eslint.lintFiles(['.']);
  const theirs: Verdict[] = [];
  const ours: Verdict[] = [];
  for (const result of results) {
    const file = path.relative(fixture, result.filePath).split(path.sep).join('/');
    for (const message of result.messages) {
      if (message.fatal || !message.ruleId) throw new Error(`${file}:${message.line}: ${message.message}`);
      const rule = message.ruleId.replace(/^(@typescript-eslint|premortem)\//, '');
      if (message.ruleId.startsWith('@typescript-eslint/')) theirs.push(`${file}:${message.line} ${rule}` as Verdict);
      else ours.push(`${file}:${message.line} ${message.messageId === 'misusedCallback' ? 'no-misused-promises' : 'no-floating-promises'}`);
    }
  }
  return { theirs, ours };
}

/** The differences rules/no-floating-promises/README.md documents, between its conformance markers. */
function documentedDifferences(): { onlyOurs: string[]; onlyTheirs: string[] } {
  const page = readFileSync(docsPage, 'utf8');
  const section = /<!-- conformance differences -->([\s\S]*?)<!-- end conformance differences -->/.exec(page)?.[1] ?? '';
  const documented = { onlyOurs: [] as string[], onlyTheirs: [] as string[] };
  // One bullet per reason: `- Reported only by premortem: …` or `- Reported only by typescript-eslint: …`.
  for (const item of section.split(/^- /m).slice(1)) {
    const side = /^Reported only by (premortem|typescript-eslint):/.exec(item)?.[1];
    if (!side) throw new Error(`a conformance difference that does not say whose report it is: ${item}`);
    const locations = [...item.matchAll(/`([\w/.-]+\.ts:\d+ no-(?:floating|misused)-promises)`/g)].map((m) => m[1]!);
    documented[side === 'premortem' ? 'onlyOurs' : 'onlyTheirs'].push(...locations);
  }
  return { onlyOurs: documented.onlyOurs.sort(), onlyTheirs: documented.onlyTheirs.sort() };
}

const ratio = (n: number, d: number) => (d === 0 ? 1 : n / d);

describe("conformance with typescript-eslint's test cases", () => {
  const files = globSync('**/*.ts', { cwd: fixture }).sort();
  const expected = labelled(files);
  const linted = lint();

  it('labels exactly what typescript-eslint reports (the port keeps their verdicts)', async () => {
    const { theirs } = await linted;
    expect(files.length).toBeGreaterThan(150);
    expect(expected.length).toBeGreaterThan(130);
    expect([...theirs].sort()).toEqual([...expected].sort());
  });

  it('has recall and precision of at least 0.95, every difference documented as deliberate', async () => {
    const { ours } = await linted;
    const onlyOurs = ours.filter((verdict) => !expected.includes(verdict)).sort();
    const onlyTheirs = expected.filter((verdict) => !ours.includes(verdict)).sort();
    const agreed = ours.length - onlyOurs.length;
    const recall = ratio(agreed, expected.length);
    const precision = ratio(agreed, ours.length);

    expect(new Set(ours).size, 'one report per line and rule').toBe(ours.length);
    expect({ onlyOurs, onlyTheirs }).toEqual(documentedDifferences());
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(precision).toBeGreaterThanOrEqual(0.95);
    // The docs page states the numbers; they follow the code.
    const summary = `${files.length} cases, ${expected.length} expected reports; premortem makes ${ours.length}: recall ${recall.toFixed(2)}, precision ${precision.toFixed(2)}`;
    expect(readFileSync(docsPage, 'utf8')).toContain(summary);
  });
});
