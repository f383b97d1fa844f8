import { describe, expect, it } from 'vitest';
import { createProject, parseReport, runCli, strictTsconfig } from '../support/cli.js';

const files = {
  'tsconfig.json': strictTsconfig,
  'prisma/schema.prisma': `model User {\n  id Int @id\n  bookings Booking[]\n}\nmodel Booking {\n  id Int @id\n  userId Int\n  user User @relation(fields: [userId], references: [id])\n  @@index([userId])\n}\n`,
  'src/search.ts': `declare const prisma: any;\nexport const search = (userId: number) => prisma.booking.findMany({ where: { userId } });\n`,
};

describe('.github/premortem.yml', () => {
  it('sets table sizes that the estimates use', () => {
    const dir = createProject({ ...files, '.github/premortem.yml': 'prisma:\n  rows:\n    Booking: 5000000\n    User: 1000\n' });
    const [query] = parseReport(runCli(['queries', '--format', 'json'], dir).stdout).queries;
    expect(query).toMatchObject({ model: 'Booking', bounded: false, index: 'Booking(userId)', estimatedRows: 5000 });
  });

  it('rejects an invalid file with exit 2, naming the key and the problem', () => {
    const dir = createProject({ ...files, '.github/premortem.yml': 'prisma:\n  rows:\n    Booking: lots\n' });
    const result = runCli(['check'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/premortem\.yml is invalid:\n  prisma\.rows\.Booking: /);
  });

  it('rejects YAML that does not parse', () => {
    const dir = createProject({ ...files, '.github/premortem.yml': 'prisma: [unclosed\n' });
    const result = runCli(['check'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/premortem\.yml is not valid YAML/);
  });

  describe('rules and ignore', () => {
    const code = {
      'tsconfig.json': strictTsconfig,
      'src/jobs.ts': `export async function sync(): Promise<void> { throw new Error(); }\nexport function start() {\n  sync();\n}\n`,
      'src/refresh.ts': `declare function refresh(): Promise<string>;\nexport async function forever() {\n  while (true) {\n    try {\n      return await refresh();\n    } catch {\n      continue;\n    }\n  }\n}\n`,
      'legacy/old.ts': `export async function task(): Promise<void> { throw new Error(); }\ntask();\n`,
      'src/upload.ts': `import pRetry from 'p-retry';\ndeclare function put(): Promise<void>;\nexport const upload = () => pRetry(put, { retries: 5 });\n`,
    };
    const report = (yml: string) => {
      const result = runCli(['check', '--format', 'json'], createProject({ ...code, '.github/premortem.yml': yml }));
      return { ...result, findings: result.status === 2 ? [] : parseReport(result.stdout).findings.map((f) => `${f.ruleId.replace('premortem/', '')} ${f.severity} ${f.file}:${f.line}`) };
    };

    it('turn rules off, change their severity, and silence ignored files', () => {
      const baseline = report('preset: strict\n');
      expect(baseline.findings).toEqual([
        'no-floating-promises error legacy/old.ts:2',
        'no-floating-promises error src/jobs.ts:3',
        'no-unbounded-retry error src/refresh.ts:3',
      ]);
      const configured = report('preset: strict\nrules:\n  no-unbounded-retry: off\n  premortem/no-floating-promises: warn\nignore:\n  - legacy/**\n');
      expect(configured.findings).toEqual(['no-floating-promises warning src/jobs.ts:3']);
      expect(configured.status).toBe(0);
    });

    it('pass options checked against the rule schema', () => {
      const options = report('rules:\n  no-unbounded-retry:\n    options:\n      maxRetries: 3\n  no-floating-promises: off\n');
      expect(options.findings).toEqual(['no-unbounded-retry error src/refresh.ts:3', 'no-unbounded-retry warning src/upload.ts:3']);
      const wrong = report('rules:\n  no-unbounded-retry:\n    options:\n      maxRetries: many\n      colour: red\n  no-such-rule: error\n');
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain('premortem.yml is invalid:');
      expect(wrong.stderr).toMatch(/rules\.no-unbounded-retry\.options\.maxRetries: .*expected number/);
      expect(wrong.stderr).toMatch(/rules\.no-unbounded-retry\.options: .*colour/);
      expect(wrong.stderr).toMatch(/rules\.no-such-rule: no such rule\. Known rules: premortem\/no-floating-promises/);
    });

    it('choose the kinds of finding a rule reports with options.kinds, as the ESLint option does', () => {
      const voided = { ...code, 'src/jobs.ts': `${code['src/jobs.ts']}export function later() {\n  void sync();\n}\n` };
      const kinds = (yml: string) => {
        const result = runCli(['check', '--format', 'json'], createProject({ ...voided, '.github/premortem.yml': yml }));
        return result.status === 2 ? result.stderr : parseReport(result.stdout).findings.map((f) => `${f.kind} ${f.file}:${f.line}`);
      };
      expect(kinds('preset: strict\nrules:\n  no-unbounded-retry: off\n')).toEqual(['floatingAtStart legacy/old.ts:2', 'floating src/jobs.ts:3', 'floatingVoid src/jobs.ts:6']);
      expect(kinds('preset: strict\nrules:\n  no-unbounded-retry: off\n  no-floating-promises:\n    options: { kinds: [floatingVoid] }\n')).toEqual(['floatingVoid src/jobs.ts:6']);
      expect(kinds('rules:\n  no-floating-promises:\n    options: { kinds: [floatingSometimes] }\n')).toMatch(
        /rules\.no-floating-promises\.options\.kinds: expected a non-empty list of this rule's kinds of finding \(floating, /,
      );
    });
  });
});
