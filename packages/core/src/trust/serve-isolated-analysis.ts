import { UsageError } from '../errors.js';
import { runConfiguredAnalysis } from '../engine/configured-analysis.js';
import type { RuleDefinition, TypeScriptModule } from '../rule.js';
import type { IsolatedReply, IsolatedRequest } from './isolated-analysis.js';
import { refuseForeignModules, refusedModules } from './refuse-foreign-modules.js';

const PROGRESS_INTERVAL_MS = 100;

/**
 * The child's side of `runIsolatedAnalysis`: waits for one request, refuses from then on any code
 * outside the installed program, loads TypeScript, analyzes, answers and exits. `loadTypeScript`
 * and `rules` come from the entry script, which knows its own package.
 */
export function serveIsolatedAnalysis(rules: readonly RuleDefinition[], loadTypeScript: () => TypeScriptModule): void {
  const send = (reply: IsolatedReply, then?: () => void) => process.send!(reply, undefined, undefined, then);
  process.once('message', (request: IsolatedRequest) => {
    let reply: IsolatedReply;
    try {
      refuseForeignModules(request.program);
      const ts = loadTypeScript();
      let lastProgress = 0;
      const onProgress = request.progress
        ? (done: number, total: number, building?: string) => {
            const now = Date.now();
            if (now - lastProgress < PROGRESS_INTERVAL_MS && done < total && building === undefined) return;
            lastProgress = now;
            send({ type: 'progress', done, total, ...(building !== undefined ? { building } : {}) });
          }
        : undefined;
      reply = { type: 'result', result: runConfiguredAnalysis(request.recipe, ts, rules, onProgress) };
    } catch (error) {
      reply = error instanceof UsageError ? { type: 'usage', message: error.message } : { type: 'crashed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    // A refusal outweighs any outcome, even one where a dependency swallowed the error.
    const refused = refusedModules();
    send(refused.length > 0 ? { type: 'refused', refused } : reply, () => process.disconnect());
  });
}
