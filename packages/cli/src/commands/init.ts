import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildPreset, CONFIG_FILE, loadConfig, presetOptionOverrides, ruleId, UsageError, type PresetName } from '@premortem/core';
import { rules } from '@premortem/rules';
import { ExitCode, type CliIo } from '../io.js';
import { loadTypeScript } from '../load-typescript.js';
import { detectProject, isFile, readSmallText, type Detection, type PackageManagerName } from '../init/detect.js';
import { planEslintConfig, type EslintBlockOptions, type EslintPlan } from '../init/eslint-config.js';
import { premortemYml, shellGlobs, SHELLS_RULE } from '../init/premortem-yml.js';
import { ACTION_REF, workflowYml } from '../init/workflow.js';

export interface InitOptions {
  dryRun?: boolean;
  preset?: PresetName;
}

export const WORKFLOW_FILE = path.join('.github', 'workflows', 'premortem.yml');

type Status = 'created' | 'updated' | 'unchanged (already set up)' | 'printed (could not merge safely)';

interface FilePlan {
  file: string;
  status: Status;
  /** What to write; none for unchanged and printed files. */
  write?: { text: string; create: boolean };
  /** Shown under the file list: why it was printed and what to add, or a note. */
  detail?: string;
}

/**
 * Sets a project up without asking anything: detects the repository root, the package manager,
 * the Prisma schema and app shells the default globs miss, then writes the ESLint config (or adds
 * premortem to the existing one when its text can be edited safely), `.github/premortem.yml` and
 * a workflow. Nothing is overwritten and nothing of the project is run; a second run changes nothing.
 */
export function runInit(folder: string | undefined, options: InitOptions, io: CliIo): number {
  const target = path.resolve(io.cwd, folder ?? '.');
  if (!isDirectory(target)) throw new UsageError(`${folder ?? target}: no such folder. Run premortem init in a project, or pass its folder.`);
  const tsm = loadTypeScript();
  const detection = detectProject(tsm, target);
  const { root } = detection;
  const shown = (file: string) => {
    const relative = path.relative(io.cwd, file);
    return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  };

  const existing = readExistingConfig(root);
  const preset: PresetName = options.preset ?? existing.preset ?? 'recommended';
  const shellsDefinition = rules.find((rule) => rule.name === SHELLS_RULE);
  const shellsEntry = shellsDefinition ? buildPreset(rules, preset).get(ruleId(shellsDefinition)) : undefined;

  const plans: FilePlan[] = [];
  const eslintOptions: EslintBlockOptions = { preset };
  if (shellsDefinition && shellsEntry && detection.shells.length > 0) {
    eslintOptions.ruleOverride = {
      rule: ruleId(shellsDefinition),
      level: shellsEntry.severity === 'error' ? 'error' : 'warn',
      options: { ...presetOptionOverrides(shellsDefinition, preset), ...(shellsEntry.kinds ? { kinds: [...shellsEntry.kinds] } : {}), shells: shellGlobs(detection.shells) },
      comment: 'App shells the default `shells` globs miss (found by `premortem init`).',
    };
  }
  plans.push(toFilePlan(planEslintConfig(tsm, eslintFolder(detection), eslintOptions), shown));

  const configFile = path.join(root, CONFIG_FILE);
  if (isFile(configFile)) {
    const note =
      existing.note ??
      (options.preset && existing.preset && options.preset !== existing.preset
        ? `${shown(configFile)} says \`preset: ${existing.preset}\` and was left as it is; edit it for the CLI, the Action and the bot to use ${options.preset} too.`
        : undefined);
    plans.push({ file: configFile, status: 'unchanged (already set up)', ...(note ? { detail: note } : {}) });
  } else {
    const text = premortemYml({ preset, schema: detection.schema, shells: detection.shells, presetRunsShellsRule: shellsEntry !== undefined });
    plans.push({ file: configFile, status: 'created', write: { text, create: true } });
  }

  const workflowFile = path.join(root, WORKFLOW_FILE);
  const otherWorkflow = isFile(workflowFile) ? undefined : workflowRunningPremortem(root);
  if (isFile(workflowFile) || otherWorkflow) {
    plans.push({ file: otherWorkflow ?? workflowFile, status: 'unchanged (already set up)' });
  } else {
    plans.push({ file: workflowFile, status: 'created', write: { text: workflowYml(detection.packageManager, detection.defaultBranch), create: true } });
  }

  if (!options.dryRun) for (const plan of plans) write(plan, shown);
  report(io, detection, preset, plans, options, shown);
  return ExitCode.Clean;
}

function isDirectory(folder: string): boolean {
  try {
    return statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

/** The preset of an existing config, or why it could not be read (it is left as it is either way). */
function readExistingConfig(root: string): { preset?: PresetName; note?: string } {
  try {
    const { config } = loadConfig(root);
    return config.preset ? { preset: config.preset } : {};
  } catch (error) {
    return { note: `premortem: ${error instanceof Error ? error.message : String(error)}\n(left as it is; fix it by hand)` };
  }
}

/** The folder init was pointed at, when it has a flat config of its own (a workspace package); else the root. */
function eslintFolder(detection: Detection): string {
  const { target, root } = detection;
  if (target === root) return root;
  return readdirSync(target).some((name) => /^eslint\.config\.[cm]?[jt]s$/.test(name)) ? target : root;
}

/** Another workflow that already runs premortem: the Action, or the command. */
function workflowRunningPremortem(root: string): string | undefined {
  const folder = path.join(root, '.github', 'workflows');
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch {
    return undefined;
  }
  return names.map((name) => path.join(folder, name)).find((file) => /premortem\/premortem@|premortem(?:\.js)? check\b/.test(readSmallText(file) ?? ''));
}

function toFilePlan(plan: EslintPlan, shown: (file: string) => string): FilePlan {
  switch (plan.kind) {
    case 'create':
      return { file: plan.file, status: 'created', write: { text: plan.text, create: true } };
    case 'update':
      return { file: plan.file, status: 'updated', write: { text: plan.text, create: false }, detail: `added to ${shown(plan.file)}:\n${plan.added}` };
    case 'unchanged':
      return { file: plan.file, status: 'unchanged (already set up)' };
    case 'print':
      return { file: plan.file ?? 'eslint.config.js', status: 'printed (could not merge safely)', detail: `${plan.file ? shown(plan.file) : 'ESLint'}: not changed, because ${plan.reason}.\n${plan.text}` };
  }
}

function write(plan: FilePlan, shown: (file: string) => string): void {
  if (!plan.write) return;
  try {
    mkdirSync(path.dirname(plan.file), { recursive: true });
    // `wx`: a file that appeared since it was looked for is not overwritten.
    writeFileSync(plan.file, plan.write.text, { flag: plan.write.create ? 'wx' : 'w' });
  } catch (error) {
    if (plan.write.create && (error as NodeJS.ErrnoException).code === 'EEXIST') {
      plan.status = 'unchanged (already set up)';
      return;
    }
    throw new UsageError(`cannot write ${shown(plan.file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function report(io: CliIo, detection: Detection, preset: PresetName, plans: readonly FilePlan[], options: InitOptions, shown: (file: string) => string): void {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const { packageManager, schema, shells } = detection;
  out(`premortem init${options.dryRun ? ' --dry-run' : ''}: ${shown(detection.root)}`);
  out(`  package manager  ${packageManager.name === 'yarn-berry' ? 'yarn (2+)' : packageManager.name}${packageManager.lockfile ? ` (${packageManager.lockfile})` : ' (no lockfile)'}`);
  out(`  Prisma schema    ${schema ? `${schema.path} (found by ${schema.via})` : 'none found'}`);
  for (const note of detection.schemaNotes) out(`                   note: ${note}`);
  out(`  app shells       ${shells.length > 0 ? `${shells.join(', ')} (named like shells; the default globs miss them)` : 'none beyond the default names'}`);
  out(`  preset           ${preset}`);
  out();
  const label = (plan: FilePlan) => (options.dryRun && plan.write ? (plan.write.create ? 'would be created' : 'would be updated') : plan.status);
  for (const plan of plans) out(`  ${shown(plan.file)}: ${label(plan)}`);
  for (const plan of plans) {
    if (plan.detail) out(`\n${plan.detail.trimEnd()}`);
    if (options.dryRun && plan.write && plan.write.create) out(`\n--- ${shown(plan.file)} ---\n${plan.write.text.trimEnd()}`);
  }
  if (plans.every((plan) => plan.status === 'unchanged (already set up)')) {
    out('\nAlready set up: nothing written.');
    return;
  }
  const missing = ['@premortem/eslint-plugin', 'premortem', 'typescript-eslint', 'eslint', 'typescript'].filter((name) => !detection.dependencies.has(name));
  out('\nNext steps:');
  // `typescript` alone would install TypeScript 7, whose compiler has no JavaScript API yet.
  if (missing.length > 0) out(`  ${addCommand(packageManager.name, detection.workspaces)} ${missing.map((name) => (name === 'typescript' ? 'typescript@~6.0' : name)).join(' ')}`);
  out(`  ${execCommand(packageManager.name)} premortem check`);
  out(`  commit the files; the workflow runs ${ACTION_REF} on the next pull request`);
}

function addCommand(name: PackageManagerName, workspaces: boolean): string {
  switch (name) {
    case 'pnpm':
      return `pnpm add -D${workspaces ? ' -w' : ''}`;
    case 'yarn':
      return `yarn add -D${workspaces ? ' -W' : ''}`;
    case 'yarn-berry':
      return 'yarn add -D';
    case 'bun':
      return 'bun add -d';
    case 'npm':
      return 'npm install --save-dev';
  }
}

function execCommand(name: PackageManagerName): string {
  switch (name) {
    case 'pnpm':
      return 'pnpm exec';
    case 'yarn':
    case 'yarn-berry':
      return 'yarn';
    case 'bun':
      return 'bunx';
    case 'npm':
      return 'npx';
  }
}
