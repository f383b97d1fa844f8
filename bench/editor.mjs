// `npm run bench:editor`: how long ESLint takes to re-lint one file after an edit, the way an
// editor does it (one long-lived ESLint, typescript-eslint's project service, a new Program
// version per edit), with no rules and with premortem's `strict` preset (every rule, every kind). Uses a project made
// by `npm run bench` (see docs/benchmarks.md). Never run from the test suite.
//
//   npm run bench:editor -- --size 4k --edits 8
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CONFIGS = { none: 'eslint.none.config.mjs', premortem: 'eslint.premortem.config.mjs' };

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], Number(process.argv[5]));
else main(process.argv.slice(2));

function main(argv) {
  const options = { size: '4k', edits: 8, work: path.join(os.tmpdir(), 'premortem-bench') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--size') options.size = value();
    else if (flag === '--edits') options.edits = Number(value());
    else if (flag === '--work') options.work = value();
    else fail(`unknown option ${argv[i]} (npm run bench:editor -- [--size 4k] [--edits 8] [--work DIR])`);
  }
  if (!Number.isInteger(options.edits) || options.edits < 1) fail('--edits takes a whole number ≥ 1');
  const dir = path.join(path.resolve(options.work), `project-${options.size}`);
  const changed = path.join(dir, '.bench-changed');
  if (!existsSync(changed) || !existsSync(path.join(dir, CONFIGS.premortem))) {
    fail(`no benchmark project in ${dir}: make it with \`npm run bench -- --sizes ${options.size} --runs 1 --commands check\` first.`);
  }
  // The files a pull request touches in `npm run bench`: a component, a hook, a router, services.
  const files = readFileSync(changed, 'utf8').split('\n').filter(Boolean);
  console.log(`editor re-lint latency, ${options.size} project, ${options.edits} edits per file, ${files.length} files; node ${process.version}\n`);
  console.log('| file | no rules, median (ms) | premortem, median (ms) | premortem, slowest (ms) |');
  console.log('| --- | ---: | ---: | ---: |');
  const all = { none: [], premortem: [] };
  for (const file of files) {
    const row = {};
    for (const name of Object.keys(CONFIGS)) {
      const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', CONFIGS[name], file, String(options.edits)], { cwd: dir, encoding: 'utf8' });
      if (result.status !== 0) fail(`${name} on ${file} failed:\n${result.stderr}`);
      row[name] = JSON.parse(result.stdout);
      all[name].push(...row[name]);
    }
    console.log(`| ${file} | ${median(row.none).toFixed(0)} | ${median(row.premortem).toFixed(0)} | ${Math.max(...row.premortem).toFixed(0)} |`);
  }
  console.log(`| all | ${median(all.none).toFixed(0)} | ${median(all.premortem).toFixed(0)} | ${Math.max(...all.premortem).toFixed(0)} |`);
}

/** One editor session: the first lint builds the Program (not counted), then every edit is timed. */
async function child(config, file, edits) {
  // The ESLint `npm run bench` times: the repository's own.
  const require = createRequire(import.meta.url);
  const { ESLint } = await import(pathToFileURL(require.resolve('eslint')).href);
  const eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: config });
  const text = readFileSync(file, 'utf8');
  await eslint.lintText(text, { filePath: file });
  const times = [];
  for (let i = 0; i < edits; i++) {
    const started = performance.now();
    await eslint.lintText(`${text}\n// edit ${i}\n`, { filePath: file });
    times.push(performance.now() - started);
  }
  process.stdout.write(JSON.stringify(times));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fail(message) {
  console.error(`bench:editor: ${message}`);
  process.exit(2);
}
