import { resolveOptions, ruleId, type PresetName, type RuleDefinition, type Severity } from './rule.js';

export interface PresetEntry {
  severity: Severity;
  options: object;
}

/**
 * A preset derived from rule metadata, the single source of truth: `recommended` holds the rules
 * marked recommended; `strict` holds every rule, with its strict options.
 */
export function buildPreset(rules: readonly RuleDefinition[], preset: PresetName): Map<string, PresetEntry> {
  const entries = new Map<string, PresetEntry>();
  for (const rule of rules) {
    if (preset === 'recommended' && rule.meta.recommended !== 'recommended') continue;
    entries.set(ruleId(rule), { severity: rule.meta.severity, options: resolveOptions(rule.meta, preset, undefined) });
  }
  return entries;
}

/** Only what differs from the rule's defaults: what a preset must pass to ESLint. */
export function presetOptionOverrides(rule: RuleDefinition, preset: PresetName): object | undefined {
  const overrides = rule.meta.presetOptions?.[preset];
  return overrides && Object.keys(overrides).length > 0 ? overrides : undefined;
}
