import { performance } from 'node:perf_hooks';
import type { TypeQueries } from '../compiler-surface.js';

/**
 * Wall time per phase and per rule, for `--timing`. Only allocated when asked for. Times are
 * exclusive: a measurement nested in another (a rule's type queries inside its handler, a rule
 * inside the walk) is charged to its own label only, so the rows add up to the run.
 */
export class Timings {
  private readonly totals = new Map<string, number>();
  private readonly open: { nestedMs: number }[] = [];

  add(label: string, ms: number): void {
    this.totals.set(label, (this.totals.get(label) ?? 0) + ms);
  }

  measure<T>(label: string, work: () => T): T {
    const frame = { nestedMs: 0 };
    this.open.push(frame);
    const start = performance.now();
    try {
      return work();
    } finally {
      const elapsed = performance.now() - start;
      this.open.pop();
      this.add(label, elapsed - frame.nestedMs);
      const parent = this.open.at(-1);
      if (parent) parent.nestedMs += elapsed;
    }
  }

  wrap<A extends unknown[]>(label: string, handler: (...args: A) => void): (...args: A) => void {
    return (...args) => this.measure(label, () => handler(...args));
  }

  /**
   * The same checker, with every call timed under `label`. Types are computed lazily and cached,
   * so a type is charged to the first caller that needs it.
   */
  timeChecker(checker: TypeQueries, label: string): TypeQueries {
    const timed = new Map<PropertyKey, unknown>();
    return new Proxy(checker, {
      get: (target, key) => {
        const value: unknown = Reflect.get(target, key);
        if (typeof value !== 'function') return value;
        let wrapper = timed.get(key);
        if (!wrapper) {
          wrapper = (...args: unknown[]): unknown => this.measure(label, () => (value as (...a: unknown[]) => unknown).apply(target, args));
          timed.set(key, wrapper);
        }
        return wrapper;
      },
    });
  }

  entries(): [string, number][] {
    return [...this.totals.entries()].sort((a, b) => b[1] - a[1]);
  }
}
