import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingKinds, highPrecisionKinds, ruleDocsUrl, ruleId } from '@premortem/core';
import plugin from '@premortem/eslint-plugin';
import { rules } from '@premortem/rules';
import { generatedFiles } from '../../scripts/docs.mjs';
import { lintSnippet } from '../support/lint-snippet.js';

const root = path.resolve(import.meta.dirname, '../..');
const rulesDir = path.join(root, 'rules');

describe('every rule is complete and registered', () => {
  it('has no orphan rule folders', () => {
    const folders = readdirSync(rulesDir).filter(
      (entry) => statSync(path.join(rulesDir, entry)).isDirectory() && !['dist', 'node_modules'].includes(entry),
    );
    expect(folders.sort()).toEqual(rules.map((rule) => rule.name).sort());
  });

  describe.each(rules.map((rule) => [rule.name, rule] as const))('%s', (name, rule) => {
    it('has its detector, options and docs page in its folder, and a test file', () => {
      for (const file of ['index.ts', 'options.ts', 'README.md']) {
        expect(existsSync(path.join(rulesDir, name, file)), `rules/${name}/${file}`).toBe(true);
      }
      expect(existsSync(path.join(root, 'test/rules', `${name}.test.ts`))).toBe(true);
    });

    it('has a docs page that starts with its id and describes it', () => {
      const docs = readFileSync(path.join(rulesDir, name, 'README.md'), 'utf8');
      expect(docs.split('\n')[0]).toBe(`# ${ruleId(rule)}`);
      expect(docs).toContain(rule.meta.description);
      expect(docs).toMatch(/^### Incorrect$/m);
      expect(docs).toMatch(/^### Correct$/m);
    });

    it('documents every option with a description and a default that matches defaultOptions', () => {
      const properties = rule.meta.schema.properties;
      expect(Object.keys(properties).sort()).toEqual(Object.keys(rule.meta.defaultOptions).sort());
      for (const [option, schema] of Object.entries(properties)) {
        expect(schema.description.length, option).toBeGreaterThan(10);
        expect(schema.default, option).toEqual((rule.meta.defaultOptions as Record<string, unknown>)[option]);
      }
    });

    it('is in the ESLint plugin with a derived docs URL, and in the right presets', () => {
      const eslintRule = plugin.rules[name];
      expect(eslintRule).toBeDefined();
      expect(eslintRule?.meta?.docs?.url).toBe(ruleDocsUrl(name));
      expect(Object.keys(plugin.configs.strict.rules ?? {})).toContain(ruleId(rule));
      // recommended: a rule meant for it, with at least one kind of finding measured as high precision.
      const inRecommended = Object.keys(plugin.configs.recommended.rules ?? {}).includes(ruleId(rule));
      expect(inRecommended).toBe(rule.meta.recommended === 'recommended' && highPrecisionKinds(rule.meta).length > 0);
    });

    it('has measured precision only for kinds of finding it has', () => {
      const kinds = findingKinds(rule.meta);
      expect(Object.keys(rule.meta.precision ?? {}).filter((kind) => !kinds.includes(kind))).toEqual([]);
    });

    it('reports every "Incorrect" docs example and none of the "Correct" ones', () => {
      const docs = readFileSync(path.join(rulesDir, name, 'README.md'), 'utf8');
      const examples = docExamples(docs);
      expect(examples.incorrect.length).toBeGreaterThan(0);
      expect(examples.correct.length).toBeGreaterThan(0);
      const lint = ({ code, fileName }: Example) => lintSnippet(rule, code, { fileName, options: docsExampleOptions[name] });
      for (const example of examples.incorrect) expect(lint(example), example.code).not.toEqual([]);
      for (const example of examples.correct) expect(lint(example), example.code).toEqual([]);
    });
  });
});

describe('generated docs', () => {
  it('are up to date with rule metadata (run `npm run docs`)', () => {
    for (const [file, expected, actual] of generatedFiles() as [string, string, string][]) {
      expect(actual, path.relative(root, file)).toBe(expected);
    }
  });
});

interface Example {
  code: string;
  /** `react.tsx` for ```tsx blocks: the fixture project compiles it with React's types. */
  fileName: string;
}

/** Code blocks under the "### Incorrect" and "### Correct" headings of a docs page. */
function docExamples(markdown: string): { incorrect: Example[]; correct: Example[] } {
  const result = { incorrect: [] as Example[], correct: [] as Example[] };
  let section: 'incorrect' | 'correct' | undefined;
  const blocks = markdown.split(/^(###? .*|```tsx?\n[\s\S]*?\n```)$/m);
  for (const block of blocks) {
    if (/^#{2,3} /.test(block)) {
      section = block === '### Incorrect' ? 'incorrect' : block === '### Correct' ? 'correct' : undefined;
    } else if (/^```tsx?\n/.test(block) && section) {
      const tsx = block.startsWith('```tsx');
      result[section].push({ code: block.slice(block.indexOf('\n') + 1, -'\n```'.length), fileName: tsx ? 'react.tsx' : 'file.ts' });
    }
  }
  return result;
}

/** Options under which a page's examples are linted: the every-page examples are shell files. */
const docsExampleOptions: Record<string, object> = {
  'no-fetch-on-every-page': { shells: ['**/react.tsx'] },
};
