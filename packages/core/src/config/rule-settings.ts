import { z } from 'zod';
import { UsageError } from '../errors.js';
import { findingKinds, RULE_PREFIX, ruleId, type RuleDefinition } from '../rule.js';
import type { EnabledRule } from '../engine/analyze-file.js';
import type { PremortemConfig } from './load-config.js';

/** `off`, `warn` or `error`, alone or with options: the `rules` section of `.github/premortem.yml`. */
export const ruleSettingSchema = z.union([
  z.enum(['off', 'warn', 'error']),
  z
    .object({
      severity: z.enum(['off', 'warn', 'error']).optional(),
      options: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);

export type RuleSetting = z.infer<typeof ruleSettingSchema>;

/**
 * Applies the configured severities and options to the rules a preset turned on: `off` removes a
 * rule, a severity turns on a rule the preset left out, options are checked against the rule's
 * own schema. A mistake is a usage error that names the key, as the rest of the file's are.
 */
export function applyRuleSettings(
  enabled: readonly EnabledRule[],
  all: readonly RuleDefinition[],
  config: PremortemConfig,
  file: string | undefined,
): EnabledRule[] {
  const settings = config.rules ?? {};
  const byId = new Map(all.map((rule) => [ruleId(rule), rule]));
  const problems: string[] = [];
  const chosen = new Map(enabled.map((entry) => [ruleId(entry.rule), entry]));
  for (const [key, setting] of Object.entries(settings)) {
    const id = key.startsWith(RULE_PREFIX) ? key : RULE_PREFIX + key;
    const rule = byId.get(id);
    if (!rule) {
      problems.push(`rules.${key}: no such rule. Known rules: ${[...byId.keys()].join(', ')}`);
      continue;
    }
    const severity = typeof setting === 'string' ? setting : setting.severity;
    // `kinds` is not the rule's own option: it chooses which kinds of finding are reported, as
    // the ESLint plugin's option of the same name does.
    const { kinds, ...options } = (typeof setting === 'string' ? undefined : setting.options) ?? {};
    const knownKinds = findingKinds(rule.meta);
    if (kinds !== undefined && (!Array.isArray(kinds) || kinds.length === 0 || !kinds.every((kind) => knownKinds.includes(kind as string)))) {
      problems.push(`rules.${key}.options.kinds: expected a non-empty list of this rule's kinds of finding (${knownKinds.join(', ')})`);
      continue;
    }
    if (Object.keys(options).length > 0) {
      const result = z.fromJSONSchema(rule.meta.schema as never).safeParse(options);
      if (!result.success) {
        for (const issue of result.error.issues) problems.push(`rules.${[key, 'options', ...issue.path].join('.')}: ${issue.message}`);
        continue;
      }
    }
    if (severity === 'off') {
      chosen.delete(id);
      continue;
    }
    const current = chosen.get(id);
    chosen.set(id, {
      rule,
      severity: severity === 'warn' ? 'warning' : severity === 'error' ? 'error' : (current?.severity ?? rule.meta.severity),
      options: { ...(current?.options ?? rule.meta.defaultOptions), ...options },
      // The config's kinds; else a rule the preset runs keeps the preset's, and one the config
      // turns on reports every kind.
      ...(kinds ? { kinds: new Set(kinds as string[]) } : current?.kinds ? { kinds: current.kinds } : {}),
    });
  }
  if (problems.length > 0) throw new UsageError(`${file ?? 'the premortem config'} is invalid:\n  ${problems.join('\n  ')}`);
  // Keep the rules' own order, so output does not depend on the config's.
  return all.flatMap((rule) => chosen.get(ruleId(rule)) ?? []);
}
