import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type ts from 'typescript';
import type { Finding } from '../findings.js';
import type { QueryEstimate } from '../formatters/json.js';
import { createQueryCollector } from '../prisma/collect-queries.js';
import { getProjectFacts } from './project-facts.js';
import { ANALYSIS_ERROR_RULE_ID, compareFindings } from '../findings.js';
import type { TypeScriptModule } from '../rule.js';
import { isGeneratedFile } from '../ast/generated.js';
import { analyzeFile, type EnabledRule } from './analyze-file.js';
import { createProgramForPlan, SharedSourceFiles } from './create-program.js';
import { planProjects } from './plan-projects.js';
import { findProjectRoot, toPosixRelative } from './project-root.js';
import type { Timings } from './timings.js';
import { timeProgramIndexes } from './program-cache.js';
import { describeReadFailure, readErrorFinding } from './read-failure.js';

export interface RunInput {
  ts: TypeScriptModule;
  cwd: string;
  paths: readonly string[];
  project?: string;
  rules: readonly EnabledRule[];
  timings?: Timings;
  onProgress?: ProgressListener;
  /** Also list every Prisma query site with its cost estimate. */
  collectQueries?: boolean;
  /** Report `eslint-disable` directives naming a premortem rule that silenced nothing. */
  reportUnusedDisableDirectives?: boolean;
  /**
   * When set, only these files get every rule and, with `collectQueries`, their query estimates
   * (`check --changed-since`: the changed files). The others get only the rules whose findings
   * carry paths across files (`meta.pathsCrossFiles`), and are skipped when there is none.
   * Programs are still built whole, so types are exact.
   */
  focus?: (fileName: string) => boolean;
  /**
   * When set, files it rejects are out of scope (tests, scripts, stories: see
   * config/production-scope.ts): they stay in their Program, so types and project facts still
   * see them, but they are not walked and nothing is reported or listed on them.
   */
  inScope?: (fileName: string) => boolean;
}

/**
 * Files analyzed so far out of all; `building` names the Program being built (its tsconfig and
 * place among them) while one is: the silent first seconds of a run.
 */
export type ProgressListener = (done: number, total: number, building?: string) => void;

export interface RunResult {
  findings: Finding[];
  queries: QueryEstimate[];
  files: number;
  notes: string[];
  durationMs: number;
}

/**
 * Plans the Programs, then builds them one at a time (a monorepo never holds two in memory) and
 * runs every rule over each file in one walk.
 */
export function runAnalysis(input: RunInput): RunResult {
  const started = performance.now();
  const { ts: tsm, timings } = input;
  const plan = timings ? timings.measure('plan projects', () => planProjects(input)) : planProjects(input);
  const cwd = path.resolve(input.cwd);
  const root = findProjectRoot(cwd);
  const relativePath = (file: string): string => toPosixRelative(root, file);
  const total = plan.projects.reduce((sum, project) => sum + project.filesToAnalyze.length, 0);
  const inScope = input.inScope ?? (() => true);
  const findings: Finding[] = plan.unreadable
    .filter((unreadable) => inScope(unreadable.file))
    .map((unreadable) => readErrorFinding(unreadable, relativePath(unreadable.file)));
  const queries: QueryEstimate[] = [];
  // Each note said once, however many files or Programs meet the same problem.
  const notes = new Set(plan.notes);
  let done = 0;
  let generated = 0;
  let unreadable = 0;
  let outOfScope = 0;
  const crossFileRules = input.rules.filter((enabled) => enabled.rule.meta.pathsCrossFiles);
  // Monorepos: rules whose findings in one package can come from another package's Program.
  const acrossPackages = plan.projects.length > 1 ? input.rules.filter((enabled) => enabled.rule.meta.findsAcrossPackages) : [];
  const analyzedBy = new Map<string, unknown>();
  if (acrossPackages.length > 0) for (const project of plan.projects) for (const fileName of project.filesToAnalyze) analyzedBy.set(fileName, project);
  timeProgramIndexes(timings);
  // Monorepos: Programs are built one at a time, the parsed files they have in common handed on.
  const shared = plan.projects.length > 1 ? new SharedSourceFiles() : undefined;

  for (const [index, project] of plan.projects.entries()) {
    if (input.onProgress) {
      const name = project.tsconfigPath ? toPosixRelative(cwd, project.tsconfigPath) : 'the files no tsconfig includes';
      input.onProgress(done, total, plan.projects.length > 1 ? `${name} (${index + 1} of ${plan.projects.length})` : name);
    }
    const build = () => createProgramForPlan(tsm, project, shared);
    const program = timings ? timings.measure('create program', build) : build();
    // Creating the checker binds every file: a phase of its own, before any rule asks a type.
    const checker = timings ? timings.measure('bind (checker set-up)', () => program.getTypeChecker()) : program.getTypeChecker();
    for (const fileName of project.filesToAnalyze) {
      if (!inScope(fileName)) {
        outOfScope++;
        input.onProgress?.(++done, total);
        continue;
      }
      const inFocus = !input.focus || input.focus(fileName);
      const rules = inFocus ? input.rules : crossFileRules;
      const collectQueries = input.collectQueries === true && inFocus;
      const sourceFile = program.getSourceFile(fileName);
      const readFailure = sourceFile ? undefined : describeReadFailure(fileName);
      if (readFailure !== undefined) {
        unreadable++;
        findings.push(readErrorFinding({ file: fileName, reason: readFailure }, relativePath(fileName)));
      } else if (!sourceFile) {
        notes.add(`${toPosixRelative(cwd, fileName)} is not part of its program and was skipped.`);
      } else if (isGeneratedFile(sourceFile)) {
        generated++;
      } else if (rules.length === 0 && !collectQueries) {
        // Out of focus, and no rule runs there: nothing it could report would be shown.
      } else {
        const onRuleError = noteRuleError(notes, cwd, sourceFile);
        const collector = collectQueries ? createQueryCollector(tsm, checker, sourceFile, getProjectFacts(tsm, program)) : undefined;
        const analyze = () =>
          analyzeFile({
            ts: tsm,
            program,
            checker,
            sourceFile,
            rules,
            relativePath,
            onRuleError,
            ...(input.reportUnusedDisableDirectives && inFocus ? { reportUnusedDisableDirectives: true } : {}),
            ...(timings ? { timings } : {}),
            ...(collector ? { visitors: [collector.visitor] } : {}),
          });
        // Rules, their type queries and the query collector are measured inside and subtracted.
        const fileFindings = timings ? timings.measure('walk, parse-error check, findings', analyze) : analyze();
        findings.push(...fileFindings);
        // A file no rule could check lists no queries either: the collector saw part of it, or nothing.
        if (collector && !fileFindings.some((finding) => finding.ruleId === ANALYSIS_ERROR_RULE_ID)) queries.push(...collector.queries);
      }
      input.onProgress?.(++done, total);
    }
    if (acrossPackages.length > 0) {
      // The files of other analyzed packages this Program includes (a workspace dependency's
      // sources): only the rules that can find there what their own Program cannot.
      for (const sourceFile of program.getSourceFiles()) {
        const owner = analyzedBy.get(sourceFile.fileName);
        if (owner === undefined || owner === project || !inScope(sourceFile.fileName) || isGeneratedFile(sourceFile)) continue;
        // Out of focus (`--changed-since`), only the rules whose findings carry paths across files run, as above.
        const rules = !input.focus || input.focus(sourceFile.fileName) ? acrossPackages : acrossPackages.filter((enabled) => enabled.rule.meta.pathsCrossFiles);
        if (rules.length === 0) continue;
        const onRuleError = noteRuleError(notes, cwd, sourceFile);
        const fileFindings = analyzeFile({ ts: tsm, program, checker, sourceFile, rules, relativePath, onRuleError, ...(timings ? { timings } : {}) });
        findings.push(...fileFindings.filter((finding) => finding.ruleId !== ANALYSIS_ERROR_RULE_ID));
      }
    }
    for (const problem of getProjectFacts(tsm, program).prismaSchemaNotes()) notes.add(`Prisma schema: ${problem}`);
  }

  timeProgramIndexes(undefined);
  if (generated > 0) notes.add(`${generated} generated file(s) skipped (their header says they are generated).`);
  if (outOfScope > 0) {
    notes.add(`${outOfScope} file(s) out of production scope (tests, scripts, stories and the like) were not checked; \`scope\` in .github/premortem.yml changes which.`);
  }
  findings.sort(compareFindings);
  if (acrossPackages.length > 0) dropRepeats(findings);
  queries.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { findings, queries, files: total - generated - unreadable - outOfScope, notes: [...notes], durationMs: Math.round(performance.now() - started) };
}

/** Reports a rule that threw on a file as a note: the other rules' findings still stand. */
function noteRuleError(notes: Set<string>, cwd: string, sourceFile: ts.SourceFile) {
  return (rule: { name: string }, error: unknown, node: { getStart(): number }): void => {
    const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart());
    const reason = error instanceof Error ? error.message : String(error);
    notes.add(
      `rule premortem/${rule.name} failed on ${toPosixRelative(cwd, sourceFile.fileName)}:${line + 1} and skipped the rest of that file (${reason}). This is a premortem bug; please report it.`,
    );
  };
}

/**
 * A finding found again by another Program (rules run across packages): kept once, the first.
 * Its fingerprint says it is the same finding; two findings with the same message at the same
 * place (two relations of one query) have their own fingerprints, and both stay.
 */
function dropRepeats(findings: Finding[]): void {
  const seen = new Set<string>();
  let kept = 0;
  for (const finding of findings) {
    const key = `${finding.ruleId}\0${finding.fingerprint}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings[kept++] = finding;
  }
  findings.length = kept;
}
