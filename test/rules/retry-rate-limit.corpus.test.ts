import path from 'node:path';
import { describe, it } from 'vitest';
import { repoRoot } from '../support/cli.js';
import { expectExactlyLabelled } from '../support/labelled-corpus.js';

// A corpus written from the two rules' specification by someone who did not read the detectors:
// a scheduling monorepo (~3,600 lines) with Next.js (both routers), Express, Fastify, Hono and
// NestJS services, retry libraries, cockatiel policies, googleapis, TanStack Query, tRPC and SWR,
// labelled `// expect: <rule>`. It has no node_modules, as the hosted bot sees a repository. Its
// README records the first, held-out run (retry P 1.0 R 0.88; rate limit P 0.96 R 0.79) and
// what changed since.
const corpus = path.join(repoRoot, 'fixtures/corpus/retry-rate-limit');
const RULES = ['no-unbounded-retry', 'require-rate-limit'] as const;

describe('no-unbounded-retry and require-rate-limit on the labelled corpus', () => {
  it('report exactly the labelled lines (precision and recall 1.0; the issue asks for 0.95)', () => {
    expectExactlyLabelled(corpus, corpus, RULES, 30);
  });
});
