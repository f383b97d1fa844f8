import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { inScopeFor } from '../config/scope.js';
import { selectRules } from '../config/select-rules.js';
import type { PresetName, RuleDefinition, TypeScriptModule } from '../rule.js';
import { applyEslintSuppressions, ESLINT_SUPPRESSIONS_FILE, readEslintSuppressions } from './eslint-suppressions.js';
import { findProjectRoot } from './project-root.js';
import { confineReads } from './read-boundary.js';
import { runAnalysis, type ProgressListener, type RunResult } from './run-analysis.js';
import { Timings } from './timings.js';

/**
 * One analysis as plain data, so it can run in this process or be sent to an isolated one: what
 * to analyze and how rules are chosen. The repository's `.github/premortem.yml` is read where the
 * analysis runs.
 */
export interface AnalysisRecipe {
  cwd: string;
  /** Files or folders; default the cwd. */
  paths: string[];
  project?: string;
  /** The command line's preset; without one, the config's `preset`, else `recommended`. */
  preset?: PresetName;
  /** `--rule` ids; empty for the preset's rules. */
  only: string[];
  /** False: no rule runs (a pull request's base, whose query estimates are all that is wanted). */
  withRules: boolean;
  collectQueries: boolean;
  /** Also report `eslint-disable` directives naming a premortem rule that silenced nothing. */
  reportUnusedDisableDirectives?: boolean;
  /** Absolute paths of the files that get every rule (`--changed-since`); see `RunInput.focus`. */
  focusFiles?: string[];
  timing?: boolean;
  /** Reads stay inside these folders and TypeScript's lib (see read-boundary.ts). */
  confineReadsTo?: string[];
}

export interface ConfiguredResult {
  /** The repository root: the config's folder, what fingerprints and SARIF paths are relative to. */
  root: string;
  result: RunResult;
  /** `--timing`'s rows, when asked for. */
  timings?: [string, number][];
}

/** Runs a recipe: the config read, rules chosen, and the analysis run over the files in the config's scope. */
export function runConfiguredAnalysis(
  recipe: AnalysisRecipe,
  ts: TypeScriptModule,
  rules: readonly RuleDefinition[],
  onProgress?: ProgressListener,
): ConfiguredResult {
  if (recipe.confineReadsTo) confineReads([...recipe.confineReadsTo, path.dirname(ts.getDefaultLibFilePath({}))]);
  const root = findProjectRoot(path.resolve(recipe.cwd, recipe.paths[0] ?? '.'));
  const { config, file } = loadConfig(root);
  const preset = recipe.preset ?? config.preset ?? 'recommended';
  const enabled = recipe.withRules ? selectRules(rules, preset, recipe.only, config, file) : [];
  const timings = recipe.timing ? new Timings() : undefined;
  const focus = recipe.focusFiles ? new Set(recipe.focusFiles.map((fileName) => path.resolve(fileName))) : undefined;
  const result = runAnalysis({
    ts,
    cwd: recipe.cwd,
    paths: recipe.paths,
    ...(recipe.project !== undefined ? { project: recipe.project } : {}),
    rules: enabled,
    collectQueries: recipe.collectQueries,
    ...(recipe.reportUnusedDisableDirectives ? { reportUnusedDisableDirectives: true } : {}),
    ...(timings ? { timings } : {}),
    ...(focus ? { focus: (fileName: string) => focus.has(path.resolve(fileName)) } : {}),
    ...(onProgress ? { onProgress } : {}),
    inScope: inScopeFor(config, root),
  });
  const notes = recipe.withRules && enabled.length === 0 ? [...result.notes, noRuleNote(preset)] : [...result.notes];
  // ESLint's bulk suppressions hold here too: what `eslint --suppress-all` recorded is not reported.
  const suppressions = recipe.withRules ? readEslintSuppressions(root) : undefined;
  const { kept: findings, suppressed } = suppressions ? applyEslintSuppressions(result.findings, root, suppressions) : { kept: result.findings, suppressed: 0 };
  if (suppressed > 0) notes.push(`${suppressed} finding(s) suppressed by ${ESLINT_SUPPRESSIONS_FILE} (ESLint's bulk suppressions).`);
  return {
    root,
    result: { ...result, findings, notes },
    ...(timings ? { timings: timings.entries() } : {}),
  };
}

/** Nothing ran: say why, rather than let "no problems found" pass for a clean bill. */
function noRuleNote(preset: PresetName): string {
  return preset === 'recommended'
    ? 'no rule ran: `recommended` reports only kinds of finding measured as high precision on real repositories, and none is measured so yet (see docs/precision.md); `--preset strict`, or `preset: strict` in .github/premortem.yml, reports every kind'
    : 'no rule ran: the config turns every rule of the preset off';
}
