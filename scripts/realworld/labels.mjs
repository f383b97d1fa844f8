// Reading and matching the hand labels in fixtures/realworld/labels/<owner>-<name>.json.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const VERDICTS = ['TP', 'FP', 'DEBATABLE', 'MISS'];

/** `owner/name` → the file stem used for trees, labels and results: `owner-name`. */
export const slug = (repository) => repository.replace('/', '-');

/**
 * @typedef {{ file: string, line: number, rule: string, kind?: string, verdict: 'TP' | 'FP' | 'DEBATABLE' | 'MISS', reason: string, fingerprint?: string }} Label
 * @typedef {{ repository: string, commit: string, labels: Label[] }} LabelFile
 */

/** The labels of one repository (none yet: an empty list); a malformed file stops the run with its problem. */
export function readLabels(labelsDir, repository) {
  const file = path.join(labelsDir, `${slug(repository)}.json`);
  if (!existsSync(file)) return { repository, commit: undefined, labels: [] };
  /** @type {LabelFile} */
  const data = JSON.parse(readFileSync(file, 'utf8'));
  for (const [i, label] of data.labels.entries()) {
    const problem =
      typeof label.file !== 'string' ? 'file' : !Number.isInteger(label.line) ? 'line' : typeof label.rule !== 'string' ? 'rule' : !VERDICTS.includes(label.verdict) ? 'verdict' : typeof label.reason !== 'string' || label.reason.length === 0 ? 'reason' : undefined;
    if (problem) throw new Error(`${file}: label ${i} has no valid ${problem}`);
  }
  return data;
}

const place = (rule, kind, file, line) => `${rule}\0${kind ?? ''}\0${file}\0${line}`;

/**
 * Pairs labels with a run's findings, each finding with one label at most: by fingerprint, else by
 * rule, kind, file and line (a finding whose fingerprint changed). Returns what each label matched
 * and the findings no label covers.
 */
export function matchLabels(labels, findings) {
  const byFingerprint = new Map(findings.map((finding) => [finding.fingerprint, finding]));
  const byPlace = new Map();
  for (const finding of findings) {
    for (const key of [place(finding.ruleId, finding.kind, finding.file, finding.line), place(finding.ruleId, undefined, finding.file, finding.line)]) {
      byPlace.set(key, [...(byPlace.get(key) ?? []), finding]);
    }
  }
  const covered = new Set();
  const take = (finding) => {
    if (!finding || covered.has(finding)) return undefined;
    covered.add(finding);
    return finding;
  };
  // Fingerprints first, so that a place match cannot take a finding another label names exactly.
  const exact = labels.map((label) => {
    const finding = label.fingerprint ? byFingerprint.get(label.fingerprint) : undefined;
    return finding?.ruleId === label.rule ? take(finding) : undefined;
  });
  const matched = labels.map((label, i) => {
    const finding = exact[i] ?? take((byPlace.get(place(label.rule, label.kind, label.file, label.line)) ?? []).find((candidate) => !covered.has(candidate)));
    return { label, finding };
  });
  return { matched, unlabelled: findings.filter((finding) => !covered.has(finding)) };
}

/**
 * Every k-th finding per kind, sorted by fingerprint, with k chosen so that at most `perKind` are
 * drawn: a deterministic sample that the next run draws the same way.
 */
export function sampleFindings(findings, perKind) {
  const byKind = new Map();
  for (const finding of findings) {
    const kind = `${finding.ruleId}:${finding.kind ?? ''}`;
    byKind.set(kind, [...(byKind.get(kind) ?? []), finding]);
  }
  const sample = [];
  for (const kind of [...byKind.keys()].sort()) {
    const group = byKind.get(kind);
    group.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
    const step = Math.max(1, Math.ceil(group.length / perKind));
    for (let i = 0; i < group.length; i += step) sample.push(group[i]);
  }
  return sample;
}
