#!/usr/bin/env node
import { refusedModules } from '@premortem/core';
import { main } from './cli.js';

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
  process.stderr.write(`premortem: refused to load code that is not part of premortem: ${refused.join(', ')}. Nothing from it ran; this is a premortem bug, please report it.\n`);
  process.exitCode = 2;
});
