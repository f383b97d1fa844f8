export interface HostedTypesBudget {
  /** Wall-clock time for finding, fetching and laying out the types of one analysis. */
  timeoutMs: number;
  /** Tarball bytes downloaded for one analysis (cache hits cost nothing). */
  maxBytes: number;
  /** Packages laid out for one analysis, from the cache or fetched. */
  maxPackages: number;
}

/**
 * One analysis' allowance. Once any part runs out no new package is started; what is already laid
 * out is used, and the summary says the types are partial.
 */
export class Budget {
  /** Aborts at the deadline or with the analysis. */
  readonly signal: AbortSignal;
  downloaded = 0;
  packages = 0;
  /** Which part ran out first, for the summary; undefined while there is some of each left. */
  exhausted: string | undefined;
  readonly #deadline: AbortSignal;

  constructor(
    readonly limits: HostedTypesBudget,
    analysis: AbortSignal,
  ) {
    this.#deadline = AbortSignal.timeout(limits.timeoutMs);
    this.signal = AbortSignal.any([analysis, this.#deadline]);
  }

  /** True when another package may be started (and counts it). */
  takePackage(): boolean {
    if (this.#deadline.aborted) this.exhausted ??= `${Math.round(this.limits.timeoutMs / 1000)} s`;
    else if (this.downloaded >= this.limits.maxBytes) this.exhausted ??= `${Math.round(this.limits.maxBytes / 1e6)} MB`;
    else if (this.packages >= this.limits.maxPackages) this.exhausted ??= `${this.limits.maxPackages} packages`;
    if (this.exhausted !== undefined) return false;
    this.packages += 1;
    return true;
  }

  /** A package that stopped at the deadline: the budget, not the package, is to blame. */
  timedOut(): boolean {
    if (!this.#deadline.aborted) return false;
    this.exhausted ??= `${Math.round(this.limits.timeoutMs / 1000)} s`;
    return true;
  }
}
