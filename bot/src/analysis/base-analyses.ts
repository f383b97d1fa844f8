import type { AnalysisResponse } from './analyze-snapshot.js';

/** Base commits remembered per process: many pull requests share a few (the default branch's head). */
const MAX_BASES = 32;

export interface BaseAnalysis {
  /** Where the snapshot was: the queries' paths are relative to it (the folder itself is gone). */
  root: string;
  analysis: AnalysisResponse;
}

/**
 * The base commits' analyses this process made, by repository and SHA, least recently used
 * dropped first. A commit's content never changes, so a base analyzed once (only its Prisma
 * queries are used, for the "before" column) is not downloaded and analyzed again for the next
 * pull request on the same base.
 */
export class BaseAnalyses {
  private readonly entries = new Map<string, BaseAnalysis>();

  constructor(private readonly max = MAX_BASES) {}

  get(key: string): BaseAnalysis | undefined {
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(key: string, value: BaseAnalysis): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** This process's. */
export const baseAnalyses = new BaseAnalyses();
