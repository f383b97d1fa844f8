import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { planProjects } from '@premortem/core';
import { parseReport, repoRoot, runCli } from '../support/cli.js';

// A pnpm workspace as the review bot receives it: no node_modules, no .git, nothing built. It is
// copied out of this repository first, so that neither our .git nor our fixtures/ folder is above it.
const fixture = path.join(repoRoot, 'fixtures/monorepo');
const copies: string[] = [];
function copyFixture(filter: (relative: string) => boolean = () => true): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'premortem-workspace-'));
  copies.push(dir);
  cpSync(fixture, dir, { recursive: true, filter: (source) => filter(path.relative(fixture, source).split(path.sep).join('/')) });
  return dir;
}
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

const bare = copyFixture();
const check = runCli(['check', '.', '--preset', 'strict', '--format', 'json'], bare);
const report = parseReport(check.stdout);

describe('a monorepo analyzed without node_modules', () => {
  it('applies tsconfigs extended by package name, at every level, and says nothing is missing', () => {
    expect(check.stderr).not.toMatch(/not found/);
    // `@/lib/visits` is an alias of the base the app extends by name: only with it is logVisit known to return a promise.
    const floating = report.findings.filter((finding) => finding.ruleId === 'premortem/no-floating-promises');
    expect(floating.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['apps/web/src/app/api/reminders/route.ts:8', 'apps/web/src/app/api/reminders/route.ts:9']);
  });

  it("takes the options of a base extended by a subpath (`@acme/tsconfig/nextjs.json`) or by the package's `tsconfig` field", () => {
    const plan = planProjects({ ts, cwd: bare, paths: [] });
    const optionsOf = (folder: string) => plan.projects.find((project) => project.tsconfigPath === path.join(bare, folder, 'tsconfig.json'))!.options;
    const web = optionsOf('apps/web');
    // nextjs.json sets jsx and the alias, and extends @acme/tsconfig/base.json for the rest: every level of the chain applies.
    expect([web.jsx, web.moduleResolution, web.strict]).toEqual([ts.JsxEmit.Preserve, ts.ModuleResolutionKind.Bundler, true]);
    expect(web.paths).toEqual({ '@/*': [`${path.join(bare, 'apps/web')}/src/*`] });
    const db = optionsOf('packages/db');
    expect([db.moduleResolution, db.strict, db.jsx]).toEqual([ts.ModuleResolutionKind.Bundler, true, undefined]);
    expect(plan.notes).not.toContainEqual(expect.stringMatching(/not found/));
  });

  it('resolves workspace packages and their subpaths to their sources when the exports name unbuilt files', () => {
    // Line 8 calls `@acme/db/jobs/reminders` (an `exports` pattern to dist/, which does not exist): floating only if it resolved.
    expect(report.findings.some((finding) => finding.ruleId === 'premortem/no-floating-promises' && finding.line === 8)).toBe(true);
    expect(report.findings.filter((finding) => finding.ruleId === 'premortem/no-unbounded-query').map((finding) => `${finding.file}:${finding.line}`)).toEqual([
      'apps/web/src/app/bookings/page.tsx:4',
    ]);
  });

  it('keeps what TypeScript resolves itself: a package installed in node_modules wins (the twin of the test above)', () => {
    const installed = copyFixture();
    const stub = path.join(installed, 'apps/web/node_modules/@acme/db');
    mkdirSync(path.join(stub, 'jobs'), { recursive: true });
    writeFileSync(path.join(stub, 'package.json'), JSON.stringify({ name: '@acme/db', exports: { './jobs/*': { types: './jobs/*.d.ts' } } }));
    writeFileSync(path.join(stub, 'jobs/reminders.d.ts'), 'export declare function sendReminders(userId: string): void;\n');
    const findings = parseReport(runCli(['check', '.', '--rule', 'no-floating-promises', '--format', 'json'], installed).stdout).findings;
    expect(findings.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['apps/web/src/app/api/reminders/route.ts:9']);
  });

  // booking.prisma holds `/** */` doc comments and `@@index(status)` without brackets, which Prisma
  // accepts: the Booking queries exist only if that file was read, and the page's filter on status
  // is served by the bracketless index.
  it("reads the multi-file schema that the client's package names in prisma.config.ts", () => {
    expect(report.queries.map((query) => `${query.file}:${query.line} ${query.model}.${query.operation} ${query.bounded} ${query.index}`)).toEqual([
      'apps/web/src/app/bookings/page.tsx:4 Booking.findMany false Booking(status)',
      'apps/web/src/lib/visits.ts:4 Visit.create true none',
      'packages/db/src/jobs/reminders.ts:6 Booking.updateMany false Booking(userId,startsAt)',
    ]);
  });

  it('leaves out the packages a ! glob excludes from the workspace', () => {
    // packages/legacy-db is also named @acme/db: were it a workspace package, the two would be said to clash.
    expect(check.stderr).not.toMatch(/both named/);
  });

  it('finds the repository root without .git: findings from an app folder keep their fingerprints', () => {
    const fromApp = parseReport(runCli(['check', '.', '--preset', 'strict', '--format', 'json'], path.join(bare, 'apps/web')).stdout);
    const fingerprints = (findings: typeof report.findings) => findings.map((finding) => finding.fingerprint).sort();
    expect(fromApp.findings.length).toBeGreaterThan(0);
    expect(fingerprints(fromApp.findings)).toEqual(fingerprints(report.findings.filter((finding) => finding.file.startsWith('apps/web/'))));
  });

  it('says so when code imports Prisma client and no schema is found (the twin: the schema folder removed)', () => {
    const withoutSchema = copyFixture((relative) => !relative.startsWith('packages/db/schema'));
    const result = runCli(['queries', '--format', 'json'], withoutSchema);
    expect(parseReport(result.stdout).queries).toEqual([]);
    expect(result.stderr).toMatch(/packages\/db\/src\/client\.ts and 1 more file\(s\) import Prisma's client, but no schema was found for apps\/web \(in its folder, its workspace dependencies or the repository\)/);
    expect(check.stderr).not.toMatch(/no schema was found/);
  });
});

// An Nx monorepo as the bot receives it: one install at the root (its lockfile), no workspace
// declared, apps that reach shared code through tsconfig paths, and Prisma's schema named in
// `.config/prisma.ts` at the root. A NestJS service gets the client injected.
describe('a monorepo with one lockfile and no workspaces, analyzed without node_modules', () => {
  const files = (lockfile: boolean): Record<string, string> => ({
    ...(lockfile ? { 'package-lock.json': '{ "lockfileVersion": 3 }' } : {}),
    'package.json': JSON.stringify({ name: 'finance', private: true }),
    'tsconfig.base.json': JSON.stringify({ compilerOptions: { strict: true, experimentalDecorators: true, baseUrl: '.', paths: { '@finance/common': ['libs/common/src/index.ts'] } } }),
    '.config/prisma.ts': "import { defineConfig } from 'prisma/config';\nimport { join } from 'node:path';\nexport default defineConfig({ schema: join(__dirname, '..', 'prisma', 'schema.prisma') });\n",
    'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n}\nmodel Order {\n  id     String @id\n  userId String\n}\n',
    'libs/common/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] }),
    'libs/common/src/index.ts': "export type { Order } from '@prisma/client';\n",
    'apps/api/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] }),
    'apps/api/src/prisma.service.ts': "import { Injectable } from '@nestjs/common';\nimport { PrismaClient } from '@prisma/client';\n@Injectable()\nexport class PrismaService extends PrismaClient {}\n",
    'apps/api/src/order.service.ts': [
      "import { Injectable } from '@nestjs/common';",
      "import type { Order } from '@finance/common';",
      "import { PrismaService } from './prisma.service';",
      '@Injectable()',
      'export class OrderService {',
      '  constructor(private readonly prismaService: PrismaService) {}',
      '  orders(userId: string): Promise<Order[]> {',
      '    return this.prismaService.order.findMany({ where: { userId } });',
      '  }',
      '}',
      '',
    ].join('\n'),
  });
  const project = (lockfile: boolean) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'premortem-nx-'));
    copies.push(dir);
    for (const [name, content] of Object.entries(files(lockfile))) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    return dir;
  };

  it("reads the root's schema for an app's tsconfig: the lockfile's folder is the repository root", () => {
    const result = runCli(['queries', '--format', 'json'], project(true));
    expect(result.stderr).not.toMatch(/no schema was found/);
    expect(parseReport(result.stdout).queries.map((query) => `${query.file}:${query.line} ${query.model}.${query.operation}`)).toEqual(['apps/api/src/order.service.ts:8 Order.findMany']);
  });

  it('says no schema was found for the app when nothing marks the root (the twin: no lockfile)', () => {
    const result = runCli(['queries', '--format', 'json'], project(false));
    expect(parseReport(result.stdout).queries).toEqual([]);
    expect(result.stderr).toMatch(/import Prisma's client, but no schema was found/);
  });
});
