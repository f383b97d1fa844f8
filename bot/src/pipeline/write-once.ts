import { setTimeout as sleep } from 'node:timers/promises';
import { UncertainWrite } from '../github/request-policy.js';
import type { ReviewContext } from './context.js';

/** Tries of one write, at most, when GitHub's answer is lost each time. */
const MAX_TRIES = 3;

/**
 * A creating write, made at most once: when its outcome is unknown (the connection broke, it timed
 * out, a 5xx came back; see `UncertainWrite`), GitHub is asked whether it was applied, by
 * `findApplied`, before it is sent again. What `findApplied` finds is returned as the write's result.
 */
export async function writeOnce<T>(context: ReviewContext, what: string, write: () => Promise<T>, findApplied: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof UncertainWrite) || attempt >= MAX_TRIES) throw error;
      context.log.warn(`${what}: ${error.message} Looking for it before writing again.`);
      // Give GitHub a moment to make a write that did land visible to reads, longer each time.
      await sleep(context.settings.settleMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2), undefined, { signal: context.signal });
      const applied = await findApplied();
      if (applied !== undefined) {
        context.log.info(`${what}: it had been applied; not written again.`);
        return applied;
      }
    }
  }
}
