import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReviewJob } from './queue.js';

interface Entry {
  job: ReviewJob;
  /** When it was written down (ms since the epoch): restored oldest first. */
  savedAt: number;
  /** When a rate-limited job may run again (ms since the epoch). */
  retryAt?: number;
}

/**
 * The queue's jobs on disk, one small JSON file each, from the moment a webhook is accepted until
 * its review is done, so a restart, a crash or `SIGTERM` loses none: the next start takes them up
 * (and with them any check they left in progress). Files are replaced atomically (write, then
 * rename); an unreadable one is set aside, never a reason not to start.
 */
export class JobJournal {
  constructor(
    private readonly folder: string,
    private readonly log: { error(message: string): void },
  ) {
    mkdirSync(folder, { recursive: true });
  }

  save(job: ReviewJob, retryAt?: number): void {
    const file = this.fileOf(job);
    const entry: Entry = { job, savedAt: Date.now(), ...(retryAt === undefined ? {} : { retryAt }) };
    writeFileSync(`${file}.tmp`, JSON.stringify(entry));
    renameSync(`${file}.tmp`, file);
  }

  remove(job: ReviewJob): void {
    rmSync(this.fileOf(job), { force: true });
  }

  /** Every job written down, oldest first. */
  list(): Entry[] {
    const entries: Entry[] = [];
    for (const name of readdirSync(this.folder)) {
      const file = path.join(this.folder, name);
      if (name.endsWith('.tmp')) {
        rmSync(file, { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      try {
        const entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
        if (!isJob(entry.job)) throw new Error('not a review job');
        entries.push(entry);
      } catch (error) {
        renameSync(file, `${file}.unreadable`);
        this.log.error(`job journal: ${name} could not be read (${error instanceof Error ? error.message : String(error)}); set aside as ${name}.unreadable`);
      }
    }
    return entries.sort((a, b) => (a.savedAt ?? 0) - (b.savedAt ?? 0));
  }

  /** One file per job; a re-run asked for while the same commit runs is a job of its own. */
  private fileOf(job: Pick<ReviewJob, 'key' | 'sha' | 'force'>): string {
    return path.join(this.folder, `${createHash('sha256').update(`${job.key}@${job.sha}${job.force ? ' rerun' : ''}`).digest('hex').slice(0, 32)}.json`);
  }
}

function isJob(value: unknown): value is ReviewJob {
  const job = value as Partial<ReviewJob> | undefined;
  return typeof job?.key === 'string' && typeof job.sha === 'string' && typeof job.target?.owner === 'string' && typeof job.target.pullNumber === 'number';
}
