import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './cli.js';

export const calendarApp = path.join(repoRoot, 'fixtures/calendar-app');

const LAYOUT = 'app/layout.tsx';
const ROUTER = 'src/server/routers/bookings.ts';
const original = (file: string) => readFileSync(path.join(calendarApp, file), 'utf8');

/**
 * The KBar outage as a pull request on the fixture app. `base`: the palette is not mounted and the
 * search is capped. `head` (the fixture as committed): the root layout mounts `<CommandPalette/>`,
 * whose hook runs the search on every page, and the search lost its `take`. `fixed`: a later push
 * mounts the palette that only searches while open, and caps the search again.
 */
export const kbarPullRequest: Record<'base' | 'head' | 'fixed', Record<string, string>> = {
  base: {
    [LAYOUT]: original(LAYOUT)
      .replace("import { CommandPalette } from '@/components/CommandPalette';\n", '')
      .replace('          <CommandPalette />\n', ''),
    [ROUTER]: capSearch(original(ROUTER)),
  },
  head: { [LAYOUT]: original(LAYOUT), [ROUTER]: original(ROUTER) },
  fixed: {
    [LAYOUT]: original(LAYOUT)
      .replace("import { CommandPalette } from '@/components/CommandPalette';", "import { CommandPaletteFixed } from '@/components/CommandPaletteFixed';")
      .replace('<CommandPalette />', '<CommandPaletteFixed />'),
    [ROUTER]: capSearch(original(ROUTER)),
  },
};

function capSearch(router: string): string {
  const uncapped = "      orderBy: { startTime: 'desc' },\n      select: bookingSummary,\n    });";
  if (!router.includes(uncapped)) throw new Error(`${ROUTER} changed; update test/support/calendar-pull-request.ts`);
  return router.replace(uncapped, "      orderBy: { startTime: 'desc' },\n      take: SEARCH_RESULT_LIMIT,\n      select: bookingSummary,\n    });");
}

/** Copies the fixture app (its installed dependencies linked, not copied) into `dir`, in one state. */
export function writeCalendarApp(dir: string, state: 'base' | 'head' | 'fixed', { linkDependencies = true } = {}): void {
  cpSync(calendarApp, dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}node_modules`) });
  if (linkDependencies) symlinkSync(path.join(calendarApp, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  applyState(dir, state);
}

export function applyState(dir: string, state: 'base' | 'head' | 'fixed'): void {
  for (const [file, content] of Object.entries(kbarPullRequest[state])) writeFileSync(path.join(dir, file), content);
}
