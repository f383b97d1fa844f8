import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeSnapshot, DEFAULT_ANALYSIS_LIMITS } from '@premortem/bot';

// The bot analyzes a snapshot through the same engine as the CLI: the same production scope.
const work = mkdtempSync(path.join(os.tmpdir(), 'premortem-bot-scope-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FLOATING = 'export async function task(): Promise<void> { throw new Error(); }\ntask();\n';
const QUERY = 'declare const prisma: any;\nexport const list = () => prisma.booking.findMany();\n';

function snapshot(name: string, yml?: string): string {
  const root = path.join(work, name);
  const files: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'ESNext', moduleResolution: 'Bundler', types: [] } }),
    'prisma/schema.prisma': 'model Booking {\n  id Int @id\n}\n',
    'src/jobs.ts': FLOATING,
    'src/jobs.test.ts': FLOATING,
    'src/bookings.ts': QUERY,
    'prisma/seed.ts': `${QUERY}${FLOATING}`,
    // Every kind of finding (the test is about scope, not the preset), then the scope under test.
    '.github/premortem.yml': `preset: strict\n${yml ?? ''}`,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

async function analyze(root: string): Promise<{ findings: string[]; queries: string[] }> {
  const result = await analyzeSnapshot({ root, withRules: true }, DEFAULT_ANALYSIS_LIMITS, new AbortController().signal);
  const relative = (file: string) => path.relative(root, path.resolve(root, file));
  return { findings: result.findings.map((f) => `${f.ruleId} ${relative(f.file)}`).sort(), queries: result.queries.map((q) => relative(q.file)).sort() };
}

describe('the bot', () => {
  it('reports no finding and lists no query in test or seed code', async () => {
    expect(await analyze(snapshot('defaults'))).toEqual({
      findings: ['premortem/no-floating-promises src/jobs.ts', 'premortem/no-unbounded-query src/bookings.ts'],
      queries: ['src/bookings.ts'],
    });
  });

  it("follows the repository's configured scope", async () => {
    expect(await analyze(snapshot('configured', "scope:\n  include: ['prisma/**']\n"))).toEqual({
      findings: ['premortem/no-floating-promises prisma/seed.ts', 'premortem/no-floating-promises src/jobs.ts', 'premortem/no-unbounded-query prisma/seed.ts', 'premortem/no-unbounded-query src/bookings.ts'],
      queries: ['prisma/seed.ts', 'src/bookings.ts'],
    });
  });
});
