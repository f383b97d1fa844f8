#!/usr/bin/env node
// The real install path, as a stranger takes it: `npm pack` every published package, install the
// tarballs from the npm registry into fresh projects with the user's own TypeScript, ESLint and
// typescript-eslint (the oldest and the newest versions we support), then run the CLI, ESLint and
// the GitHub Action's install and check steps there. Run by CI (.ci/run) after the tests; it needs
// the registry, as `npm ci` does, so it is not part of `npm test`.
//
//   node scripts/pack-and-install.mjs [--keep]    (after `npm run build`)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const repoRoot = path.resolve(import.meta.dirname, '..');
const PACKAGES = ['packages/core', 'rules', 'packages/eslint-plugin', 'packages/cli'];
const MATRIX = [
  { name: 'oldest', typescript: '~5.4.0', eslint: '9.0.0', 'typescript-eslint': '8.0.0' },
  { name: 'newest', typescript: '~6.0.0', eslint: '^10.0.0', 'typescript-eslint': '^8.0.0' },
];
// A dropped promise (reported) next to a call that returns nothing (not reported): only types tell them apart.
const SOURCE = 'declare function save(): Promise<void>;\ndeclare function log(): void;\nexport async function handle() {\n  save();\n  log();\n}\n';
const EXPECTED = ['src/server.ts:4 premortem/no-floating-promises'];

const work = mkdtempSync(path.join(os.tmpdir(), 'premortem-pack-'));
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

try {
  const tarballs = pack();
  for (const tarball of tarballs) inspect(tarball);
  for (const versions of MATRIX) tryProject(versions, tarballs);
  tryAction(tarballs);
} finally {
  if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
if (failures.length > 0) {
  console.error(`\n${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('\nEvery package installs and runs from its tarball.');

function pack() {
  const out = path.join(work, 'tarballs');
  mkdirSync(out);
  const args = ['pack', '--json', '--pack-destination', out, ...PACKAGES.flatMap((dir) => ['--workspace', dir])];
  const packed = JSON.parse(run('npm', args, repoRoot).stdout);
  return packed.map((entry) => ({ name: entry.name, file: path.join(out, entry.filename), files: entry.files.map((f) => f.path) }));
}

/** What a registry page and a user's editor need: a license, a README, links, maps whose sources ship. */
function inspect({ name, file, files }) {
  const dir = path.join(work, 'unpacked', name);
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['xzf', file, '-C', dir, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  check(files.includes('LICENSE') && manifest.license === 'MIT', `${name}: ships LICENSE, license MIT`);
  check(files.includes('README.md'), `${name}: ships a README.md`);
  check(Boolean(manifest.repository?.url && manifest.homepage && manifest.bugs?.url && manifest.keywords?.length), `${name}: repository, homepage, bugs and keywords`);
  check(!files.some((f) => f.endsWith('.tsbuildinfo') || f.includes('.test.')), `${name}: no build info or tests`);
  const missing = [];
  for (const map of files.filter((f) => f.endsWith('.map'))) {
    const { sources } = JSON.parse(readFileSync(path.join(dir, map), 'utf8'));
    for (const source of sources) if (!existsSync(path.resolve(path.dirname(path.join(dir, map)), source))) missing.push(`${map} -> ${source}`);
  }
  check(missing.length === 0, `${name}: every source map's sources ship (${missing.slice(0, 3).join(', ') || 'all found'})`);
  // Code we compiled has a map next to it; a file without one was copied in (vendored, or left over
  // from an old build) and would ship without its source or license.
  const strays = files.filter((f) => /\.(c|m)?js$/.test(f) && f.startsWith('dist/') && !files.includes(`${f}.map`));
  check(strays.length === 0, `${name}: every shipped script was compiled from a shipped source (${strays.slice(0, 3).join(', ') || 'no strays'})`);
  if (name === '@premortem/eslint-plugin') {
    check(manifest.keywords.includes('eslint') && manifest.keywords.includes('eslintplugin'), `${name}: keywords eslint and eslintplugin`);
    check(!Object.keys(manifest.dependencies ?? {}).some((dep) => dep.startsWith('@typescript-eslint/')), `${name}: no typescript-eslint package of its own`);
  }
  if (name === 'premortem') check(!manifest.dependencies?.typescript && Boolean(manifest.peerDependencies?.typescript), `${name}: the project's TypeScript (a peer), not its own`);
}

function tryProject(versions, tarballs) {
  const label = `${versions.name} (typescript ${versions.typescript}, eslint ${versions.eslint}, typescript-eslint ${versions['typescript-eslint']})`;
  const dir = path.join(work, versions.name);
  writeProject(dir);
  const specs = [...tarballs.map((t) => t.file), `typescript@${versions.typescript}`, `eslint@${versions.eslint}`, `typescript-eslint@${versions['typescript-eslint']}`];
  const install = run('npm', ['install', '--save-dev', '--no-audit', '--no-fund', ...specs], dir, { allowFailure: true });
  check(install.status === 0, `${label}: npm install of the tarballs`);
  if (install.status !== 0) return console.error(install.stderr);
  check(!/EBADENGINE/.test(install.stderr), `${label}: no engine warning (${(install.stderr.match(/package: '[^']+'/g) ?? []).join(', ') || 'none'})`);
  const copies = (pkg) => findPackages(path.join(dir, 'node_modules'), pkg);
  const typescript = copies('typescript');
  check(typescript.length === 1, `${label}: one TypeScript, the project's: ${typescript.join(', ')}`);
  const estree = copies('@typescript-eslint/typescript-estree');
  check(estree.length === 1, `${label}: one typescript-estree, typescript-eslint's: ${estree.join(', ')}`);

  const cli = run('node', ['node_modules/premortem/bin/premortem.js', 'check', '.', '--format', 'json'], dir, { allowFailure: true });
  const cliFindings = cli.stdout ? JSON.parse(cli.stdout).findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`) : [];
  check(cli.status === 1 && same(cliFindings, EXPECTED), `${label}: premortem check reports ${cliFindings.join('; ') || cli.stderr.trim()} (exit ${cli.status})`);

  const eslint = run('node', ['node_modules/eslint/bin/eslint.js', '--format', 'json', '.'], dir, { allowFailure: true });
  let eslintFindings = [];
  try {
    eslintFindings = JSON.parse(eslint.stdout).flatMap((r) => r.messages.map((m) => `${path.relative(dir, r.filePath)}:${m.line} ${m.ruleId ?? m.message}`));
  } catch {
    eslintFindings = [eslint.stderr.trim().split('\n')[0] ?? ''];
  }
  check(eslint.status === 1 && same(eslintFindings, EXPECTED), `${label}: eslint with the one-line config reports ${eslintFindings.join('; ')} (exit ${eslint.status})`);
}

/**
 * action.yml's install step, then its check step, as the runner runs them: with `install-from`
 * naming the tarballs, and with the default, this version from the registry (or, while it is not
 * published, built from the action's source: a clone here, since that path runs `npm ci` there).
 */
function tryAction(tarballs) {
  const cliTarballs = tarballs.filter((t) => t.name !== '@premortem/eslint-plugin').map((t) => t.file).join(' ');
  tryActionInstall('tarballs', { INSTALL_FROM: cliTarballs, GITHUB_ACTION_PATH: repoRoot });
  const actionCopy = path.join(work, 'action-checkout');
  execFileSync('git', ['clone', '-q', repoRoot, actionCopy]);
  tryActionInstall('default', { INSTALL_FROM: '', GITHUB_ACTION_PATH: actionCopy });
}

function tryActionInstall(label, inputs) {
  const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8'));
  const step = (id) => action.runs.steps.find((s) => s.id === id).run;
  const runnerTemp = path.join(work, `runner-${label}`);
  const project = path.join(work, `action-project-${label}`);
  mkdirSync(runnerTemp, { recursive: true });
  writeProject(project);
  const output = path.join(work, `github-output-${label}`);
  writeFileSync(output, '');
  const env = { ...process.env, RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: output, NO_COLOR: '1', ...inputs };
  const started = Date.now();
  const install = spawnSync('bash', ['-e', '-c', step('install')], { cwd: runnerTemp, encoding: 'utf8', env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const built = /building it from the action's source/.test(install.stdout);
  const where = built ? `built from the action's source (not on the registry) in ${seconds} s` : `installed the CLI alone in ${seconds} s, ${existsSync(path.join(runnerTemp, 'premortem')) ? du(path.join(runnerTemp, 'premortem')) : '?'} on disk`;
  check(install.status === 0, `action (${label}): the install step ${where}`);
  if (install.status !== 0) return console.error(install.stdout, install.stderr);
  const bin = /^bin=(.*)$/m.exec(readFileSync(output, 'utf8'))?.[1];
  writeFileSync(output, '');
  const sarif = path.join(work, `premortem-${label}.sarif`);
  const checkStep = spawnSync('bash', ['-e', '-c', step('check')], {
    cwd: project,
    encoding: 'utf8',
    env: { ...env, PREMORTEM_BIN: bin, PATHS: '.', CHANGED_SINCE: '', BASELINE: '', PRESET: '', SARIF_FILE: sarif, ARGS: '' },
  });
  const annotations = [...checkStep.stdout.matchAll(/^::error file=([^,]+),line=(\d+),.*title=([^,:]+)/gm)].map((m) => `${m[1]}:${m[2]} ${m[3]}`);
  check(
    checkStep.status === 0 && readFileSync(output, 'utf8') === 'exit-code=1\n' && same(annotations, EXPECTED) && existsSync(sarif),
    `action (${label}): the check step with that CLI annotates ${annotations.join('; ') || checkStep.stderr.trim()}`,
  );
}

function writeProject(dir) {
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'stranger-app', private: true, type: 'module' }, null, 2));
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'ESNext', moduleResolution: 'Bundler', types: [] }, include: ['src'] }));
  writeFileSync(path.join(dir, 'src/server.ts'), SOURCE);
  // The README's one line.
  writeFileSync(path.join(dir, 'eslint.config.js'), "import premortem from '@premortem/eslint-plugin';\n\nexport default [premortem.configs.recommended];\n");
}

/** Every installed copy of `name` under a node_modules tree, as `version at folder`. */
function findPackages(modules, name) {
  const found = [];
  const visit = (folder) => {
    const candidate = path.join(folder, name, 'package.json');
    if (existsSync(candidate)) found.push(`${JSON.parse(readFileSync(candidate, 'utf8')).version} at ${path.relative(work, path.dirname(candidate))}`);
    for (const entry of readdirSync(folder)) {
      const scoped = entry.startsWith('@') ? readdirSync(path.join(folder, entry)).map((inner) => path.join(entry, inner)) : [entry];
      for (const pkg of scoped) {
        const nested = path.join(folder, pkg, 'node_modules');
        if (existsSync(nested) && statSync(nested).isDirectory()) visit(nested);
      }
    }
  };
  visit(modules);
  return found;
}

function du(dir) {
  return execFileSync('du', ['-sh', dir], { encoding: 'utf8' }).split('\t')[0];
}

function same(actual, expected) {
  return JSON.stringify([...actual].sort()) === JSON.stringify([...expected].sort());
}

function run(command, args, cwd, { allowFailure = false } = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  if (!allowFailure && result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stderr}`);
  return result;
}
