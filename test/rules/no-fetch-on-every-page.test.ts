import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '@premortem/rules';
import type { Finding } from '@premortem/core';
import { analyzeProject } from '../support/analyze-project.js';
import { NEXT_APP_TSCONFIG } from '../support/fixture-tsconfig.js';

const rule = rules.find((r) => r.name === 'no-fetch-on-every-page')!;

// A small Next.js + tRPC + Prisma app with no node_modules: the mode the hosted bot runs in.
// Every hook call that must be reported carries `// expect`.
const base: Record<string, string> = {
  'tsconfig.json': NEXT_APP_TSCONFIG,
  'prisma/schema.prisma': `datasource db {\n  provider = "postgresql"\n}\n
model User {\n  id       Int       @id @default(autoincrement())\n  email    String    @unique\n  bookings Booking[]\n  notifications Notification[]\n}\n
model Booking {\n  id        Int      @id @default(autoincrement())\n  uid       String   @unique\n  title     String\n  startTime DateTime\n  userId    Int\n  user      User     @relation(fields: [userId], references: [id])\n  @@index([userId, startTime])\n}\n
model Notification {\n  id     Int     @id @default(autoincrement())\n  read   Boolean @default(false)\n  userId Int\n  user   User    @relation(fields: [userId], references: [id])\n  @@index([userId])\n}\n`,
  'src/server/db.ts': `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`,
  'src/server/trpc.ts': `import { initTRPC } from '@trpc/server';\nconst t = initTRPC.context<{ userId: number }>().create();\nexport const router = t.router;\nexport const procedure = t.procedure;\n`,
  'src/server/routers/bookings.ts': `import { prisma } from '../db';\nimport { procedure, router } from '../trpc';\nimport { searchBookings } from '../handlers/search';\n
export const bookingsRouter = router({
  search: procedure.query(({ ctx }) => searchBookings(ctx.userId)),
  recent: procedure.query(({ ctx }) => prisma.booking.findMany({ where: { userId: ctx.userId }, orderBy: { startTime: 'desc' }, take: 5 })),
});\n`,
  'src/server/handlers/search.ts': `import { prisma } from '../db';\nexport async function searchBookings(userId: number) {\n  return prisma.booking.findMany({ where: { userId }, orderBy: { startTime: 'desc' } });\n}\n`,
  'src/server/routers/viewer.ts': `import { prisma } from '../db';\nimport { procedure, router } from '../trpc';\nimport { bookingsRouter } from './bookings';\n
export const viewerRouter = router({
  me: procedure.query(({ ctx }) => prisma.user.findUnique({ where: { id: ctx.userId } })),
  session: procedure.query(({ ctx }) => ({ userId: ctx.userId })),
  bookings: bookingsRouter,
});\n`,
  'src/server/routers/_app.ts': `import { router } from '../trpc';\nimport { viewerRouter } from './viewer';\nexport const appRouter = router({ viewer: viewerRouter });\nexport type AppRouter = typeof appRouter;\n`,
  'src/utils/trpc.ts': `import { createTRPCReact } from '@trpc/react-query';\nimport type { AppRouter } from '@/server/routers/_app';\nexport const trpc = createTRPCReact<AppRouter>();\n`,
  'app/api/notifications/route.ts': `import { prisma } from '@/server/db';\nexport async function GET() {\n  const rows = await prisma.notification.findMany({ where: { userId: 1, read: false } });\n  return Response.json(rows);\n}\n`,
  'app/page.tsx': `'use client';\nimport { trpc } from '@/utils/trpc';\nexport default function Home() {\n  const all = trpc.viewer.bookings.search.useQuery();\n  return <p>{String(all.data)}</p>;\n}\n`,
};

function run(files: Record<string, string>, options?: object): { findings: Finding[]; dir: string } {
  const { findings, dir, notes } = analyzeProject(rule, { ...base, ...files }, options);
  expect(notes.filter((note) => note.includes('premortem bug'))).toEqual([]);
  return { findings, dir };
}

const at = (dir: string, findings: Finding[]) => findings.map((f) => `${path.relative(dir, f.file)}:${f.line}`).sort();

function expected(files: Record<string, string>): string[] {
  return Object.entries(files)
    .flatMap(([name, content]) => content.split('\n').flatMap((line, i) => (line.includes('// expect') ? [`${name}:${i + 1}`] : [])))
    .sort();
}

const layout = (body: string, imports: string) =>
  `import type { ReactNode } from 'react';\n${imports}\nexport default function RootLayout({ children }: { children: ReactNode }) {\n  return (\n    <html>\n      <body>\n${body}\n        {children}\n      </body>\n    </html>\n  );\n}\n`;

describe('no-fetch-on-every-page', () => {
  it('reconstructs the command-palette incident: layout → palette → hook → procedure → unbounded findMany', () => {
    const files = {
      'app/layout.tsx': layout(`        <Palette />`, `import { Palette } from '@/components/Palette';`),
      'src/components/Palette.tsx': `'use client';\nimport { useState } from 'react';\nimport { usePaletteSearch } from '@/hooks/usePaletteSearch';\nexport function Palette() {\n  const [open, setOpen] = useState(false);\n  const hits = usePaletteSearch('');\n  if (!open) return <button onClick={() => setOpen(true)}>⌘K</button>;\n  return <ul>{String(hits.data)}</ul>;\n}\n`,
      'src/hooks/usePaletteSearch.ts': `import { trpc } from '@/utils/trpc';\nexport function usePaletteSearch(term: string) {\n  return trpc.viewer.bookings.search.useQuery({ term }); // expect\n}\n`,
    };
    const { findings, dir } = run(files);
    expect(at(dir, findings)).toEqual(expected(files));
    const [finding] = findings;
    expect(finding!.severity).toBe('error');
    expect(finding!.message).toContain('runs on every page load (app/layout.tsx → <Palette> → usePaletteSearch())');
    expect(finding!.message).toContain('viewer.bookings.search → `Booking.findMany`: no take');
    expect(finding!.path!.map((step) => step.label)).toEqual([
      'app/layout.tsx (root layout, RootLayout)',
      '<Palette>',
      'usePaletteSearch()',
      'trpc.viewer.bookings.search.useQuery()',
      'viewer.bookings.search (tRPC query)',
      'searchBookings()',
      "Booking.findMany: no take, grows with the user's bookings",
    ]);
    expect(finding!.path!.map((step) => `${path.relative(dir, step.file)}:${step.line}`)).toEqual([
      'app/layout.tsx:3',
      'app/layout.tsx:7',
      'src/components/Palette.tsx:6',
      'src/hooks/usePaletteSearch.ts:3',
      'src/server/routers/bookings.ts:6',
      'src/server/routers/bookings.ts:6',
      'src/server/handlers/search.ts:3',
    ]);
  });

  it('stays quiet on gated fetches: enabled, skipToken, conditional subtrees, early returns, lazy components, pages', () => {
    const files = {
      'app/layout.tsx': layout(
        `        <Enabled />\n        <Skipped />\n        <Toggle />\n        <EarlyReturn />\n        <LazyPanel />`,
        `import { lazy } from 'react';\nimport { Enabled, Skipped, Toggle, EarlyReturn } from '@/components/gated';\nconst LazyPanel = lazy(() => import('@/components/Heavy'));`,
      ),
      'src/components/gated.tsx': `'use client';
import { useState } from 'react';
import { skipToken } from '@tanstack/react-query';
import { trpc } from '@/utils/trpc';
export function Enabled() {
  const [open] = useState(false);
  const q = trpc.viewer.bookings.search.useQuery(undefined, { enabled: open });
  return <p>{String(q.data)}</p>;
}
export function Skipped() {
  const [open] = useState(false);
  const q = trpc.viewer.bookings.search.useQuery(open ? { term: 'x' } : skipToken);
  return <p>{String(q.data)}</p>;
}
function Results() {
  const q = trpc.viewer.bookings.search.useQuery();
  return <p>{String(q.data)}</p>;
}
export function Toggle() {
  const [open] = useState(false);
  return <div>{open && <Results />}{open ? <Results /> : null}</div>;
}
export function EarlyReturn() {
  const [open] = useState(false);
  if (!open) return null;
  return <Results />;
}
`,
      'src/components/Heavy.tsx': `import { trpc } from '@/utils/trpc';\nexport default function Heavy() {\n  const q = trpc.viewer.bookings.search.useQuery();\n  return <p>{String(q.data)}</p>;\n}\n`,
    };
    expect(run(files).findings).toEqual([]);
  });

  it('cheap lookups are quiet by default and warnings with cheapLookups: warn', () => {
    const files = {
      'app/layout.tsx': layout(`        <UserMenu />`, `import { UserMenu } from '@/components/UserMenu';`),
      'src/components/UserMenu.tsx': `'use client';\nimport { trpc } from '@/utils/trpc';\nexport function UserMenu() {\n  const me = trpc.viewer.me.useQuery(); // expect\n  const session = trpc.viewer.session.useQuery(); // expect\n  const recent = trpc.viewer.bookings.recent.useQuery(); // expect\n  return <p>{String(me.data)}{String(session.data)}{String(recent.data)}</p>;\n}\n`,
    };
    expect(run(files).findings).toEqual([]);
    const { findings, dir } = run(files, { cheapLookups: 'warn' });
    expect(at(dir, findings)).toEqual(expected(files));
    expect(findings.map((f) => f.severity)).toEqual(['warning', 'warning', 'warning']);
    expect(findings[0]!.message).toContain('viewer.me is a cheap lookup (one row by unique key)');
    expect(findings[1]!.message).toContain('viewer.session is a cheap lookup (no database read)');
    expect(findings[2]!.message).toContain('at most 5 rows');
  });

  it('follows fetch in a mount effect to the route handler; conditional effects stay quiet', () => {
    const files = {
      'app/layout.tsx': layout(`        <Bell />\n        <Status />`, `import { Bell, Status } from '@/components/Bell';`),
      'src/components/Bell.tsx': `'use client';
import { useEffect, useState } from 'react';
export function Bell() {
  const [rows, setRows] = useState<unknown[]>([]);
  const [user] = useState<string | null>(null);
  useEffect(() => {
    fetch('/api/notifications').then((r) => r.json()).then(setRows); // expect
  }, []);
  useEffect(() => {
    if (!user) return;
    fetch('/api/notifications?again=1').then((r) => r.json()).then(setRows);
  }, [user]);
  return <span>{rows.length}</span>;
}
export function Status() {
  const [up, setUp] = useState(true);
  useEffect(() => {
    fetch('https://status.example.com/api/v2/status.json').then((r) => setUp(r.ok)); // expect
  }, []);
  return <i>{String(up)}</i>;
}
`,
    };
    const { findings, dir } = run(files);
    expect(at(dir, findings)).toEqual(expected(files));
    const [bell, status] = findings;
    expect(bell!.severity).toBe('error');
    expect(bell!.message).toContain('GET /api/notifications → `Notification.findMany`');
    expect(bell!.path!.map((step) => step.label)).toContain('GET /api/notifications (route handler)');
    expect(status!.severity).toBe('warning');
    expect(status!.message).toContain('its server side is not in this project');
  });

  it('starts from pages/_app and custom Shell components; SWR with a conditional key is gated', () => {
    const files = {
      'pages/_app.tsx': `import type { ComponentType } from 'react';\nimport { Unread } from '../src/components/Unread';\nexport default function App({ Component }: { Component: ComponentType }) {\n  return <><Unread /><Component /></>;\n}\n`,
      'pages/api/unread.ts': `import { prisma } from '../../src/server/db';\nexport default async function handler(_req: unknown, res: { json(v: unknown): void }) {\n  res.json(await prisma.notification.findMany({ where: { userId: 1 } }));\n}\n`,
      'src/components/Unread.tsx': `import useSWR from 'swr';\nconst fetcher = (url: string) => fetch(url).then((r) => r.json());\nexport function Unread({ open = false }: { open?: boolean }) {\n  const all = useSWR('/api/unread', fetcher); // expect\n  const later = useSWR(open ? '/api/unread' : null, fetcher);\n  return <b>{String(all.data)}{String(later.data)}</b>;\n}\n`,
      'src/features/shell/Shell.tsx': `import { useQuery } from '@tanstack/react-query';\nexport function Shell({ children }: { children: unknown }) {\n  const feed = useQuery({ queryKey: ['feed'], queryFn: () => fetch('/api/feed').then((r) => r.json()) }); // expect\n  return <div>{String(feed.data)}{String(children)}</div>;\n}\n`,
      'app/api/feed/route.ts': `import { prisma } from '@/server/db';\nexport const GET = async () => Response.json(await prisma.booking.findMany({ where: { userId: 2 } }));\n`,
    };
    const { findings, dir } = run(files);
    expect(at(dir, findings)).toEqual(expected(files));
    expect(findings.every((f) => f.severity === 'error')).toBe(true);
    expect(findings.find((f) => f.file.endsWith('Shell.tsx'))!.message).toContain('runs on every page load (src/features/shell/Shell.tsx), and each run executes GET /api/feed');
  });

  it('follows barrels and default exports, renders in .map, and only treats big nested layouts as shells', () => {
    const nav = `import { trpc } from '@/utils/trpc';\nexport default function NavItem({ href }: { href: string }) {\n  const count = trpc.viewer.bookings.search.useQuery(); // expect\n  return <a href={href}>{String(count.data)}</a>;\n}\n`;
    const files = {
      'app/layout.tsx': layout(`        <nav>{['/a', '/b'].map((href) => <NavItem key={href} href={href} />)}</nav>`, `import { NavItem } from '@/components';`),
      'src/components/index.ts': `export { default as NavItem } from './NavItem';\n`,
      'src/components/NavItem.tsx': nav,
      'app/settings/layout.tsx': `import type { ReactNode } from 'react';\nimport { SettingsSearch } from './SettingsSearch';\nexport default function SettingsLayout({ children }: { children: ReactNode }) {\n  return <section><SettingsSearch />{children}</section>;\n}\n`,
      'app/settings/SettingsSearch.tsx': `'use client';\nimport { trpc } from '@/utils/trpc';\nexport function SettingsSearch() {\n  const q = trpc.viewer.bookings.search.useQuery();\n  return <p>{String(q.data)}</p>;\n}\n`,
      'app/settings/page.tsx': `export default function Settings() {\n  return <h1>Settings</h1>;\n}\n`,
    };
    const { findings, dir } = run(files);
    expect(at(dir, findings)).toEqual(expected(files));
    expect(findings[0]!.message).toContain('app/layout.tsx → <NavItem>');

    const withSmallThreshold = run(files, { layoutPages: 1 });
    expect(at(withSmallThreshold.dir, withSmallThreshold.findings)).toEqual([...expected(files), 'app/settings/SettingsSearch.tsx:4'].sort());
  });

  it('a condition that holds on every page for a signed-in user is no gate: session, auth status, mounted, constant props', () => {
    const files = {
      'app/layout.tsx': layout(
        `        <Wrapper withPalette><span /></Wrapper>\n        <Wrapper withPalette={true}><span /></Wrapper>\n        <SessionWrapper />\n        <AfterSession />\n        <AfterMount />\n        <ClientOnly />\n        <SignedIn />\n        <SessionKey />\n        <SessionEnabled />`,
        `import { Wrapper, SessionWrapper, AfterSession, AfterMount, ClientOnly, SignedIn, SessionKey, SessionEnabled } from '@/components/ungated';`,
      ),
      'src/components/ungated.tsx': `'use client';
import { useEffect, useState, type ReactNode } from 'react';
import useSWR from 'swr';
import { trpc } from '@/utils/trpc';
function useSession(): { status: 'loading' | 'authenticated' | 'unauthenticated'; data: { userId: number } | null } {
  return { status: 'loading', data: null };
}
function Search({ tag }: { tag: string }) {
  const q = trpc.viewer.bookings.search.useQuery({ term: tag }); // expect
  return <p>{String(q.data)}</p>;
}
function Found() {
  const q = trpc.viewer.bookings.search.useInfiniteQuery({ limit: 10 }, { getNextPageParam: () => undefined }); // expect
  return <p>{String(q.data)}</p>;
}
function Mounted() {
  const q = trpc.viewer.bookings.search.useQuery({ term: 'mounted' }); // expect
  return <p>{String(q.data)}</p>;
}
function Client() {
  const q = trpc.viewer.bookings.search.useQuery({ term: 'client' }); // expect
  return <p>{String(q.data)}</p>;
}
function Member() {
  const q = trpc.viewer.bookings.search.useQuery({ term: 'member' }); // expect
  return <p>{String(q.data)}</p>;
}
// A boolean prop passed as a constant (bare or {true}) or as a session check decides nothing.
export function Wrapper({ withPalette, children }: { withPalette: boolean; children: ReactNode }) {
  return withPalette ? <div>{children}<Search tag="wrapped" /></div> : children;
}
export function SessionWrapper() {
  const { status } = useSession();
  return <Gate show={status === 'authenticated'} />;
}
function Gate({ show }: { show: boolean }) {
  return <div>{show && <Found />}</div>;
}
export function AfterSession() {
  const session = useSession();
  if (!session.data) return null;
  return <Member />;
}
export function AfterMount() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (!mounted) return null;
  return <Mounted />;
}
export function ClientOnly() {
  const isClient = typeof window !== 'undefined';
  return <div>{isClient ? <Client /> : null}</div>;
}
export function SignedIn() {
  const { status } = useSession();
  if (status !== 'authenticated') return null;
  const q = trpc.viewer.bookings.search.useQuery({ term: 'signed-in' }); // expect
  return <p>{String(q.data)}</p>;
}
export function SessionKey() {
  const { data: session } = useSession();
  const q = useSWR(session ? '/api/notifications' : null, (url: string) => fetch(url).then((r) => r.json())); // expect
  return <p>{String(q.data)}</p>;
}
export function SessionEnabled() {
  const { status } = useSession();
  const q = trpc.viewer.bookings.search.useQuery({ term: 'enabled' }, { enabled: status === 'authenticated' }); // expect
  return <p>{String(q.data)}</p>;
}
`,
    };
    const { findings, dir } = run(files);
    expect(at(dir, findings)).toEqual(expected(files));
    const wrapped = findings.find((f) => f.message.includes('<Wrapper>'));
    expect(wrapped!.message).toContain('(app/layout.tsx → <Wrapper> → <Search>)');
    expect(findings.find((f) => f.message.includes('<Found>'))!.message).toContain('app/layout.tsx → <SessionWrapper> → <Gate> → <Found>');
  });

  it('real gates stay gates: open state, a route check, a feature flag, a prop the mount site computes, an admin check on the session', () => {
    const files = {
      'app/layout.tsx': layout(
        `        <Wrapper withPalette={flags.palette}><span /></Wrapper>\n        <OpenPalette />\n        <RouteOnly />\n        <Flagged />\n        <FlagKey />\n        <AdminOnly />`,
        `import { Wrapper, OpenPalette, RouteOnly, Flagged, FlagKey, AdminOnly } from '@/components/gates';\nconst flags = { palette: process.env.NEXT_PUBLIC_PALETTE === '1' };`,
      ),
      'src/components/gates.tsx': `'use client';
import { useState, type ReactNode } from 'react';
import { usePathname } from 'next/navigation';
import useSWR from 'swr';
import { trpc } from '@/utils/trpc';
function useFlag(name: string): boolean {
  return name.length === 0;
}
function Search() {
  const q = trpc.viewer.bookings.search.useInfiniteQuery({ limit: 10 }, { getNextPageParam: () => undefined });
  return <p>{String(q.data)}</p>;
}
// Same shape as the constant-prop wrapper, but the layout passes a feature flag.
export function Wrapper({ withPalette, children }: { withPalette: boolean; children: ReactNode }) {
  return withPalette ? <div>{children}<Search /></div> : children;
}
export function OpenPalette() {
  const [open, setOpen] = useState(false);
  return <div><button onClick={() => setOpen(true)}>⌘K</button>{open ? <Search /> : null}</div>;
}
export function RouteOnly() {
  const pathname = usePathname();
  if (!pathname.startsWith('/bookings')) return null;
  return <Search />;
}
export function Flagged() {
  const enabled = useFlag('palette');
  return <div>{enabled && <Search />}</div>;
}
// A test of what the signed-in user may do is a gate, though it reads the session.
function useAdminSession(): { data: { user: { isAdmin: boolean } } | null } {
  return { data: null };
}
export function AdminOnly() {
  const { data: session } = useAdminSession();
  if (!session?.user.isAdmin) return null;
  return <Search />;
}
export function FlagKey() {
  const enabled = useFlag('notifications');
  const q = useSWR(enabled ? '/api/notifications' : null, (url: string) => fetch(url).then((r) => r.json()));
  return <p>{String(q.data)}</p>;
}
`,
    };
    expect(run(files).findings).toEqual([]);
  });
});
