// Regenerates the parts of the docs that rule metadata owns: each rule page's options table and
// the README's rule table. `node scripts/docs.mjs` writes them; `--check` fails when stale.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findingKinds, highPrecisionKinds, ruleId } from '@premortem/core';
import { measuredPrecision, rules } from '@premortem/rules';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @param {string} text @param {string} name @param {string} body @param {string} file */
export function replaceSection(text, name, body, file) {
  const begin = `<!-- begin generated: ${name} -->`;
  const end = `<!-- end generated: ${name} -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no "${name}" section (${begin} … ${end})`);
  return text.slice(0, from + begin.length) + '\n' + body + '\n' + text.slice(to);
}

/** @param {unknown} text */
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');

/** @param {import('@premortem/core').RuleDefinition} rule */
export function optionsTable(rule) {
  const rows = Object.entries(rule.meta.schema.properties).map(
    ([name, p]) => `| \`${name}\` | ${p.type} | \`${JSON.stringify(p.default)}\` | ${cell(p.description)} |`,
  );
  return ['| Option | Type | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * Each kind of finding with what the labels measured (docs/precision.md) and the presets that
 * report it: `recommended` only the kinds measured as high precision.
 * @param {import('@premortem/core').RuleDefinition} rule
 */
export function precisionTable(rule) {
  const measured = measuredPrecision[rule.name] ?? {};
  const recommended = new Set(rule.meta.recommended === 'recommended' ? highPrecisionKinds(rule.meta) : []);
  const strictOnly = rule.meta.presetOptions?.strict ? ` with its strict options (${Object.entries(rule.meta.presetOptions.strict).map(([key, value]) => `\`${key}: ${JSON.stringify(value)}\``).join(', ')})` : '';
  const rows = findingKinds(rule.meta).map((kind) => {
    const entry = measured[kind];
    const counts = entry ? `${entry.tp} | ${entry.fp} | ${entry.debatable} | ${entry.tp + entry.fp > 0 ? (entry.tp / (entry.tp + entry.fp)).toFixed(2) : '–'}` : '0 | 0 | 0 | –';
    const presets = recommended.has(kind) ? 'recommended, strict' : 'strict';
    return `| \`${kind}\` | ${cell(firstSentence(rule.meta.messages[kind]))} | ${counts} | ${entry?.class ?? 'unmeasured'} | ${presets} |`;
  });
  return [
    `Severity: ${rule.meta.severity}. \`strict\` reports every kind${strictOnly}; \`recommended\` reports only the kinds measured as high precision (0.9 or more) on the labelled repositories of [docs/precision.md](../../docs/precision.md).`,
    '',
    '| Kind | Says | TP | FP | Debatable | Precision | Class | Presets |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** @param {string} message */
const firstSentence = (message) => {
  const sentence = message.replace(/\{\{\s*\w+\s*\}\}/g, '…').split(/(?<=\.)\s/)[0];
  return sentence.length > 140 ? `${sentence.slice(0, 139)}…` : sentence;
};

export function rulesTable() {
  const rows = rules.map((rule) => {
    const kinds = rule.meta.recommended === 'recommended' ? highPrecisionKinds(rule.meta) : [];
    const presets = kinds.length > 0 ? `strict; recommended: ${kinds.map((kind) => `\`${kind}\``).join(', ')}` : 'strict';
    const typed = rule.meta.requiresTypeChecking ? 'yes' : 'no';
    return `| [\`${ruleId(rule)}\`](rules/${rule.name}/README.md) | ${cell(rule.meta.description)} | ${presets} | ${typed} |`;
  });
  return ['| Rule | What it catches | Presets | Types |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * Every generated file with the content it should have.
 * @returns {[file: string, expected: string, actual: string][]}
 */
export function generatedFiles() {
  /** @type {[string, string, string][]} */
  const files = rules.map((rule) => {
    const file = path.join(root, 'rules', rule.name, 'README.md');
    const actual = readFileSync(file, 'utf8');
    const expected = replaceSection(replaceSection(actual, 'options', optionsTable(rule), file), 'precision', precisionTable(rule), file);
    return [file, expected, actual];
  });
  const readme = path.join(root, 'README.md');
  const actual = readFileSync(readme, 'utf8');
  files.push([readme, replaceSection(actual, 'rules', rulesTable(), readme), actual]);
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, expected, actual] of generatedFiles()) {
    if (expected === actual) continue;
    stale++;
    if (check) console.error(`stale: ${path.relative(root, file)} (run npm run docs)`);
    else writeFileSync(file, expected);
  }
  if (check && stale > 0) process.exit(1);
}
