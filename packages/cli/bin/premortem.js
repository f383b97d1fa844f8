#!/usr/bin/env node
// A committed launcher, so npm can link the `premortem` command before the TypeScript is built.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('premortem: the CLI is not built yet. Run `npm run build` in the premortem repository.\n');
  process.exit(2);
}
await import(entry.href);
