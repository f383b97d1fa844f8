import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReport, repoRoot, runCli } from '../support/cli.js';

// The command-palette incident in its real form, across the packages of a pnpm workspace with no
// node_modules: apps/web's providers wrap every page in `<PaletteShell withPalette={status ===
// "authenticated"}>` from @schedulr/ui, whose palette runs a tRPC infinite query from @schedulr/trpc.
const fixture = path.join(repoRoot, 'fixtures/palette-monorepo');
const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function copyFixture(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'premortem-palette-'));
  copies.push(dir);
  cpSync(fixture, dir, { recursive: true });
  return dir;
}

function everyPageFindings(dir: string) {
  const result = runCli(['check', '.', '--preset', 'strict', '--format', 'json'], dir);
  expect(result.stderr).not.toContain('premortem bug');
  return parseReport(result.stdout).findings.filter((finding) => finding.ruleId === 'premortem/no-fetch-on-every-page');
}

describe('no-fetch-on-every-page across workspace packages', () => {
  it('reports the palette mounted behind a session check, in the package that holds the hook, with its mount path', () => {
    const findings = everyPageFindings(copyFixture());
    expect(findings.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['packages/ui/src/usePaletteResults.ts:5']);
    const [finding] = findings;
    expect(finding!.message).toContain(
      '`trpc.viewer.bookings.search.useInfiniteQuery` runs on every page load (src/app/layout.tsx → <Providers> → <SessionPalette> → <PaletteShell> → <PaletteRoot> → <Palette> → usePaletteResults())',
    );
    expect(finding!.message).toContain('viewer.bookings.search → `Booking.findMany`: no take');
  });

  it('reports it too when the shell passes the prop as a bare constant', () => {
    const dir = copyFixture();
    const providers = path.join(dir, 'apps/web/src/app/providers.tsx');
    writeFileSync(providers, readFileSync(providers, 'utf8').replace("withPalette={status === 'authenticated'}", 'withPalette'));
    expect(everyPageFindings(dir).map((finding) => `${finding.file}:${finding.line}`)).toEqual(['packages/ui/src/usePaletteResults.ts:5']);
  });

  it('reports it once when two apps mount it (each app\'s Program finds it at the same place)', () => {
    const dir = copyFixture();
    cpSync(path.join(dir, 'apps/web'), path.join(dir, 'apps/admin'), { recursive: true });
    const manifest = path.join(dir, 'apps/admin/package.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('@schedulr/web', '@schedulr/admin'));
    expect(everyPageFindings(dir).map((finding) => `${finding.file}:${finding.line}`)).toEqual(['packages/ui/src/usePaletteResults.ts:5']);
  });

  it('is quiet on the fix: the hooks run only in the opened palette', () => {
    const dir = copyFixture();
    const shell = path.join(dir, 'packages/ui/src/PaletteShell.tsx');
    const source = readFileSync(shell, 'utf8');
    const fixed = source.replace('<Palette onClose={() => setOpen(false)} />', '{open && <Palette onClose={() => setOpen(false)} />}');
    expect(fixed).not.toBe(source);
    writeFileSync(shell, fixed);
    expect(everyPageFindings(dir)).toEqual([]);
  });
});
