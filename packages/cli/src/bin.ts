#!/usr/bin/env node
import { refusedModules } from '@premortem/core';
import { refusedError } from './analyze.js';
import { main } from './cli.js';

// A reader that stops early (`premortem check | head`) closes the pipe: stop quietly, as a Unix
// tool killed by SIGPIPE would (128 + 13), instead of crashing on the next write.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  guardModules: true,
});

// A refusal after the analysis (an `import()` it left pending) still fails the run.
process.once('exit', () => {
  const refused = refusedModules();
  if (refused.length === 0 || process.exitCode === 2) return;
  process.stderr.write(`premortem: ${refusedError(refused).message}\n`);
  process.exitCode = 2;
});
