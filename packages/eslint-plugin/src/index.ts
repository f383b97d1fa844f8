import { createRequire } from 'node:module';
import type { TSESLint } from '@typescript-eslint/utils';
import type { ESLint, Linter } from 'eslint';
import { buildPreset, presetOptionOverrides, PRODUCTION_SCOPE_DEFAULTS, ruleId, type PresetName } from '@premortem/core';
import { rules as definitions } from '@premortem/rules';
import { toEslintRule } from './to-eslint-rule.js';
import { createTypedParser } from './typed-parser.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

const typedRules: Record<string, TSESLint.RuleModule<string, [object]>> = Object.fromEntries(
  definitions.map((definition) => [definition.name, toEslintRule(definition)]),
);

type FlatConfig = Linter.Config;

/** The plugin as ESLint's own types describe one, so `defineConfig({ plugins: { premortem } })` compiles. */
export interface PremortemPlugin extends ESLint.Plugin {
  meta: { name: string; version: string; namespace: 'premortem' };
  rules: NonNullable<ESLint.Plugin['rules']>;
  configs: Record<'recommended' | 'strict' | 'alongside-typescript-eslint', FlatConfig>;
}

const TYPESCRIPT_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

const plugin: PremortemPlugin = {
  meta: { name, version, namespace: 'premortem' },
  // typescript-eslint's rule type and ESLint's describe the same object differently.
  rules: typedRules as unknown as PremortemPlugin['rules'],
  configs: {} as PremortemPlugin['configs'],
};

const typedParser = createTypedParser({ name, version });

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
    // Standalone: typescript-eslint's parser with type information, unless the config chose how
    // to get types (see typed-parser.ts). A later config's own parser replaces it.
    languageOptions: { parser: typedParser },
    plugins: { premortem: plugin },
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
/** The rules by name, typed as ESLint's (typescript-eslint's RuleTester takes them cast to its own type). */
export const rules = plugin.rules;
export const configs = plugin.configs;
