import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './cli.js';

/**
 * Runs action.yml's check step (a bash script) in `cwd` (the `working-directory` input) as the
 * runner would, with the inputs given as its environment and this checkout's CLI as the one the
 * install step installed; `output` is what the step wrote to $GITHUB_OUTPUT.
 */
export function runActionCheckStep(cwd: string, scratch: string, inputs: { paths: string; preset: string; args?: string }): { result: SpawnSyncReturns<string>; output: string; sarif: string } {
  const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as { runs: { steps: { id?: string; run?: string }[] } };
  const step = action.runs.steps.find((candidate) => candidate.id === 'check')!;
  const outputFile = path.join(scratch, 'github-output');
  const sarif = path.join(scratch, 'premortem.sarif');
  writeFileSync(outputFile, '');
  const result = spawnSync('bash', ['-e', '-c', step.run!], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      NO_COLOR: '1',
      GITHUB_ACTION_PATH: repoRoot,
      GITHUB_OUTPUT: outputFile,
      PREMORTEM_BIN: path.join(repoRoot, 'packages/cli/bin/premortem.js'),
      PATHS: inputs.paths,
      CHANGED_SINCE: '',
      BASELINE: '',
      PRESET: inputs.preset,
      SARIF_FILE: sarif,
      ARGS: inputs.args ?? '',
    },
  });
  return { result, output: readFileSync(outputFile, 'utf8'), sarif };
}
