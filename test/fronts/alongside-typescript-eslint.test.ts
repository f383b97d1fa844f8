import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plugin from '@premortem/eslint-plugin';
import { createProject } from '../support/cli.js';

const SOURCE = `declare function save(): Promise<void>;
declare function load(): Promise<number>;

export async function job(ids: number[]): Promise<void> {
  save();
  load().then((n) => console.log(n));
  ids.map(async (id) => save());
  ids.forEach(async () => { await save(); });
  void save();
  const pending = load();
}
`;
const PROMISE_RULES = /^(@typescript-eslint\/no-floating-promises|@typescript-eslint\/no-misused-promises|premortem\/no-floating-promises)$/;

async function lint(premortem: Linter.Config[]): Promise<string[]> {
  const dir = createProject(
    {
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', types: [] } }),
      'src/job.ts': SOURCE,
    },
    { withNodeTypes: false },
  );
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      ...(tseslint.configs.recommendedTypeChecked as Linter.Config[]),
      { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: dir } } },
      ...premortem,
    ],
  });
  const [result] = await eslint.lintFiles([path.join(dir, 'src/job.ts')]);
  return (result?.messages ?? [])
    .filter((m) => PROMISE_RULES.test(m.ruleId ?? ''))
    .map((m) => `${m.line} ${m.ruleId}${m.ruleId?.startsWith('premortem/') ? `:${m.messageId}` : ''}`)
    .sort();
}

/** Lines reported by more than one rule. */
const twice = (reports: string[]) => {
  const lines = reports.map((r) => r.split(' ')[0]);
  return [...new Set(lines.filter((line, i) => lines.indexOf(line) !== i))];
};

describe("premortem's presets next to typescript-eslint's recommended type-checked preset", () => {
  it('report a dropped promise twice without the alongside config (the case it exists for)', async () => {
    expect(twice(await lint([plugin.configs.strict]))).toEqual(['5', '6', '7', '8']);
  });

  it('report each floating promise once with it, and keep what typescript-eslint does not report', async () => {
    expect(await lint([plugin.configs.strict, plugin.configs['alongside-typescript-eslint']])).toEqual([
      '10 premortem/no-floating-promises:storedNeverHandled',
      '5 @typescript-eslint/no-floating-promises',
      '6 @typescript-eslint/no-floating-promises',
      '7 @typescript-eslint/no-floating-promises',
      '8 @typescript-eslint/no-misused-promises',
      '9 premortem/no-floating-promises:floatingVoid',
    ]);
    expect(twice(await lint([plugin.configs.recommended, plugin.configs['alongside-typescript-eslint']]))).toEqual([]);
  });

  it('stops with a clear message when the setting is not a list of rule ids', async () => {
    await expect(lint([plugin.configs.strict, { settings: { premortem: { typescriptEslintRules: 'all' } } }])).rejects.toThrow(/typescriptEslintRules must be a list of rule ids/);
  });
});
