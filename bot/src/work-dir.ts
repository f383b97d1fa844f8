import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where snapshots are extracted, each in a folder of its own removed after its review. */
export function snapshotsFolder(workDir: string): string {
  return path.join(workDir, 'snapshots');
}

/** Another live process holds the work folder: two would remove each other's snapshots and jobs. */
export class WorkDirInUse extends Error {}

/**
 * Makes the work folder this process's: claims it (a second live process on the same folder is
 * refused), and removes the snapshot folders a crashed or killed process left behind. Returns how
 * many it removed.
 */
export function prepareWorkDir(workDir: string): number {
  mkdirSync(workDir, { recursive: true });
  const lock = path.join(workDir, 'premortem.pid');
  const holder = readHolder(lock);
  if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
    throw new WorkDirInUse(`${workDir} is in use by another premortem process (pid ${holder}); give each process its own PREMORTEM_WORK_DIR, or remove ${lock} if that process is gone.`);
  }
  writeFileSync(lock, String(process.pid));
  const snapshots = snapshotsFolder(workDir);
  mkdirSync(snapshots, { recursive: true });
  const leftovers = readdirSync(snapshots);
  for (const name of leftovers) rmSync(path.join(snapshots, name), { recursive: true, force: true });
  return leftovers.length;
}

function readHolder(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
