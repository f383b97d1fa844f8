import { buildPreset, RULE_PREFIX, ruleId, UsageError, type EnabledRule, type PresetName } from '@premortem/core';
import { rules } from '@premortem/rules';

/** The preset's rules, narrowed to `--rule` ids when given. Unknown ids are a usage error. */
export function selectRules(preset: PresetName, only: readonly string[]): EnabledRule[] {
  const strict = buildPreset(rules, 'strict');
  const chosen = buildPreset(rules, preset);
  const wanted = only.map((id) => (id.startsWith(RULE_PREFIX) ? id : RULE_PREFIX + id));
  for (const id of wanted) {
    if (!strict.has(id)) {
      const known = rules.map(ruleId).join(', ');
      throw new UsageError(`Unknown rule "${id}". Known rules: ${known}.`);
    }
  }
  return rules.flatMap((rule) => {
    const id = ruleId(rule);
    // An explicitly asked-for rule runs even when the preset leaves it out.
    const entry = wanted.length > 0 ? (wanted.includes(id) ? (chosen.get(id) ?? strict.get(id)) : undefined) : chosen.get(id);
    return entry ? [{ rule, severity: entry.severity, options: entry.options }] : [];
  });
}
