import { createRequire } from 'node:module';
import type { TSESLint } from '@typescript-eslint/utils';
import type { ESLint, Linter } from 'eslint';
import { buildPreset, presetOptionOverrides, PRODUCTION_SCOPE_DEFAULTS, ruleId, type PresetName } from '@premortem/core';
import { rules as definitions } from '@premortem/rules';
import { toEslintRule } from './to-eslint-rule.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

const rules: Record<string, TSESLint.RuleModule<string, [object]>> = Object.fromEntries(
  definitions.map((definition) => [definition.name, toEslintRule(definition)]),
);

type FlatConfig = Linter.Config;

const TYPESCRIPT_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

const plugin = {
  meta: { name, version, namespace: 'premortem' },
  rules,
  configs: {} as Record<PresetName | 'alongside-typescript-eslint', FlatConfig>,
};

/** Presets come from rule metadata, so they cannot drift from the rules or the CLI. */
function presetConfig(preset: PresetName): FlatConfig {
  const entries = buildPreset(definitions, preset);
  const ruleEntries: Linter.RulesRecord = {};
  for (const definition of definitions) {
    const entry = entries.get(ruleId(definition));
    if (!entry) continue;
    // Only the preset's kinds of finding, as the CLI reports them.
    const options = { ...presetOptionOverrides(definition, preset), ...(entry.kinds ? { kinds: [...entry.kinds] } : {}) };
    const level = entry.severity === 'error' ? 'error' : 'warn';
    ruleEntries[ruleId(definition)] = Object.keys(options).length > 0 ? [level, options] : level;
  }
  return {
    name: `premortem/${preset}`,
    // Typed rules need typescript-eslint's parser; plain JS files usually are not in a tsconfig.
    files: TYPESCRIPT_FILES,
    // The CLI's production scope: no premortem rule on tests, scripts, stories and the like. A
    // later config object that turns the rules on for some of these files brings them back.
    ignores: [...PRODUCTION_SCOPE_DEFAULTS],
    // typescript-eslint's rule type and ESLint's describe the same object differently.
    plugins: { premortem: plugin as unknown as ESLint.Plugin },
    rules: ruleEntries,
  };
}

plugin.configs.recommended = presetConfig('recommended');
plugin.configs.strict = presetConfig('strict');
/**
 * For configs that also run typescript-eslint's recommended type-checked rules: premortem leaves
 * the findings those report too (a dropped promise, an async callback where a void one is
 * expected) to them, so each is reported once. Goes after both; changes no rule's options.
 */
plugin.configs['alongside-typescript-eslint'] = {
  name: 'premortem/alongside-typescript-eslint',
  settings: { premortem: { typescriptEslintRules: ['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises'] } },
};

export default plugin;
export { rules };
export const configs = plugin.configs;
