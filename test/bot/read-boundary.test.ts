import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalysisFailed, analyzeSnapshot, DEFAULT_ANALYSIS_LIMITS } from '@premortem/bot';

// A pull request's tsconfig, package.json and premortem config name files; the bot's worker must
// read none outside the snapshot. Each hostile snapshot has a twin whose files are inside, which
// shows that reading them would have been visible in the result.

const work = mkdtempSync(path.join(os.tmpdir(), 'premortem-boundary-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SCHEMA = `model Booking {\n  id Int @id\n  title String\n}\n`;
const HELPER = `export async function save(): Promise<void> { throw new Error(); }\n`;
const SOURCES = {
  'src/list.ts': `declare const prisma: any;\nexport function list() {\n  return prisma.booking.findMany();\n}\n`,
  'src/run.ts': `import { save } from '@shared/helper';\nexport function run(): void {\n  save();\n}\n`,
};

function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
}

/** A snapshot whose schema, tsconfig base and helper live in `shared` (a path relative to it). */
function snapshot(name: string, shared: string): string {
  const root = path.join(work, name, 'repo');
  const sharedDir = path.resolve(root, shared);
  write(sharedDir, { 'schema.prisma': SCHEMA, 'helper.ts': HELPER, 'tsconfig.base.json': JSON.stringify({ compilerOptions: { strict: true, paths: { '@shared/*': [`${sharedDir}/*`] } } }) });
  write(root, {
    ...SOURCES,
    // Every kind of finding: the test is about what the analysis may read, not about the preset.
    '.github/premortem.yml': 'preset: strict\n',
    'package.json': JSON.stringify({ name, prisma: { schema: `${shared}/schema.prisma` } }),
    // `extends` is refused on its own; `paths` here, resolved by the compiler, must be refused too.
    'tsconfig.json': JSON.stringify({ extends: `${shared}/tsconfig.base.json`, compilerOptions: { paths: { '@shared/*': [`${sharedDir}/*`] } }, include: ['src'] }),
  });
  return root;
}

const analyze = (root: string) => analyzeSnapshot({ root, withRules: true }, DEFAULT_ANALYSIS_LIMITS, new AbortController().signal);

describe('the review bot reads nothing outside the snapshot', () => {
  it('uses a schema, tsconfig base and helper inside the snapshot (the twin)', async () => {
    const result = await analyze(snapshot('inside', './vendor'));
    expect(result.queries.map((q) => `${q.file}:${q.line} ${q.model}.${q.operation}`)).toEqual([expect.stringMatching(/src\/list\.ts:3 Booking\.findMany$/)]);
    expect(result.findings.map((f) => `${f.ruleId} ${path.basename(f.file)}:${f.line}`)).toContain('premortem/no-floating-promises run.ts:3');
  }, 60_000);

  it('does not follow package.json, extends or paths out of the snapshot', async () => {
    const result = await analyze(snapshot('outside', '../shared'));
    expect(result.queries).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId === 'premortem/no-floating-promises')).toEqual([]);
    const notes = result.notes.join('\n');
    expect(notes).toMatch(/tsconfig\.json: Cannot read file '.*\/outside\/shared\/tsconfig\.base\.json'/);
    expect(notes).toContain('Prisma schema: package.json prisma.schema is ../shared/schema.prisma, outside the repository, which was not read');
  }, 60_000);

  it('looks for the schema of a snapshot without tsconfig in the snapshot, not in the server folder', async () => {
    const root = path.join(work, 'bare', 'repo');
    write(root, { 'src/list.ts': SOURCES['src/list.ts'], 'prisma/schema.prisma': SCHEMA });
    const result = await analyze(root);
    expect(result.queries.map((q) => `${q.model}.${q.operation}`)).toEqual(['Booking.findMany']);
    expect(result.notes.join('\n')).not.toContain('outside the repository');
  }, 60_000);

  it('refuses a stats file outside the snapshot without quoting it', async () => {
    const root = path.join(work, 'stats', 'repo');
    write(path.join(work, 'stats'), { 'secret.json': 'SECRET-CANARY-do-not-print' });
    write(root, { ...SOURCES, '.github/premortem.yml': 'prisma:\n  stats: ../secret.json\n', 'prisma/schema.prisma': SCHEMA });
    const failure = await analyze(root).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AnalysisFailed);
    expect((failure as Error).message).toContain('prisma.stats in the premortem config is ../secret.json, outside the repository');
    expect((failure as Error).message).not.toContain('SECRET');
  }, 60_000);
});
