// Installs each fixture app's own dependencies (once) and generates its Prisma client, so the
// fixtures type-check like real projects. Generation needs no network: the schema engine is
// not used by `prisma generate`, so any existing file satisfies PRISMA_SCHEMA_ENGINE_BINARY.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Fixture projects with their own dependencies; `generate` runs where the project has that script. */
const fixtures = ['calendar-app', 'corpus/no-floating-promises-real-types', 'corpus/fetch-rules'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

for (const name of fixtures) {
  const dir = path.join(root, 'fixtures', name);
  if (!existsSync(path.join(dir, 'node_modules'))) {
    console.error(`premortem: installing fixtures/${name} dependencies…`);
    execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  }
  if (!hasScript(dir, 'generate')) continue;
  execFileSync(npm, ['run', '--silent', 'generate'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath },
  });
}

/** @param {string} dir @param {string} name */
function hasScript(dir, name) {
  /** @type {unknown} */
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const scripts = typeof manifest === 'object' && manifest !== null && 'scripts' in manifest ? manifest.scripts : undefined;
  return typeof scripts === 'object' && scripts !== null && name in scripts;
}
