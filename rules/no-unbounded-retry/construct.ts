import type ts from 'typescript';

/** How the wait between attempts behaves. */
export type Delay = 'none' | 'constant' | 'growing' | 'unknown';

/** One place that re-attempts failed work, with what the code says about its limits. */
export interface RetryConstruct {
  /** Where a report about it goes: the loop keyword, the library call, the option, the recursive call. */
  node: ts.Node;
  /** How the message names it: `while (true) loop`, `pRetry`, `retry: true`. */
  label: string;
  /** How a message about it begins, when not from the label (`This \`useSWR(…)\` hook`). */
  subject?: string;
  /** Total attempts (first try included); Infinity when nothing stops it; undefined when bounded by a value the code computes. */
  attempts: number | undefined;
  /** The condition that bounds the attempts when its value is computed at run time (`attempt < maxAttempts`). */
  bound?: string;
  /** Bounded by elapsed time (`Date.now() < deadline`): a poll with a budget, at most budget / interval attempts. */
  deadline?: boolean;
  delay: Delay;
  /** How a growing wait grows, when the code shows it: only exponential backoff is held to the jitter advice. */
  growth?: 'linear' | 'exponential';
  /** The wait between attempts as the code spells it (`sleep(RETRY_MS)`). */
  wait?: string;
  /** Goes again only on a lost race (a unique constraint, a deadlock, a compare-and-swap that matched no row): retrying at once is right. */
  conflict?: boolean;
  /** Whether the wait is randomized; undefined when the rule does not judge it (library defaults). */
  jitter: boolean | undefined;
  /** Hand-written by the project (loops, recursion): only these are held to the jitter advice. */
  handWritten: boolean;
  /** A 4xx status other than 408/429 that the code retries on, when it says so. */
  permanentFailure?: ts.Node;
  /** The code each attempt runs: where a nested retry multiplies the attempts. */
  attempted?: ts.Node;
  /** Where the defaults it relies on come from, for the message. */
  source?: string;
  /** Runs work under a retry declared elsewhere (`policy.execute(fn)`, a `useSWR` hook on SWR's defaults): judged where declared, multiplied here. */
  executes?: boolean;
  /** Sets the defaults of retries that run elsewhere (`new QueryClient()`): judged here, never multiplied here. */
  configures?: boolean;
  /** A client built with TanStack Query's default `retry`, which retries 4xx errors too. */
  retriesClientErrors?: boolean;
  /** What an `onError` handler does on every failed attempt of a retry with no count limit (`toast.error()`). */
  repeatsOnError?: string;
  /** A finding's severity, when the construct itself says (SWR's unbounded retries back off with jitter). */
  severity?: 'warning';
}
