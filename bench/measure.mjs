// Times one Node command and reports its peak memory, for the real-project figures in
// docs/benchmarks.md:  node bench/measure.mjs [--cwd DIR] [--stdout FILE] -- <script.js> [args…]
// The script runs as `node --import bench/rss-hook.mjs <script.js> …` (extra Node flags can go in
// NODE_OPTIONS); prints wall time, peak RSS and the exit code to stderr.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
let cwd = process.cwd();
let stdout = 'ignore';
for (;;) {
  if (argv[0] === '--cwd') cwd = path.resolve(argv[1]);
  else if (argv[0] === '--stdout') stdout = openSync(path.resolve(argv[1]), 'w');
  else break;
  argv.splice(0, 2);
}
if (argv[0] === '--') argv.shift();
if (argv.length === 0) {
  console.error('usage: node bench/measure.mjs [--cwd DIR] -- <script.js> [args…]');
  process.exit(2);
}
const hook = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'rss-hook.mjs')).href;
const rssFile = path.join(os.tmpdir(), `premortem-measure-${process.pid}.txt`);
rmSync(rssFile, { force: true });
const started = performance.now();
const result = spawnSync(process.execPath, ['--import', hook, ...argv], {
  cwd,
  stdio: ['ignore', stdout, 'inherit'],
  env: { ...process.env, PREMORTEM_BENCH_RSS_FILE: rssFile },
});
const seconds = (performance.now() - started) / 1000;
if (typeof stdout === 'number') closeSync(stdout);
let rss = 'n/a (the process died before exiting normally)';
try {
  rss = `${(Number(readFileSync(rssFile, 'utf8')) / 1024 ** 2).toFixed(0)} MiB`;
} catch {
  // killed or crashed (e.g. out of memory): no exit hook ran
}
console.error(`measure: ${seconds.toFixed(1)} s wall, peak RSS ${rss}, exit ${result.status ?? result.signal}`);
