#!/usr/bin/env node
// Writes the files premortem reads (the ones the bot downloads) of one commit of a git repository to
// a folder, without .git and without running anything: what the bot sees of a pull request.
//   node scripts/realworld/export-tree.mjs <git dir> <commit> <destination>
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ANALYZED_FILE = /\.(?:[cm]?[jt]sx?|json|prisma|ya?ml)$/i;
const [gitDir, commit, destination] = process.argv.slice(2);
if (!gitDir || !commit || !destination) {
  console.error('usage: export-tree.mjs <git dir> <commit> <destination>');
  process.exit(2);
}

const listing = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', commit], { maxBuffer: 1 << 30 }).toString('utf8');
const blobs = [];
for (const record of listing.split('\0')) {
  const match = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(record);
  // Regular files only: links (120000) and submodules are left out, as the bot leaves them.
  if (match && match[1] !== '120000' && ANALYZED_FILE.test(match[3])) blobs.push({ id: match[2], file: match[3] });
}

// One `cat-file --batch` for every blob; a blob the snapshot left out (large files) is reported and skipped.
const batch = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
const chunks = [];
batch.stdout.on('data', (chunk) => chunks.push(chunk));
batch.stdin.end(blobs.map((blob) => blob.id).join('\n') + '\n');
await new Promise((resolve, reject) => batch.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git cat-file exited ${code}`)))));
const output = Buffer.concat(chunks);
let at = 0;
let written = 0;
let missing = 0;
for (const blob of blobs) {
  const newline = output.indexOf(10, at);
  const header = output.subarray(at, newline).toString();
  at = newline + 1;
  if (header.endsWith(' missing')) {
    missing++;
    continue;
  }
  const size = Number(header.split(' ')[2]);
  const target = path.join(destination, blob.file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, output.subarray(at, at + size));
  at += size + 1;
  written++;
}
console.log(`${destination}: ${written} files${missing ? `, ${missing} missing from the snapshot` : ''}`);
