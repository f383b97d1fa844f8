// Reading and matching the hand labels in fixtures/realworld/labels/<owner>-<name>.json.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const VERDICTS = ['TP', 'FP', 'DEBATABLE', 'MISS'];

/**
 * @typedef {'TP' | 'FP' | 'DEBATABLE' | 'MISS'} Verdict
 * @typedef {{ file: string, line: number, rule: string, kind?: string, verdict: Verdict, reason: string, fingerprint?: string }} Label
 * @typedef {{ repository: string, commit: string | undefined, labels: Label[] }} LabelFile
 * @typedef {{ ruleId: string, kind?: string, file: string, line: number, fingerprint: string, message?: string, path?: unknown[] }} ReportedFinding
 */

/** `owner/name` → the file stem used for trees, labels and results: `owner-name`. @param {string} repository */
export const slug = (repository) => repository.replace('/', '-');

/**
 * The labels of one repository (none yet: an empty list); a malformed file stops the run with its problem.
 * @param {string} labelsDir @param {string} repository @returns {LabelFile}
 */
export function readLabels(labelsDir, repository) {
  const file = path.join(labelsDir, `${slug(repository)}.json`);
  if (!existsSync(file)) return { repository, commit: undefined, labels: [] };
  /** @type {unknown} */
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  // Checked field by field below.
  const data = /** @type {LabelFile} */ (raw);
  for (const [i, label] of data.labels.entries()) {
    const problem =
      typeof label.file !== 'string'
        ? 'file'
        : !Number.isInteger(label.line)
          ? 'line'
          : typeof label.rule !== 'string'
            ? 'rule'
            : !VERDICTS.includes(label.verdict)
              ? 'verdict'
              : typeof label.reason !== 'string' || label.reason.length === 0
                ? 'reason'
                : undefined;
    if (problem) throw new Error(`${file}: label ${i} has no valid ${problem}`);
  }
  return data;
}

/** @param {string} rule @param {string | undefined} kind @param {string} file @param {number} line */
const place = (rule, kind, file, line) => `${rule}\0${kind ?? ''}\0${file}\0${line}`;

/**
 * Pairs labels with a run's findings, each finding with one label at most: by fingerprint and
 * kind, else by rule, kind, file and line (a finding whose fingerprint changed). Returns what each label matched
 * and the findings no label covers.
 * @template {ReportedFinding} F
 * @template {Pick<Label, 'file' | 'line' | 'rule' | 'kind' | 'fingerprint'>} L
 * @param {L[]} labels @param {F[]} findings
 */
export function matchLabels(labels, findings) {
  const byFingerprint = new Map(findings.map((finding) => [finding.fingerprint, finding]));
  /** @type {Map<string, F[]>} */
  const byPlace = new Map();
  for (const finding of findings) {
    for (const key of [place(finding.ruleId, finding.kind, finding.file, finding.line), place(finding.ruleId, undefined, finding.file, finding.line)]) {
      byPlace.set(key, [...(byPlace.get(key) ?? []), finding]);
    }
  }
  /** @type {Set<F>} */
  const covered = new Set();
  /** @param {F | undefined} finding */
  const take = (finding) => {
    if (!finding || covered.has(finding)) return undefined;
    covered.add(finding);
    return finding;
  };
  // Fingerprints first, so that a place match cannot take a finding another label names exactly.
  // A label judged one kind's claim: a finding at the same place that now makes another claim
  // (its kind changed, as when browser code got its own wording) is unlabelled, and the label gone.
  const exact = labels.map((label) => {
    const finding = label.fingerprint ? byFingerprint.get(label.fingerprint) : undefined;
    return finding?.ruleId === label.rule && (label.kind === undefined || finding.kind === label.kind) ? take(finding) : undefined;
  });
  const matched = labels.map((label, i) => {
    const candidates = byPlace.get(place(label.rule, label.kind, label.file, label.line)) ?? [];
    const finding = exact[i] ?? take(candidates.find((candidate) => !covered.has(candidate)));
    // A miss is found when premortem reports at its place, whether or not a later round labelled
    // that finding too.
    return { label, finding: finding ?? (label.verdict === 'MISS' ? candidates[0] : undefined) };
  });
  return { matched, unlabelled: findings.filter((finding) => !covered.has(finding)) };
}

/**
 * Every k-th finding per kind, sorted by fingerprint, with k chosen so that at most `perKind` are
 * drawn: a deterministic sample that the next run draws the same way.
 * @template {ReportedFinding} F
 * @param {F[]} findings @param {number} perKind @returns {F[]}
 */
export function sampleFindings(findings, perKind) {
  /** @type {Map<string, F[]>} */
  const byKind = new Map();
  for (const finding of findings) {
    const kind = `${finding.ruleId}:${finding.kind ?? ''}`;
    byKind.set(kind, [...(byKind.get(kind) ?? []), finding]);
  }
  /** @type {F[]} */
  const sample = [];
  for (const kind of [...byKind.keys()].sort()) {
    const group = byKind.get(kind) ?? [];
    group.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
    const step = Math.max(1, Math.ceil(group.length / perKind));
    for (let i = 0; i < group.length; i += step) sample.push(/** @type {F} */ (group[i]));
  }
  return sample;
}
