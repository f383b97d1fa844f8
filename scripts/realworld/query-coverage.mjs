#!/usr/bin/env node
// How many Prisma call sites `premortem queries` finds in each exported tree, against a plain text
// search for `prisma.<model>.<operation>(` (or `prismaService.…`, the name NestJS code injects it
// under), both over the files in production scope (the default
// list, plus the tree's own .github/premortem.yml if it has one). Run on trees without
// node_modules and .git, as the bot sees them.
//   node scripts/realworld/query-coverage.mjs --trees /work/realworld
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inScopeFor, loadConfig } from '@premortem/core';
import { slug } from './labels.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(repo, 'packages/cli/dist/bin.js');
const CALL = /\b(?:prisma|prismaService)\.[A-Za-z_]\w*\.(?:findMany|findFirst|findUnique|findFirstOrThrow|findUniqueOrThrow|create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany|count|aggregate|groupBy)\(/g;
const SOURCE = /\.(?:[cm]?ts|tsx)$/;

const { values } = parseArgs({ options: { trees: { type: 'string', default: process.env.PREMORTEM_REALWORLD } } });
if (!values.trees) throw new Error('--trees <folder> is required');
/** @type {unknown} */
const listed = JSON.parse(readFileSync(path.join(repo, 'fixtures/realworld/repositories.json'), 'utf8'));
const pinned = /** @type {{ repository: string }[]} */ (listed);

console.log('| Repository | text search | `premortem queries` | ratio |');
console.log('| --- | ---: | ---: | ---: |');
for (const { repository } of pinned) {
  const tree = path.join(path.resolve(values.trees), slug(repository));
  const inScope = inScopeFor(loadConfig(tree).config, tree);
  let text = 0;
  for (const entry of readdirSync(tree, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || !SOURCE.test(entry.name) || file.includes(`${path.sep}node_modules${path.sep}`) || !inScope(file)) continue;
    text += readFileSync(file, 'utf8').match(CALL)?.length ?? 0;
  }
  const run = spawnSync(process.execPath, [BIN, 'queries', '.', '--format', 'json'], { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 30 });
  /** @type {unknown} */
  const parsed = JSON.parse(run.stdout);
  const report = /** @type {{ queries: unknown[] }} */ (parsed);
  console.log(`| ${repository} | ${text} | ${report.queries.length} | ${text ? (report.queries.length / text).toFixed(2) : '–'} |`);
}
