import { performance } from 'node:perf_hooks';

/** Wall time per phase and per rule, for `--timing`. Only allocated when asked for. */
export class Timings {
  private readonly totals = new Map<string, number>();

  add(label: string, ms: number): void {
    this.totals.set(label, (this.totals.get(label) ?? 0) + ms);
  }

  measure<T>(label: string, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.add(label, performance.now() - start);
    }
  }

  wrap<A extends unknown[]>(label: string, handler: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      const start = performance.now();
      handler(...args);
      this.add(label, performance.now() - start);
    };
  }

  entries(): [string, number][] {
    return [...this.totals.entries()].sort((a, b) => b[1] - a[1]);
  }
}
