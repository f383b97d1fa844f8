import { UsageError } from '../errors.js';
import { buildPreset } from '../presets.js';
import { resolveOptions, RULE_PREFIX, ruleId, type PresetName, type RuleDefinition } from '../rule.js';
import type { EnabledRule } from '../engine/analyze-file.js';
import type { PremortemConfig } from './load-config.js';
import { applyRuleSettings } from './rule-settings.js';

/**
 * The preset's rules with the config's severities and options applied, narrowed to `--rule` ids
 * when given. A rule asked for by name reports every kind of finding, and runs even when the
 * preset or the config leaves it out (then with the preset's options).
 * Unknown ids are a usage error. The CLI and the bot both choose their rules here.
 */
export function selectRules(
  rules: readonly RuleDefinition[],
  preset: PresetName,
  only: readonly string[],
  config: PremortemConfig = {},
  configFile?: string,
): EnabledRule[] {
  const chosen = buildPreset(rules, preset);
  const known = rules.map(ruleId);
  const wanted = only.map((id) => (id.startsWith(RULE_PREFIX) ? id : RULE_PREFIX + id));
  for (const id of wanted) {
    if (!known.includes(id)) throw new UsageError(`Unknown rule "${id}". Known rules: ${known.join(', ')}.`);
  }
  const fromPreset = rules.flatMap((rule) => {
    const entry = chosen.get(ruleId(rule));
    return entry ? [{ rule, severity: entry.severity, options: entry.options, ...(entry.kinds ? { kinds: entry.kinds } : {}) }] : [];
  });
  const configured = applyRuleSettings(fromPreset, rules, config, configFile);
  if (wanted.length === 0) return configured;
  return rules.flatMap((rule) => {
    const id = ruleId(rule);
    if (!wanted.includes(id)) return [];
    // Asked for by name: every kind of finding, with the config's or the preset's options.
    const entry = configured.find((e) => e.rule === rule);
    if (entry) return [{ rule, severity: entry.severity, options: entry.options }];
    // Left out by the preset (or the config): every kind of finding, with the preset's options.
    return [{ rule, severity: rule.meta.severity, options: resolveOptions(rule.meta, preset, undefined) }];
  });
}
