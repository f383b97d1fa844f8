// Measures one pull request's analysis with and without hosted types, through the bot's own
// modules: the folder is copied as a snapshot would be extracted (the same kinds of files, no
// node_modules), analyzed bare, then with hosted types from a cold cache, then from the warm one.
// A measurement, not a test: it asserts nothing and talks to the registry it is given.
//
//   node scripts/measure-hosted-types.mjs <folder> [registry URL]
//
// (after `npm run build`). Prints one line per run: milliseconds to lay out the types and to
// analyze, packages laid out, megabytes downloaded and laid out, and the findings.
import { cpSync, lstatSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeSnapshot, DEFAULT_ANALYSIS_LIMITS, DEFAULT_HOSTED_TYPES, provideHostedTypes } from '@premortem/bot';

const [folder, registry = DEFAULT_HOSTED_TYPES.registry] = process.argv.slice(2);
if (!folder) {
  process.stderr.write('usage: node scripts/measure-hosted-types.mjs <folder> [registry URL]\n');
  process.exit(2);
}
// What download-snapshot.ts extracts from a tarball.
const ANALYZED_FILE = /(?:\.(?:[cm]?[jt]sx?|json|prisma|ya?ml)|(?:^|\/)yarn\.lock)$/i;
const work = mkdtempSync(path.join(os.tmpdir(), 'premortem-measure-'));
/** `file:line rule` of each bare finding, to show what only types revealed. */
/** @type {Set<string>} */
const bareFindings = new Set();
const never = new AbortController().signal;

/** @param {string} name */
function snapshotOf(name) {
  const root = path.join(work, name);
  cpSync(path.resolve(String(folder)), root, {
    recursive: true,
    filter: (source) => {
      const base = path.basename(source);
      if (base === 'node_modules' || base === '.git') return false;
      // A snapshot holds folders and the analyzed kinds of files, never a link.
      const entry = lstatSync(source);
      return entry.isDirectory() || (entry.isFile() && ANALYZED_FILE.test(base));
    },
  });
  return root;
}

/**
 * @param {string} name
 * @param {boolean} withTypes
 */
async function measure(name, withTypes) {
  const root = snapshotOf(name);
  let hosted;
  const started = performance.now();
  if (withTypes) hosted = await provideHostedTypes(root, work, { ...DEFAULT_HOSTED_TYPES, registry }, never);
  const laidOut = performance.now();
  const analysis = await analyzeSnapshot({ root, withRules: true }, DEFAULT_ANALYSIS_LIMITS, never);
  const done = performance.now();
  /** @type {Record<string, number>} */
  const byRule = {};
  for (const finding of analysis.findings) byRule[finding.ruleId] = (byRule[finding.ruleId] ?? 0) + 1;
  const keys = analysis.findings.map((finding) => `${path.relative(root, finding.file)}:${finding.line} ${finding.ruleId}`);
  if (!withTypes) for (const key of keys) bareFindings.add(key);
  const line = {
    run: name,
    typesMs: Math.round(laidOut - started),
    analysisMs: Math.round(done - laidOut),
    totalMs: Math.round(done - started),
    files: analysis.files,
    ...(hosted
      ? { packages: hosted.packages, fromCache: hosted.fromCache, fetched: hosted.fetched, downloadedMB: +(hosted.downloadedBytes / 1e6).toFixed(1), laidOutMB: +(hosted.bytes / 1e6).toFixed(1), skipped: hosted.skipped, note: hosted.note }
      : {}),
    findings: analysis.findings.length,
    byRule,
    ...(withTypes ? { onlyWithTypes: keys.filter((key) => !bareFindings.has(key)), lostWithTypes: [...bareFindings].filter((key) => !keys.includes(key)) } : {}),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  rmSync(root, { recursive: true, force: true });
}

try {
  await measure('bare', false);
  await measure('hosted-cold', true);
  await measure('hosted-warm', true);
} finally {
  rmSync(work, { recursive: true, force: true });
}
