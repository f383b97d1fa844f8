import { applyRuleSettings, buildPreset, RULE_PREFIX, ruleId, UsageError, type EnabledRule, type PremortemConfig, type PresetName } from '@premortem/core';
import { rules } from '@premortem/rules';

/**
 * The preset's rules with the config's severities and options applied, narrowed to `--rule` ids
 * when given (an id asked for by name runs even when the preset or the config leaves it out).
 * Unknown ids are a usage error.
 */
export function selectRules(preset: PresetName, only: readonly string[], config: PremortemConfig = {}, configFile?: string): EnabledRule[] {
  const strict = buildPreset(rules, 'strict');
  const chosen = buildPreset(rules, preset);
  const wanted = only.map((id) => (id.startsWith(RULE_PREFIX) ? id : RULE_PREFIX + id));
  for (const id of wanted) {
    if (!strict.has(id)) {
      const known = rules.map(ruleId).join(', ');
      throw new UsageError(`Unknown rule "${id}". Known rules: ${known}.`);
    }
  }
  const fromPreset = rules.flatMap((rule) => {
    const entry = chosen.get(ruleId(rule));
    return entry ? [{ rule, severity: entry.severity, options: entry.options }] : [];
  });
  const configured = applyRuleSettings(fromPreset, rules, config, configFile);
  if (wanted.length === 0) return configured;
  return rules.flatMap((rule) => {
    const id = ruleId(rule);
    if (!wanted.includes(id)) return [];
    const entry = configured.find((e) => e.rule === rule);
    if (entry) return [entry];
    const fallback = strict.get(id)!;
    return [{ rule, severity: fallback.severity, options: fallback.options }];
  });
}
