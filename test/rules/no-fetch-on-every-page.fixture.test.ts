import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReport, repoRoot, runCli } from '../support/cli.js';

// The command-palette incident, rebuilt in the calendar fixture with its real dependencies and
// generated Prisma client: root layout → <CommandPalette> → useBookingSearch() → tRPC procedure
// → findMany with no take. Each test works on a copy, so it can apply a fix.
const fixture = path.join(repoRoot, 'fixtures/calendar-app');
const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function copyFixture(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'premortem-kbar-'));
  copies.push(dir);
  cpSync(fixture, dir, { recursive: true, filter: (source) => !source.startsWith(path.join(fixture, 'node_modules')) });
  symlinkSync(path.join(fixture, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function everyPageFindings(dir: string) {
  const result = runCli(['check', '.', '--rule', 'no-fetch-on-every-page', '--format', 'json'], dir);
  expect(result.stderr).not.toContain('premortem bug');
  return parseReport(result.stdout).findings;
}

const palette = (dir: string) => path.join(dir, 'src/components/CommandPalette.tsx');

describe('no-fetch-on-every-page on the command-palette incident', () => {
  it('names the whole path, from the layout to the unbounded query, with its estimate', () => {
    const findings = everyPageFindings(copyFixture());
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(`${finding!.file}:${finding!.line}`).toBe('src/hooks/useBookingSearch.ts:14');
    expect(finding!.severity).toBe('error');
    expect(finding!.message).toMatch(
      /^`trpc\.bookings\.search\.useQuery` runs on every page load \(app\/layout\.tsx → <CommandPalette> → useBookingSearch\(\)\), and each run executes bookings\.search → `Booking\.findMany`: no take, grows with the user's bookings \(about [\d,]+ rows estimated\)/,
    );
    expect(finding!.path!.map((step) => `${step.file}:${step.line} ${step.label}`)).toEqual([
      'app/layout.tsx:11 app/layout.tsx (root layout, RootLayout)',
      'app/layout.tsx:17 <CommandPalette>',
      'src/components/CommandPalette.tsx:15 useBookingSearch()',
      'src/hooks/useBookingSearch.ts:14 trpc.bookings.search.useQuery()',
      'src/server/routers/bookings.ts:25 bookings.search (tRPC query)',
      "src/server/routers/bookings.ts:26 Booking.findMany: no take, grows with the user's bookings",
    ]);
  });

  it('is gone when the search is gated on the open state', () => {
    const dir = copyFixture();
    const source = readFileSync(palette(dir), 'utf8')
      .replace("import { useBookingSearch } from '@/hooks/useBookingSearch';", "import { useBookingSearchWhenOpen } from '@/hooks/useBookingSearch';")
      .replace('useBookingSearch(term);', 'useBookingSearchWhenOpen(term, open);');
    expect(source).toContain('useBookingSearchWhenOpen(term, open)');
    writeFileSync(palette(dir), source);
    expect(everyPageFindings(dir)).toEqual([]);
  });

  it('is gone when the hook moves under the open-state branch', () => {
    const dir = copyFixture();
    const source = readFileSync(palette(dir), 'utf8')
      .replace('  const search = useBookingSearch(term);\n', '')
      .replace('  if (!open) return null;\n', '  if (!open) return null;\n  return <PaletteBody term={term} setTerm={setTerm} close={() => setOpen(false)} />;\n}\n\nfunction PaletteBody({ term, setTerm, close }: { term: string; setTerm: (term: string) => void; close: () => void }) {\n  const search = useBookingSearch(term);\n  const setOpen = (_open: false) => close();\n')
    ;
    expect(source).toContain('function PaletteBody');
    writeFileSync(palette(dir), source);
    const check = runCli(['check', '.', '--rule', 'no-fetch-on-every-page', '--format', 'json'], dir);
    expect(parseReport(check.stdout).findings).toEqual([]);
    // The same hook still runs on every render of the open palette: no-fetch-in-render has no say
    // (data hooks deduplicate), and the unbounded query itself is still reported where it is.
    const query = runCli(['check', '.', '--rule', 'no-unbounded-query', '--format', 'json'], dir);
    expect(parseReport(query.stdout).findings.map((f) => `${f.file}:${f.line}`)).toContain('src/server/routers/bookings.ts:26');
  });
});
