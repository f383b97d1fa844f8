// `npm run bench`: generates synthetic Next.js + tRPC + Prisma projects (1k, 4k, 16k files by
// default, deterministic from --seed), then times tsc, typed ESLint and premortem on each, the
// commands of a round run one after another so that every pair alternates, and prints medians,
// peak memory and ratios. See docs/benchmarks.md. Never run from the test suite.
//
//   npm run bench -- --sizes 1k,4k --runs 5
//   npm run bench -- --sizes 16k --runs 3 --commands tsc,check
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateProject } from './generate.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(benchDir, '..');
const require = createRequire(import.meta.url);

const COMMANDS = {
  tsc: 'tsc --noEmit',
  check: 'premortem check',
  changed: 'premortem check --changed-since (5 files)',
  'eslint-none': 'typed ESLint, no rules',
  'eslint-nfp': 'typed ESLint, no-floating-promises',
  'eslint-premortem': 'ESLint, premortem strict',
};

/** What each of the five "pull request" files gains: a new function with a floating promise. */
const PULL_REQUEST_EDIT = `
export async function changedInPullRequest(): Promise<void> {
  await Promise.resolve();
  fetch('/api/audit', { method: 'POST' });
}
`;

const args = parseArgs(process.argv.slice(2));
const work = path.resolve(args.work);
mkdirSync(work, { recursive: true });

const tsc = require.resolve('typescript/bin/tsc');
const eslint = path.join(path.dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');
const premortem = path.join(repo, 'packages', 'cli', 'bin', 'premortem.js');
const hook = pathToFileURL(path.join(benchDir, 'rss-hook.mjs')).href;
if (!existsSync(path.join(repo, 'packages', 'cli', 'dist', 'bin.js'))) fail('the CLI is not built: run `npm run build` first.');

const deps = prepareDependencies();
const environment = describeEnvironment();
console.log(environment.lines.join('\n'));
console.log(`sizes ${args.sizes.join(', ')}; ${args.runs} runs; seed ${args.seed}; commands ${args.commands.join(', ')}; work ${work}\n`);

const results = [];
for (const size of args.sizes) {
  const project = prepareProject(size);
  const samples = Object.fromEntries(args.commands.map((c) => [c, []]));
  for (let run = 1; run <= args.runs; run++) {
    for (const command of args.commands) {
      const sample = await measure(command, project);
      samples[command].push(sample);
      console.error(`  ${label(size)} run ${run}/${args.runs} ${command.padEnd(16)} ${(sample.ms / 1000).toFixed(2).padStart(7)} s ${mib(sample.rss).padStart(6)} MiB  exit ${sample.exit}`);
    }
  }
  const medians = Object.fromEntries(
    Object.entries(samples).map(([command, list]) => [command, { ms: median(list.map((s) => s.ms)), rss: median(list.map((s) => s.rss)), runs: list }]),
  );
  results.push({ size, files: project.files, medians });
  console.log(table(size, project.files, medians));
}
if (results.length > 1 && results.every((r) => r.medians.check)) console.log(growth(results));

const out = path.join(work, `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ environment: environment.data, args, results }, null, 2));
console.log(`\nraw samples: ${out}`);

// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const options = { sizes: ['1k', '4k', '16k'], runs: 5, seed: 20260101, work: path.join(os.tmpdir(), 'premortem-bench'), commands: Object.keys(COMMANDS) };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--sizes') options.sizes = value().split(',').filter(Boolean);
    else if (flag === '--runs') options.runs = Number(value());
    else if (flag === '--seed') options.seed = Number(value());
    else if (flag === '--work') options.work = value();
    else if (flag === '--commands') options.commands = value().split(',').filter(Boolean);
    else if (flag === '--help') {
      console.log('npm run bench -- [--sizes 1k,4k,16k] [--runs 5] [--seed N] [--commands tsc,check,changed,eslint-none,eslint-nfp,eslint-premortem] [--work DIR]');
      process.exit(0);
    } else fail(`unknown option ${argv[i]}`);
  }
  for (const size of options.sizes) if (!/^\d+k?$/.test(size)) fail(`--sizes: "${size}" is not a size like 1k or 500`);
  for (const command of options.commands) if (!(command in COMMANDS)) fail(`--commands: unknown "${command}" (${Object.keys(COMMANDS).join(', ')})`);
  if (!Number.isInteger(options.runs) || options.runs < 1) fail('--runs takes a whole number ≥ 1');
  return options;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function fileCount(size) {
  return size.endsWith('k') ? Number(size.slice(0, -1)) * 1000 : Number(size);
}

function label(size) {
  return size.padStart(4);
}

/** The synthetic projects' npm dependencies, installed once into the work folder. */
function prepareDependencies() {
  const dir = path.join(work, 'deps');
  const lock = readFileSync(path.join(benchDir, 'deps', 'package-lock.json'), 'utf8');
  const marker = path.join(dir, 'node_modules', '.bench-lock');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== lock) {
    console.error('bench: installing the synthetic projects’ dependencies (once)…');
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(benchDir, 'deps', 'package.json'), path.join(dir, 'package.json'));
    copyFileSync(path.join(benchDir, 'deps', 'package-lock.json'), path.join(dir, 'package-lock.json'));
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
    writeFileSync(marker, lock);
  }
  return dir;
}

/** Generates (or reuses) the project for one size: sources, Prisma client, git repo, 5 edits. */
function prepareProject(size) {
  const files = fileCount(size);
  const dir = path.join(work, `project-${size}`);
  const stamp = JSON.stringify({ files, seed: args.seed, generator: readFileSync(path.join(benchDir, 'generate.mjs'), 'utf8').length, edit: PULL_REQUEST_EDIT });
  const stampFile = path.join(dir, '.bench-stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return { dir, files, changedFiles: readChanged(dir) };

  console.error(`bench: generating ${files} files into ${dir}…`);
  rmSync(dir, { recursive: true, force: true });
  const written = generateProject(dir, { files, seed: args.seed });
  symlinkSync(path.join(deps, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  appendFileSync(path.join(dir, '.gitignore'), 'src/generated/\n.bench-stamp\n.bench-changed\neslint.*.config.mjs\n');
  const prismaCli = path.join(deps, 'node_modules', 'prisma', 'build', 'index.js');
  execFileSync(process.execPath, [prismaCli, 'generate'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
  });
  writeEslintConfigs(dir);
  const git = (...gitArgs) => execFileSync('git', gitArgs, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '.');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '--quiet', '--no-gpg-sign', '-m', 'synthetic project');
  // Five edits after the commit, as a small pull request would make: two services, a router, a
  // component and a hook each gain a few lines.
  const pick = (pattern, n) => written.filter((f) => pattern.test(f)).slice(0, n);
  const changed = [...pick(/^src\/server\/services\//, 2), ...pick(/^src\/server\/routers\/g\d+\/f\d+\.ts$/, 1), ...pick(/List\.tsx$/, 1), ...pick(/Sync\.ts$/, 1)];
  for (const file of changed) appendFileSync(path.join(dir, file), PULL_REQUEST_EDIT);
  writeFileSync(path.join(dir, '.bench-changed'), changed.join('\n'));
  writeFileSync(stampFile, stamp);
  return { dir, files, changedFiles: changed };
}

function readChanged(dir) {
  return readFileSync(path.join(dir, '.bench-changed'), 'utf8').split('\n');
}

/** Three flat configs that differ only in rules; the parser setup is what the README recommends. */
function writeEslintConfigs(dir) {
  const tseslint = pathToFileURL(require.resolve('typescript-eslint')).href;
  const plugin = pathToFileURL(path.join(repo, 'packages', 'eslint-plugin', 'dist', 'index.js')).href;
  const base = `import tseslint from '${tseslint}';
export const base = [
  { ignores: ['node_modules/**', 'src/generated/**', 'eslint.*.config.mjs', 'prisma.config.ts'] },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
];
`;
  writeFileSync(path.join(dir, 'eslint.base.config.mjs'), base);
  writeFileSync(path.join(dir, 'eslint.none.config.mjs'), `import { base } from './eslint.base.config.mjs';\nexport default [...base];\n`);
  writeFileSync(
    path.join(dir, 'eslint.nfp.config.mjs'),
    `import tseslint from '${tseslint}';\nimport { base } from './eslint.base.config.mjs';\nexport default [...base, { files: ['**/*.{ts,tsx}'], plugins: { '@typescript-eslint': tseslint.plugin }, rules: { '@typescript-eslint/no-floating-promises': 'error' } }];\n`,
  );
  writeFileSync(
    path.join(dir, 'eslint.premortem.config.mjs'),
    `import premortem from '${plugin}';\nimport { base } from './eslint.base.config.mjs';\nexport default [...base, premortem.configs.strict];\n`,
  );
}

function commandLine(command, project) {
  switch (command) {
    case 'tsc':
      return [tsc, '--noEmit', '-p', 'tsconfig.json'];
    case 'check':
      return [premortem, 'check', '.', '--preset', 'strict'];
    case 'changed':
      return [premortem, 'check', '.', '--preset', 'strict', '--changed-since', 'HEAD'];
    case 'eslint-none':
      return [eslint, '--no-config-lookup', '-c', 'eslint.none.config.mjs', '.'];
    case 'eslint-nfp':
      return [eslint, '--no-config-lookup', '-c', 'eslint.nfp.config.mjs', '.'];
    case 'eslint-premortem':
      return [eslint, '--no-config-lookup', '-c', 'eslint.premortem.config.mjs', '.'];
    default:
      throw new Error(`unknown command ${command} for ${project.dir}`);
  }
}

/** One timed run: wall time from spawn to exit, peak RSS as the child reports it. */
function measure(command, project) {
  const rssFile = path.join(work, `rss-${process.pid}.txt`);
  rmSync(rssFile, { force: true });
  const argv = ['--import', hook, ...commandLine(command, project)];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, {
      cwd: project.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PREMORTEM_BENCH_RSS_FILE: rssFile, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      // tsc exits 2 on type errors, ESLint and premortem 1 on findings: all are normal here.
      const broken = command.startsWith('eslint') ? code === 2 : command !== 'tsc' && code === 2;
      if (broken || !existsSync(rssFile)) {
        reject(new Error(`${command} failed (exit ${code}) in ${project.dir}:\n${stderr.slice(-4000)}`));
        return;
      }
      resolve({ ms, rss: Number(readFileSync(rssFile, 'utf8')), exit: code });
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function mib(bytes) {
  return (bytes / 1024 / 1024).toFixed(0);
}

function table(size, files, medians) {
  const rows = [`\n### ${size} (${files} files)\n`, '| command | wall (median) | peak RSS (median) |', '| --- | ---: | ---: |'];
  for (const [command, m] of Object.entries(medians)) rows.push(`| ${COMMANDS[command]} | ${(m.ms / 1000).toFixed(2)} s | ${mib(m.rss)} MiB |`);
  const ratio = (a, b, key) => (medians[a] && medians[b] ? (medians[a][key] / medians[b][key]).toFixed(2) + '×' : 'n/a');
  rows.push(
    '',
    '| ratio | value | target |',
    '| --- | ---: | ---: |',
    `| premortem check / tsc, wall | ${ratio('check', 'tsc', 'ms')} | ≤ 1.00× |`,
    `| premortem check / tsc, peak memory | ${ratio('check', 'tsc', 'rss')} | ≤ 1.20× |`,
    `| ESLint premortem / ESLint no rules, wall | ${ratio('eslint-premortem', 'eslint-none', 'ms')} | ≤ 1.15× |`,
    `| --changed-since (5 files) / full check, wall | ${ratio('changed', 'check', 'ms')} | ≤ 0.40× |`,
    `| ESLint no-floating-promises / tsc, wall | ${ratio('eslint-nfp', 'tsc', 'ms')} | (reference) |`,
    `| ESLint no-floating-promises / tsc, peak memory | ${ratio('eslint-nfp', 'tsc', 'rss')} | (reference) |`,
  );
  return rows.join('\n');
}

function growth(all) {
  const [first] = all;
  const perFile = (r) => r.medians.check.ms / r.files;
  const rows = ['\n### premortem check: time per file\n', '| size | ms per file | vs smallest |', '| --- | ---: | ---: |'];
  for (const r of all) rows.push(`| ${r.size} | ${perFile(r).toFixed(2)} | ${(perFile(r) / perFile(first)).toFixed(2)}× |`);
  rows.push('', 'target: ≤ 1.30× from 1k to 16k');
  return rows.join('\n');
}

function describeEnvironment() {
  const version = (name, from = repo) => {
    try {
      return JSON.parse(readFileSync(createRequire(path.join(from, 'x.js')).resolve(`${name}/package.json`), 'utf8')).version;
    } catch {
      return 'n/a';
    }
  };
  let commit = 'n/a';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout: leave it out
  }
  const data = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    typescript: version('typescript'),
    eslint: version('eslint'),
    typescriptEslint: version('typescript-eslint'),
    premortem: `${JSON.parse(readFileSync(path.join(repo, 'packages', 'cli', 'package.json'), 'utf8')).version} (${commit})`,
    prisma: version('prisma', path.join(work, 'deps')),
    trpc: version('@trpc/server', path.join(work, 'deps')),
  };
  const lines = [
    `machine: ${data.cpu}, ${data.cores} cores, ${data.memoryGiB} GiB, ${data.os}`,
    `node ${data.node}; typescript ${data.typescript}; eslint ${data.eslint}; typescript-eslint ${data.typescriptEslint}; premortem ${data.premortem}; prisma ${data.prisma}; @trpc/server ${data.trpc}`,
  ];
  return { data, lines };
}
