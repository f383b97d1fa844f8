import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { changedLinesFromDiff, UsageError, type ChangedLines } from '@premortem/core';

const GIT_TIMEOUT_MS = 60_000;

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

function tryGit(args: string[], cwd: string): string | undefined {
  try {
    return git(args, cwd).trim();
  } catch {
    return undefined;
  }
}

/**
 * What changed since the merge base of HEAD and `ref`: committed, staged and unstaged edits, and
 * files git does not track yet. Answers in the repository root's terms.
 */
export function changedSince(ref: string, cwd: string, option = '--changed-since'): { root: string; base: string; changes: ChangedLines } {
  // A ref is never an option: `--output=…` must not reach git's argument parser.
  if (ref.startsWith('-') || /\s/.test(ref)) throw new UsageError(`${option} takes a git ref (a branch, tag or commit), got "${ref}".`);
  const root = tryGit(['rev-parse', '--show-toplevel'], cwd);
  if (!root) throw new UsageError(`${option} needs a git repository, and ${cwd} is not in one.`);
  const shallow = tryGit(['rev-parse', '--is-shallow-repository'], root) === 'true';
  const fetchHint = 'Fetch more history first (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout).';
  if (tryGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root) === undefined) {
    throw new UsageError(`${option}: "${ref}" is not a commit in this repository.${shallow ? ` This is a shallow clone. ${fetchHint}` : ''}`);
  }
  const base = tryGit(['merge-base', ref, 'HEAD'], root);
  if (!base) {
    throw new UsageError(
      shallow
        ? `${option}: the merge base of HEAD and "${ref}" is not in this shallow clone. ${fetchHint}`
        : `${option}: HEAD and "${ref}" have no common ancestor.`,
    );
  }
  const changes = changedLinesFromDiff(git(['diff', '--unified=0', '--no-color', '--no-ext-diff', '--find-renames', base, '--'], root));
  for (const file of git(['ls-files', '--others', '--exclude-standard', '-z'], root).split('\0')) {
    if (file) changes.set(file, 'all');
  }
  return { root, base, changes };
}

/** The tree of `commit` written to `destination` (`git archive`: no checkout, no hooks, the index untouched). */
export function exportCommit(commit: string, root: string, destination: string): void {
  const archive = path.join(destination, '.premortem-base.tar');
  git(['archive', '--format=tar', `--output=${archive}`, commit], root);
  execFileSync('tar', ['-xf', archive, '-C', destination], { timeout: GIT_TIMEOUT_MS, stdio: 'ignore' });
  rmSync(archive);
}
