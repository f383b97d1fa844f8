import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingKinds, ruleId } from '@premortem/core';
import { measuredPrecision, rules } from '@premortem/rules';
import { matchLabels, readLabels, sampleFindings, slug } from '../../scripts/realworld/labels.mjs';
import { precisionClass, wilson } from '../../scripts/realworld/precision.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const labelsDir = path.join(root, 'fixtures/realworld/labels');
const pinned = JSON.parse(readFileSync(path.join(root, 'fixtures/realworld/repositories.json'), 'utf8')) as { repository: string; commit: string }[];
/**
 * Kinds a rule no longer reports. Their labels stay: they are the record of what the old claim
 * measured (docs/precision.md), and a finding of a new kind is labelled anew.
 */
const RETIRED_KINDS: Record<string, string[]> = {
  // Issue 20: public endpoints of any method are `unlimitedPublic`.
  'premortem/require-rate-limit': ['unlimitedPublicRead'],
};
const kindsOf = new Map(rules.map((rule) => [ruleId(rule), [...findingKinds(rule.meta), ...(RETIRED_KINDS[ruleId(rule)] ?? [])]]));

interface Label {
  file: string;
  line: number;
  rule: string;
  kind?: string;
  verdict: string;
  reason: string;
  fingerprint?: string;
}

const finding = (ruleId: string, file: string, line: number, fingerprint: string, kind = 'k') => ({ ruleId, file, line, fingerprint, kind });

describe('the real-world labels', () => {
  const files = readdirSync(labelsDir).filter((name) => name.endsWith('.json'));

  it('label only pinned repositories, at their pinned commit', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const data = JSON.parse(readFileSync(path.join(labelsDir, name), 'utf8')) as { repository: string; commit: string };
      const entry = pinned.find((candidate) => candidate.repository === data.repository);
      expect(entry, name).toBeDefined();
      expect(`${slug(data.repository)}.json`).toBe(name);
      expect(data.commit, name).toBe(entry!.commit);
    }
  });

  it('are well formed: a known rule and kind, a verdict and a reason, one label per finding', () => {
    for (const { repository } of pinned) {
      const { labels } = readLabels(labelsDir, repository) as { labels: Label[] };
      const findings = new Set<string>();
      for (const label of labels) {
        const where = `${repository} ${label.file}:${label.line} ${label.rule}`;
        expect(kindsOf.has(label.rule), where).toBe(true);
        if (label.kind !== undefined) expect(kindsOf.get(label.rule), where).toContain(label.kind);
        // A finding is its fingerprint (two can share a line) and its kind (a finding keeps its
        // fingerprint when its claim changes, and the new claim gets its own label); a miss, having
        // no fingerprint, is its place.
        const identity = label.fingerprint ? `${label.fingerprint} ${label.kind ?? ''}` : `${label.rule} ${label.file}:${label.line}`;
        expect(findings.has(identity), `${where} labelled twice`).toBe(false);
        findings.add(identity);
        if (label.verdict !== 'MISS') expect(label.fingerprint, where).toMatch(/^[0-9a-f]{32}$/);
      }
    }
  });

  it('back every measured count in rules/measured-precision.ts', () => {
    const labelled = new Map<string, { TP: number; FP: number; DEBATABLE: number }>();
    for (const { repository } of pinned) {
      for (const label of (readLabels(labelsDir, repository) as { labels: Label[] }).labels) {
        if (label.verdict === 'MISS' || !label.kind) continue;
        const key = `${label.rule.replace('premortem/', '')}:${label.kind}`;
        const counts = labelled.get(key) ?? { TP: 0, FP: 0, DEBATABLE: 0 };
        counts[label.verdict as 'TP' | 'FP' | 'DEBATABLE']++;
        labelled.set(key, counts);
      }
    }
    for (const [rule, kinds] of Object.entries(measuredPrecision)) {
      for (const [kind, measured] of Object.entries(kinds)) {
        const counts = labelled.get(`${rule}:${kind}`) ?? { TP: 0, FP: 0, DEBATABLE: 0 };
        expect(measured.tp, `${rule}:${kind}`).toBeLessThanOrEqual(counts.TP);
        expect(measured.fp, `${rule}:${kind}`).toBeLessThanOrEqual(counts.FP);
        expect(measured.debatable, `${rule}:${kind}`).toBeLessThanOrEqual(counts.DEBATABLE);
        expect(measured.class, `${rule}:${kind}`).toBe(precisionClass(measured.tp, measured.fp));
      }
    }
  });
});

describe('the real-world comparison', () => {
  it('matches a label by rule, file and line, else by fingerprint, and keeps the rest unlabelled', () => {
    const findings = [finding('premortem/a', 'x.ts', 3, 'f1'), finding('premortem/a', 'x.ts', 9, 'f2'), finding('premortem/b', 'y.ts', 1, 'f3')];
    const labels = [
      { rule: 'premortem/a', file: 'x.ts', line: 3, verdict: 'TP' },
      { rule: 'premortem/a', file: 'x.ts', line: 7, verdict: 'FP', fingerprint: 'f2' },
      { rule: 'premortem/a', file: 'y.ts', line: 1, verdict: 'FP' },
    ];
    const { matched, unlabelled } = matchLabels(labels, findings);
    expect(matched.map((entry: { finding?: { fingerprint: string } }) => entry.finding?.fingerprint)).toEqual(['f1', 'f2', undefined]);
    expect(unlabelled.map((entry: { fingerprint: string }) => entry.fingerprint)).toEqual(['f3']);
  });

  it('does not carry a label over to a finding at the same place that now makes another claim (another kind)', () => {
    const findings = [finding('premortem/a', 'x.ts', 3, 'f1', 'inBrowser'), finding('premortem/a', 'x.ts', 9, 'f2', 'server')];
    const labels = [
      { rule: 'premortem/a', kind: 'server', file: 'x.ts', line: 3, verdict: 'FP', fingerprint: 'f1' },
      { rule: 'premortem/a', kind: 'server', file: 'x.ts', line: 9, verdict: 'TP', fingerprint: 'f2' },
    ];
    const { matched, unlabelled } = matchLabels(labels, findings);
    expect(matched.map((entry: { finding?: { fingerprint: string } }) => entry.finding?.fingerprint)).toEqual([undefined, 'f2']);
    expect(unlabelled.map((entry: { fingerprint: string }) => entry.fingerprint)).toEqual(['f1']);
  });

  it('counts a miss as found when a finding at its place is labelled by a later round too', () => {
    const findings = [finding('premortem/a', 'x.ts', 3, 'f1', 'server')];
    const labels = [
      { rule: 'premortem/a', file: 'x.ts', line: 3, verdict: 'MISS' },
      { rule: 'premortem/a', kind: 'server', file: 'x.ts', line: 3, verdict: 'TP', fingerprint: 'f1' },
      { rule: 'premortem/a', file: 'x.ts', line: 4, verdict: 'MISS' },
    ];
    const { matched, unlabelled } = matchLabels(labels, findings);
    expect(matched.map((entry: { finding?: { fingerprint: string } }) => entry.finding?.fingerprint)).toEqual(['f1', 'f1', undefined]);
    expect(unlabelled).toEqual([]);
  });

  it('draws the same sample every time: per kind, by fingerprint, every k-th, at most the limit', () => {
    const findings = Array.from({ length: 25 }, (_, i) => finding('premortem/a', 'x.ts', i, `f${String(24 - i).padStart(2, '0')}`, i % 5 === 0 ? 'rare' : 'common'));
    const sample = sampleFindings(findings, 4) as { fingerprint: string; kind: string }[];
    expect(sample.filter((entry) => entry.kind === 'common').map((entry) => entry.fingerprint)).toEqual(['f00', 'f06', 'f12', 'f18']);
    expect(sample.filter((entry) => entry.kind === 'rare')).toHaveLength(3);
    expect(sampleFindings([...findings].reverse(), 4)).toEqual(sample);
  });

  it('gives precision a 95% interval and a class that needs enough labels', () => {
    const interval = wilson(9, 10)!;
    expect([interval.precision, +interval.low.toFixed(3), +interval.high.toFixed(3)]).toEqual([0.9, 0.596, 0.982]);
    expect(wilson(0, 0)).toBeUndefined();
    expect([precisionClass(9, 1), precisionClass(8, 2), precisionClass(2, 8), precisionClass(4, 0)]).toEqual(['high', 'medium', 'low', 'unmeasured']);
  });
});
