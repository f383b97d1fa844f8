#!/usr/bin/env node
// `npm run realworld`: premortem on local exports of real repositories, compared with the hand
// labels in fixtures/realworld/labels. Never part of `npm test`; the repositories are not
// committed. See docs/precision.md for getting the trees and labelling.
//
//   npm run realworld -- --trees /work/realworld                 run, compare, print the tables
//   npm run realworld -- --trees /work/realworld --preset recommended
//   npm run realworld -- sample --trees /work/realworld --per-kind 10 --to /tmp/sample
//   npm run realworld -- --trees /work/realworld --reuse --labels <folder>   other labels (an earlier round)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { matchLabels, readLabels, sampleFindings, slug } from './labels.mjs';
import { formatPrecision, precisionClass } from './precision.mjs';

/**
 * @typedef {import('./labels.mjs').ReportedFinding} ReportedFinding
 * @typedef {import('./labels.mjs').LabelFile} LabelFile
 * @typedef {{ repository: string, commit: string }} Pinned
 * @typedef {{ mode: 'bare' | 'typed', findings: ReportedFinding[] }} Report
 * @typedef {Pinned & { tree: string, report: Report, labels: LabelFile }} Run
 * @typedef {{ tp: number, fp: number, debatable: number, tpGone: number, fpGone: number, debatableGone: number, misses: number, missesFound: number, unlabelled: number, reported: number }} Row
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(repo, 'packages/cli/dist/bin.js');
const DEFAULT_LABELS = path.join(repo, 'fixtures/realworld/labels');
/** @type {Pinned[]} */
const REPOSITORIES = readJson(path.join(repo, 'fixtures/realworld/repositories.json'));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    trees: { type: 'string', default: process.env.PREMORTEM_REALWORLD },
    preset: { type: 'string', default: 'strict' },
    only: { type: 'string', multiple: true, default: [] },
    results: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    'per-kind': { type: 'string', default: '10' },
    to: { type: 'string' },
    json: { type: 'boolean', default: false },
    'write-precision': { type: 'boolean', default: false },
    labels: { type: 'string' },
  },
});
const LABELS = path.resolve(values.labels ?? DEFAULT_LABELS);
if (!values.trees) fail('say where the trees are: --trees <folder> (or PREMORTEM_REALWORLD); docs/precision.md shows how to make them');
if (values.preset !== 'strict' && values.preset !== 'recommended') fail(`--preset is recommended or strict, not ${values.preset}`);
const trees = path.resolve(values.trees);
const results = path.resolve(values.results ?? path.join(trees, `results-${values.preset}`));
mkdirSync(results, { recursive: true });
const selected = REPOSITORIES.filter((entry) => values.only.length === 0 || values.only.includes(entry.repository));

/** @type {Run[]} */
const runs = selected.flatMap((entry) => {
  const tree = path.join(trees, slug(entry.repository));
  if (!existsSync(tree)) {
    console.error(`${entry.repository}: no tree at ${tree}, skipped (docs/precision.md says how to export it)`);
    return [];
  }
  return [{ ...entry, tree, report: analyze(entry, tree), labels: readLabels(LABELS, entry.repository) }];
});

if (positionals[0] === 'sample') writeSamples();
else printComparison();

/**
 * premortem check on one tree (bare unless its dependencies are installed), or the saved report with --reuse.
 * @param {Pinned} entry @param {string} tree @returns {Report}
 */
function analyze(entry, tree) {
  const saved = path.join(results, `${slug(entry.repository)}.json`);
  const mode = existsSync(path.join(tree, 'node_modules')) ? 'typed' : 'bare';
  if (!(values.reuse && existsSync(saved))) {
    const started = Date.now();
    const run = spawnSync(process.execPath, [BIN, 'check', '.', '--preset', String(values.preset), '--format', 'json'], { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (run.status !== 0 && run.status !== 1) fail(`${entry.repository}: premortem exited ${run.status}: ${run.stderr}`);
    writeFileSync(saved, run.stdout);
    console.error(`${entry.repository} (${mode}): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  /** @type {{ findings: ReportedFinding[] }} */
  const report = readJson(saved);
  return { mode, findings: report.findings };
}

/** Unlabelled findings, drawn per kind, one file per repository: the next round of labelling. */
function writeSamples() {
  const to = values.to;
  if (!to) return fail('sample needs --to <folder>');
  mkdirSync(to, { recursive: true });
  for (const run of runs) {
    const { unlabelled } = matchLabels(run.labels.labels, run.report.findings);
    const sample = sampleFindings(unlabelled, Number(values['per-kind'])).map((f) => ({ file: f.file, line: f.line, rule: f.ruleId, kind: f.kind, message: f.message, fingerprint: f.fingerprint, ...(f.path ? { path: f.path } : {}) }));
    writeFileSync(path.join(to, `${slug(run.repository)}.json`), JSON.stringify({ repository: run.repository, commit: run.commit, findings: sample }, null, 2) + '\n');
    console.log(`${run.repository}: ${sample.length} of ${unlabelled.length} unlabelled findings drawn`);
  }
}

/** @returns {Row} */
function emptyRow() {
  return { tp: 0, fp: 0, debatable: 0, tpGone: 0, fpGone: 0, debatableGone: 0, misses: 0, missesFound: 0, unlabelled: 0, reported: 0 };
}

/** @param {Map<string, Row>} table @param {string} name @param {keyof Row} field */
function add(table, name, field) {
  const row = table.get(name) ?? emptyRow();
  row[field]++;
  table.set(name, row);
}

/**
 * Where a label stands in this run, as the table's columns count it.
 * @param {import('./labels.mjs').Verdict} verdict @param {boolean} reported @returns {(keyof Row)[]}
 */
function columnsOf(verdict, reported) {
  if (verdict === 'MISS') return reported ? ['missesFound', 'misses'] : ['misses'];
  if (verdict === 'TP') return [reported ? 'tp' : 'tpGone'];
  if (verdict === 'FP') return [reported ? 'fp' : 'fpGone'];
  return [reported ? 'debatable' : 'debatableGone'];
}

function printComparison() {
  /** @type {Map<string, Row>} */
  const byRule = new Map();
  /** @type {Map<string, Row>} */
  const byKind = new Map();
  /** @type {Map<string, Row>} */
  const byRepository = new Map();
  for (const run of runs) {
    const { matched, unlabelled } = matchLabels(run.labels.labels, run.report.findings);
    for (const finding of run.report.findings) {
      add(byRule, finding.ruleId, 'reported');
      add(byRepository, run.repository, 'reported');
    }
    for (const { label, finding } of matched) {
      for (const column of columnsOf(label.verdict, finding !== undefined)) {
        add(byRule, label.rule, column);
        add(byKind, `${label.rule}:${label.kind ?? '?'}`, column);
        add(byRepository, run.repository, column);
      }
    }
    for (const finding of unlabelled) {
      add(byRule, finding.ruleId, 'unlabelled');
      add(byRepository, run.repository, 'unlabelled');
    }
  }
  if (values['write-precision']) writePrecision(byKind);
  if (values.json) {
    console.log(JSON.stringify({ preset: values.preset, byRule: Object.fromEntries(byRule), byKind: Object.fromEntries(byKind), byRepository: Object.fromEntries(byRepository) }, null, 2));
    return;
  }
  const modes = runs.map((run) => `${run.repository} ${run.report.mode}`).join(', ');
  console.log(`Preset \`${values.preset}\`; ${modes}.\n`);
  console.log(table('Rule', byRule));
  console.log(table('Repository', byRepository));
  console.log(table('Kind', byKind, true));
}

/**
 * rules/measured-precision.ts from this run: per kind, the labelled findings still reported. Only
 * a strict run on every repository measures every kind; anything else would write a partial file.
 * @param {Map<string, Row>} byKind
 */
function writePrecision(byKind) {
  if (values.preset !== 'strict' || values.only.length > 0 || runs.length !== REPOSITORIES.length || LABELS !== DEFAULT_LABELS) fail('--write-precision needs a strict run on every repository, with the committed labels');
  /** @type {Map<string, string[]>} */
  const lines = new Map();
  for (const [kind, row] of [...byKind.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [rule = '', name = '?'] = kind.replace('premortem/', '').split(':');
    // No labelled finding still reported: nothing measured (and a kind a rule retired is left out).
    if (name === '?' || row.tp + row.fp + row.debatable === 0) continue;
    lines.set(rule, [...(lines.get(rule) ?? []), `    ${name}: { tp: ${row.tp}, fp: ${row.fp}, debatable: ${row.debatable}, class: '${precisionClass(row.tp, row.fp)}' },`]);
  }
  const entries = [...lines.entries()].map(([rule, kinds]) => `  '${rule}': {\n${kinds.join('\n')}\n  },`).join('\n');
  const file = path.join(repo, 'rules/measured-precision.ts');
  writeFileSync(
    file,
    `// Generated by \`npm run realworld -- --write-precision\` from the labels in fixtures/realworld/labels:
// per kind of finding, the labelled findings a strict run still reports. Do not edit by hand; see docs/precision.md.
import type { MeasuredKind } from './measured-kind.js';

export const measuredPrecision: Readonly<Record<string, Readonly<Record<string, MeasuredKind>>>> = {
${entries}
};
`,
  );
  console.error(`wrote ${path.relative(repo, file)}; run \`npm run build && npm run docs\` to show it in the rule pages`);
}

/** @param {string} title @param {Map<string, Row>} rows @param {boolean} [withClass] */
function table(title, rows, withClass = false) {
  const header = `| ${title} | reported | TP | FP | debatable | precision (95%) | TP gone | FP gone | misses found | unlabelled |${withClass ? ' class |' : ''}`;
  const lines = [header, header.replace(/[^|]+/g, ' --- ')];
  const total = emptyRow();
  for (const [name, row] of [...rows.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const field of /** @type {(keyof Row)[]} */ (Object.keys(total))) total[field] += row[field];
    lines.push(line(name, row, withClass));
  }
  if (!withClass) lines.push(line('**all**', total, false));
  return lines.join('\n') + '\n';
}

/** @param {string} name @param {Row} row @param {boolean} withClass */
function line(name, row, withClass) {
  const cells = [name, row.reported || '', row.tp, row.fp, row.debatable, formatPrecision(row.tp, row.fp), row.tpGone, row.fpGone, `${row.missesFound}/${row.misses}`, row.unlabelled || ''];
  if (withClass) cells.push(precisionClass(row.tp, row.fp));
  return `| ${cells.join(' | ')} |`;
}

/**
 * @template T
 * @param {string} file @returns {T}
 */
function readJson(file) {
  /** @type {unknown} */
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  return /** @type {T} */ (raw);
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`realworld: ${message}`);
  process.exit(2);
}
