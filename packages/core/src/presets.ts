import { highPrecisionKinds, resolveOptions, ruleId, type PresetName, type RuleDefinition, type Severity } from './rule.js';

export interface PresetEntry {
  severity: Severity;
  options: object;
  /** The kinds of finding reported; every kind when absent. */
  kinds?: ReadonlySet<string>;
}

/**
 * A preset derived from rule metadata, the single source of truth: `recommended` holds the rules
 * marked recommended, each reporting only its kinds of finding measured as high precision (a rule
 * with none is left out); `strict` holds every rule and every kind, with its strict options.
 */
export function buildPreset(rules: readonly RuleDefinition[], preset: PresetName): Map<string, PresetEntry> {
  const entries = new Map<string, PresetEntry>();
  for (const rule of rules) {
    const entry: PresetEntry = { severity: rule.meta.severity, options: resolveOptions(rule.meta, preset, undefined) };
    if (preset === 'recommended') {
      const kinds = highPrecisionKinds(rule.meta);
      if (rule.meta.recommended !== 'recommended' || kinds.length === 0) continue;
      entry.kinds = new Set(kinds);
    }
    entries.set(ruleId(rule), entry);
  }
  return entries;
}

/** Only what differs from the rule's defaults: what a preset must pass to ESLint. */
export function presetOptionOverrides(rule: RuleDefinition, preset: PresetName): object | undefined {
  const overrides = rule.meta.presetOptions?.[preset];
  return overrides && Object.keys(overrides).length > 0 ? overrides : undefined;
}
