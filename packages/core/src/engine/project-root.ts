import { existsSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from '../config/load-config.js';
import { mayRead } from './read-boundary.js';
import { declaresWorkspaces } from './workspace-manifest.js';

/** What a package manager writes where it installs: the root of a project, or of an Nx/Turbo monorepo without workspaces. */
const LOCKFILES = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb', 'npm-shrinkwrap.json'];

/**
 * The enclosing git work tree; without one (a snapshot, an export), the outermost folder that
 * declares a workspace (npm/yarn `workspaces`, `pnpm-workspace.yaml`), else the nearest folder
 * holding premortem's config (`.github/premortem.yml`), else the nearest folder holding a
 * lockfile (a monorepo whose packages share one install, with no workspace declared); else `cwd`. Fingerprints are relative to
 * it, so they do not depend on where the command ran. Only folders inside the read boundary are
 * looked at.
 */
export function findProjectRoot(cwd: string): string {
  let workspaceRoot: string | undefined;
  let configRoot: string | undefined;
  let lockfileRoot: string | undefined;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (declaresWorkspaces(dir)) workspaceRoot = dir;
    configRoot ??= existsSync(path.join(dir, CONFIG_FILE)) ? dir : undefined;
    lockfileRoot ??= LOCKFILES.some((name) => existsSync(path.join(dir, name))) ? dir : undefined;
    if (path.dirname(dir) === dir || !mayRead(path.dirname(dir))) return workspaceRoot ?? configRoot ?? lockfileRoot ?? path.resolve(cwd);
  }
}

/**
 * The outermost folder at or above `folder` that declares a workspace, not above the git work
 * tree (a workspace does not span repositories) nor outside the read boundary; undefined when none does.
 */
export function findWorkspaceRoot(folder: string): string | undefined {
  let workspaceRoot: string | undefined;
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    if (declaresWorkspaces(dir)) workspaceRoot = dir;
    if (existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir || !mayRead(path.dirname(dir))) return workspaceRoot;
  }
}

export function toPosixRelative(from: string, file: string): string {
  return path.relative(from, file).split(path.sep).join('/');
}
