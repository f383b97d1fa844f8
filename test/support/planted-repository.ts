// A repository that tries to make whatever analyzes it run its code: configuration files in every
// place a tool searches for one, a TypeScript language-service plugin, a `.env` asking Node to
// preload a file. Each planted file, if it ever runs, appends its name to a canary file and ends
// the process with exit code 86, so a run inside a sandbox that cannot write still shows it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The exit code a planted file ends its process with. */
export const PLANTED_EXIT_CODE = 86;

/** Where tools look for configuration (or plugins) that is code. */
export const PLANTED_FILES = [
  // The lilconfig search of @mrleebo/prisma-ast, premortem's schema parser before Prisma's engine:
  // it ran these. Kept, so no parser of ours may search for configuration again.
  '.prisma-astrc.js',
  '.prisma-astrc.cjs',
  '.prisma-astrc.mjs',
  'prisma-ast.config.js',
  'prisma-ast.config.cjs',
  // cosmiconfig/lilconfig names a future dependency of ours might search for.
  '.premortemrc.js',
  '.premortemrc.cjs',
  'premortem.config.js',
  'premortem.config.mjs',
  'premortem.config.ts',
  '.github/premortem.js',
  // Tools of the analyzed project itself.
  '.babelrc.js',
  'babel.config.js',
  'babel.config.cjs',
  'prisma.config.ts',
  'prisma/prisma.config.ts',
  'eslint.config.js',
  'eslint.config.mjs',
  '.eslintrc.js',
  '.eslintrc.cjs',
  'vitest.config.ts',
  'vite.config.ts',
  'jest.config.js',
  'next.config.js',
  'next.config.mjs',
  'postcss.config.js',
  'tailwind.config.js',
  'tsup.config.ts',
  '.pino-prettyrc.js',
  // Named from tsconfig's compilerOptions.plugins and from .env's NODE_OPTIONS below.
  'evil-ts-plugin.cjs',
  'evil-preload.cjs',
] as const;

/** Plants every file in `dir` (a project already written there); returns the canary's path. */
export function plantConfigFiles(dir: string): string {
  const canary = path.join(dir, '.planted-ran');
  for (const name of PLANTED_FILES) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    // Plain JavaScript that is also TypeScript, CommonJS or an ES module alike. prisma.config.ts
    // keeps the `schema:` line premortem reads from it as text.
    writeFileSync(
      file,
      [
        `// planted: ${name}`,
        `process.getBuiltinModule('node:fs').appendFileSync(${JSON.stringify(canary)}, ${JSON.stringify(name + '\n')});`,
        `process.exit(${PLANTED_EXIT_CODE});`,
        name.endsWith('prisma.config.ts') ? `export default { schema: 'prisma/schema.prisma' };` : '',
      ].join('\n'),
    );
  }
  const tsconfigFile = path.join(dir, 'tsconfig.json');
  if (existsSync(tsconfigFile)) {
    const tsconfig = JSON.parse(readFileSync(tsconfigFile, 'utf8')) as { compilerOptions?: Record<string, unknown> };
    tsconfig.compilerOptions = { ...tsconfig.compilerOptions, plugins: [{ name: './evil-ts-plugin.cjs' }] };
    writeFileSync(tsconfigFile, JSON.stringify(tsconfig, null, 2));
  }
  writeFileSync(path.join(dir, '.env'), 'NODE_OPTIONS=--require ./evil-preload.cjs\nGITHUB_TOKEN=from-dotenv\n');
  return canary;
}

/** The planted files that ran, by the canary; empty when none did. */
export function plantedFilesThatRan(canary: string): string[] {
  return existsSync(canary) ? readFileSync(canary, 'utf8').split('\n').filter(Boolean) : [];
}
