import type { ProgramQueries } from '../compiler-surface.js';
import type { Workspace } from './workspace-packages.js';

const workspaces = new WeakMap<ProgramQueries, Workspace | undefined>();

/** Which workspace a Program the engine built belongs to: read once per run, shared by its Programs. */
export function rememberWorkspace(program: ProgramQueries, workspace: Workspace | undefined): void {
  workspaces.set(program, workspace);
}

/** The workspace remembered for `program`; `'unknown'` for a Program the engine did not build (the ESLint front's). */
export function getRememberedWorkspace(program: ProgramQueries): Workspace | undefined | 'unknown' {
  return workspaces.has(program) ? workspaces.get(program) : 'unknown';
}
