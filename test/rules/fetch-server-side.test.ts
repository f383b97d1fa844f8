import { describe, expect, it } from 'vitest';
import { rules } from '@premortem/rules';
import { analyzeProject } from '../support/analyze-project.js';
import { NEXT_APP_TSCONFIG } from '../support/fixture-tsconfig.js';

const rule = rules.find((r) => r.name === 'no-fetch-on-every-page')!;

// A Next.js + Prisma app with no node_modules, as the hosted bot sees it: the root layout mounts
// <Probe>, whose one request on mount is followed to the server side the route files below define.
const base: Record<string, string> = {
  'tsconfig.json': NEXT_APP_TSCONFIG,
  'prisma/schema.prisma': `datasource db {\n  provider = "postgresql"\n}\n
model User {\n  id       Int       @id @default(autoincrement())\n  bookings Booking[]\n}\n
model Booking {\n  id     Int    @id @default(autoincrement())\n  title  String\n  userId Int\n  user   User   @relation(fields: [userId], references: [id])\n  @@index([userId])\n}\n`,
  'src/server/db.ts': `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`,
  // Wrappers as projects write them: they check something, then call the function they were given.
  'src/server/wrappers.ts': `type Handler = (req: Request, ctx: { params: Record<string, string> }) => Promise<Response>;
export function withAuth(handler: Handler): Handler {
  return async (req, ctx) => (req.headers.get('authorization') ? handler(req, ctx) : new Response(null, { status: 401 }));
}
export function withError(handler: Handler): Handler {
  return async (req, ctx) => { try { return await handler(req, ctx); } catch { return new Response(null, { status: 500 }); } };
}
export function withRoles(roles: string[], handler: Handler): Handler {
  return async (req, ctx) => (roles.length > 0 ? handler(req, ctx) : new Response(null, { status: 403 }));
}
export function createHandler(config: { model: string }): Handler {
  return async () => Response.json(config.model);
}
`,
  'src/server/bookings.ts': `import { prisma } from './db';\nexport async function listBookings() {\n  return Response.json(await prisma.booking.findMany({ where: { userId: 1 } }));\n}\n`,
  'app/layout.tsx': `import type { ReactNode } from 'react';\nimport { Probe } from '@/components/Probe';\nexport default function RootLayout({ children }: { children: ReactNode }) {\n  return <html><body><Probe />{children}</body></html>;\n}\n`,
};

const EXPENSIVE = 'each run executes GET /api/bookings → `Booking.findMany`: no take';
const NOT_KNOWN = 'what it costs is not known: its server side is not in this project';

/** The message reported for <Probe>, whose body makes one request on mount. */
function probeMessage(files: Record<string, string>, probe: string, imports = ''): string {
  const component = `'use client';\nimport { useEffect } from 'react';\n${imports}\nexport function Probe() {\n${probe}\n  return null;\n}\n`;
  const { findings, notes } = analyzeProject(rule, { ...base, ...files, 'src/components/Probe.tsx': component });
  expect(notes.filter((note) => note.includes('premortem bug'))).toEqual([]);
  expect(findings).toHaveLength(1);
  return findings[0]!.message;
}

const fetchOnMount = (url: string) => `  useEffect(() => {\n    fetch(${url}).then((r) => r.json());\n  }, []);`;
const fetchBookings = fetchOnMount(`'/api/bookings'`);
const route = (source: string) => ({ 'app/api/bookings/route.ts': `import { prisma } from '@/server/db';\nimport { withAuth, withError, withRoles, createHandler } from '@/server/wrappers';\n${source}` });

describe('the server side of a fetched route handler', () => {
  describe('app-router method exports given through a wrapper', () => {
    it('a wrapper call runs its function argument: the query is in that function, not in the wrapper', () => {
      const message = probeMessage(route(`export const GET = withAuth(async () => Response.json(await prisma.booking.findMany({ where: { userId: 1 } })));\n`), fetchBookings);
      expect(message).toContain(EXPENSIVE);
    });

    it('a wrapper given something other than a function has no handler to follow', () => {
      const message = probeMessage(route(`export const GET = createHandler({ model: 'booking' });\n`), fetchBookings);
      expect(message).toContain(NOT_KNOWN);
    });

    it('nested wrappers, and a wrapper whose function is its last argument', () => {
      const nested = probeMessage(route(`export const GET = withError(withAuth(async () => Response.json(await prisma.booking.findMany({ where: { userId: 1 } }))));\n`), fetchBookings);
      expect(nested).toContain(EXPENSIVE);
      const last = probeMessage(route(`export const GET = withRoles(['admin'], async () => Response.json(await prisma.booking.findMany({ where: { userId: 1 } })));\n`), fetchBookings);
      expect(last).toContain(EXPENSIVE);
    });

    it('a wrapper given a named function, declared here or imported', () => {
      const local = probeMessage(
        route(`async function getHandler() {\n  return Response.json(await prisma.booking.findMany({ where: { userId: 1 } }));\n}\nexport const GET = withAuth(getHandler);\n`),
        fetchBookings,
      );
      expect(local).toContain(EXPENSIVE);
      const imported = probeMessage(route(`import { listBookings } from '@/server/bookings';\nexport const GET = withError(withAuth(listBookings));\n`), fetchBookings);
      expect(imported).toContain(EXPENSIVE);
    });

    it('a wrapper given a name that is not a function has no handler to follow', () => {
      const message = probeMessage(route(`const options = { model: 'booking' };\nexport const GET = createHandler(options);\n`), fetchBookings);
      expect(message).toContain(NOT_KNOWN);
    });

    it('of an overloaded function, the implementation is the handler', () => {
      const overloads = `export async function GET(): Promise<Response>;\nexport async function GET(req?: Request): Promise<Response> {\n  return Response.json(await prisma.booking.findMany({ where: { userId: req ? 1 : 2 } }));\n}\n`;
      expect(probeMessage(route(overloads), fetchBookings)).toContain(EXPENSIVE);
      const wrapped = `async function list(): Promise<Response>;\nasync function list(req?: Request): Promise<Response> {\n  return Response.json(await prisma.booking.findMany({ where: { userId: req ? 1 : 2 } }));\n}\nexport const GET = withAuth(list);\n`;
      expect(probeMessage(route(wrapped), fetchBookings)).toContain(EXPENSIVE);
    });

    it('a wrapper given a library function (declared, with no body in the project) has no handler to follow', () => {
      const files = {
        'src/types/auth-lib.d.ts': `declare module 'auth-lib' {\n  export function listHandler(req: Request): Promise<Response>;\n}\n`,
        ...route(`import { listHandler } from 'auth-lib';\nexport const GET = withAuth(listHandler);\n`),
      };
      expect(probeMessage(files, fetchBookings)).toContain(NOT_KNOWN);
    });

    it('a handler that hands the request to a library is not known; handed to a project function, that function is followed', () => {
      const files = {
        'src/types/api-lib.d.ts': `declare module 'api-lib' {\n  export function handleRequest(options: { req: Request }): Promise<Response>;\n}\n`,
        ...route(`import { handleRequest } from 'api-lib';\nconst handler = (req: Request) => handleRequest({ req });\nexport { handler as GET };\n`),
      };
      expect(probeMessage(files, fetchBookings)).toContain('what GET /api/bookings costs is not known: it hands the request to `handleRequest`');
      const project = route(`async function handleRequest(options: { req: Request }) {\n  return Response.json(await prisma.booking.findMany({ where: { userId: options.req ? 1 : 2 } }));\n}\nconst handler = (req: Request) => handleRequest({ req });\nexport { handler as GET };\n`);
      expect(probeMessage(project, fetchBookings)).toContain(EXPENSIVE);
    });

    it('export { handler as GET }, export { GET }, and an alias export const POST = GET', () => {
      const renamed = probeMessage(
        route(`const handler = withAuth(async () => Response.json(await prisma.booking.findMany({ where: { userId: 1 } })));\nexport { handler as GET };\n`),
        fetchBookings,
      );
      expect(renamed).toContain(EXPENSIVE);
      const alias = probeMessage(
        route(`export const POST = withAuth(async () => Response.json(await prisma.booking.findMany({ where: { userId: 1 } })));\nexport const GET = POST;\n`),
        fetchBookings,
      );
      expect(alias).toContain(EXPENSIVE);
      const listed = probeMessage(route(`const GET = withAuth(async () => Response.json(await prisma.booking.findMany({ where: { userId: 1 } })));\nexport { GET };\n`), fetchBookings);
      expect(listed).toContain(EXPENSIVE);
    });

    it('a method the file does not export is not the handler of another method', () => {
      const message = probeMessage(route(`const handler = withAuth(async () => Response.json(await prisma.booking.findMany({ where: { userId: 1 } })));\nexport { handler as POST };\n`), fetchBookings);
      expect(message).toContain(NOT_KNOWN);
    });

    it('export { GET } from another route file, and export * from it', () => {
      const other = { 'app/api/other/route.ts': `import { prisma } from '@/server/db';\nexport async function GET() {\n  return Response.json(await prisma.booking.findMany({ where: { userId: 1 } }));\n}\n` };
      const named = probeMessage({ ...other, 'app/api/bookings/route.ts': `export { GET } from '../other/route';\n` }, fetchBookings);
      expect(named).toContain(EXPENSIVE);
      const star = probeMessage({ ...other, 'app/api/bookings/route.ts': `export * from '../other/route';\n` }, fetchBookings);
      expect(star).toContain(EXPENSIVE);
      const missing = probeMessage({ ...other, 'app/api/bookings/route.ts': `export { GET } from '../missing/route';\n` }, fetchBookings);
      expect(missing).toContain(NOT_KNOWN);
    });
  });

  describe('route files', () => {
    const handler = `import { prisma } from '@/server/db';\nexport async function GET() {\n  return Response.json(await prisma.booking.findMany({ where: { userId: 1 } }));\n}\n`;

    it('route.tsx is a route file as route.ts is', () => {
      expect(probeMessage({ 'app/api/bookings/route.tsx': handler }, fetchBookings)).toContain(EXPENSIVE);
    });

    it('another .tsx file in the route folder is not', () => {
      expect(probeMessage({ 'app/api/bookings/handler.tsx': handler }, fetchBookings)).toContain(NOT_KNOWN);
    });
  });

  describe('pages-router API routes', () => {
    const session = `export function withSession<T extends (...args: never[]) => unknown>(handler: T): T {\n  return handler;\n}\nexport function createApiHandler(config: { model: string }) {\n  return async () => config.model;\n}\n`;
    const apiHandler = `import { prisma } from '@/server/db';\nexport default async function handler(_req: unknown, res: { json(v: unknown): void }) {\n  res.json(await prisma.booking.findMany({ where: { userId: 1 } }));\n}\n`;

    it('a default export that is a wrapper call runs the function it wraps', () => {
      const files = {
        'src/server/session.ts': session,
        'pages/api/bookings.ts': `import { prisma } from '@/server/db';\nimport { withSession } from '@/server/session';\nasync function handler(_req: unknown, res: { json(v: unknown): void }) {\n  res.json(await prisma.booking.findMany({ where: { userId: 1 } }));\n}\nexport default withSession(handler);\n`,
      };
      expect(probeMessage(files, fetchBookings)).toContain(EXPENSIVE);
    });

    it('a default export of a wrapper given no function has no handler to follow', () => {
      const files = { 'src/server/session.ts': session, 'pages/api/bookings.ts': `import { createApiHandler } from '@/server/session';\nexport default createApiHandler({ model: 'booking' });\n` };
      expect(probeMessage(files, fetchBookings)).toContain(NOT_KNOWN);
    });

    it('a default export that is an imported function, wrapped or re-exported', () => {
      const imported = {
        'src/server/session.ts': session,
        'src/server/api/bookings.ts': apiHandler,
        'pages/api/bookings.ts': `import { withSession } from '@/server/session';\nimport handler from '@/server/api/bookings';\nexport default withSession(handler);\n`,
      };
      expect(probeMessage(imported, fetchBookings)).toContain(EXPENSIVE);
      const reexported = { 'src/server/api/bookings.ts': apiHandler, 'pages/api/bookings.ts': `export { default } from '@/server/api/bookings';\n` };
      expect(probeMessage(reexported, fetchBookings)).toContain(EXPENSIVE);
    });
  });

  describe('the URL a fetch or a data hook asks for', () => {
    const bookings = route(`export async function GET() {\n  return Response.json(await prisma.booking.findMany({ where: { userId: 1 } }));\n}\n`);
    const byId = {
      ...bookings,
      'app/api/bookings/[id]/route.ts': `import { prisma } from '@/server/db';\nexport async function GET() {\n  return Response.json(await prisma.booking.findMany({ where: { userId: 1 } }));\n}\n`,
    };
    const swr = `import useSWR from 'swr';\nimport { useState } from 'react';\nimport { useSession } from 'next-auth/react';\nconst fetcher = (url: string) => fetch(url).then((r) => r.json());`;

    it('an SWR key that is the URL, or the URL once the session has loaded', () => {
      expect(probeMessage(bookings, `  const q = useSWR('/api/bookings', fetcher);`, swr)).toContain(EXPENSIVE);
      const conditional = `  const { data: session } = useSession();\n  const q = useSWR(session ? '/api/bookings' : null, fetcher);`;
      expect(probeMessage(bookings, conditional, swr)).toContain(EXPENSIVE);
      const and = `  const { data: session } = useSession();\n  const q = useSWR(() => session && '/api/bookings', fetcher);`;
      expect(probeMessage(bookings, and, swr)).toContain(EXPENSIVE);
    });

    it('an SWR key under a session check that names no route is still not known', () => {
      const conditional = `  const { data: session } = useSession();\n  const q = useSWR(session ? '/api/nothing' : null, fetcher);`;
      expect(probeMessage(bookings, conditional, swr)).toContain(NOT_KNOWN);
    });

    it('an SWR template key with no fetcher matches a dynamic route; one with more segments does not', () => {
      const matching = probeMessage(byId, "  const [id] = useState('1');\n  const q = useSWR(`/api/bookings/${id}`);", swr);
      expect(matching).toContain('each run executes GET /api/bookings/[id] → `Booking.findMany`: no take');
      const longer = probeMessage(byId, "  const [id] = useState('1');\n  const q = useSWR(`/api/bookings/${id}/guests/all`);", swr);
      expect(longer).toContain(NOT_KNOWN);
    });

    it('a query string is not part of the route', () => {
      expect(probeMessage(bookings, fetchOnMount(`'/api/bookings?upcoming=1'`))).toContain(EXPENSIVE);
      expect(probeMessage(bookings, fetchOnMount(`'/api/booking?upcoming=1'`))).toContain(NOT_KNOWN);
    });

    it('a URL constant, and the app origin from the environment, a constant or a function in front of the path', () => {
      expect(probeMessage(bookings, fetchOnMount('BOOKINGS'), `const BOOKINGS = '/api/bookings';`)).toContain(EXPENSIVE);
      expect(probeMessage(bookings, fetchOnMount('`${process.env.NEXT_PUBLIC_APP_URL}/api/bookings`'))).toContain(EXPENSIVE);
      const constant = `const BASE_URL = process.env.NEXT_PUBLIC_APP_URL ?? 'http://localhost:3000';`;
      expect(probeMessage(bookings, fetchOnMount('`${BASE_URL}/api/bookings`'), constant)).toContain(EXPENSIVE);
      const fn = "function baseUrl() {\n  if (typeof window !== 'undefined') return '';\n  if (process.env.VERCEL_URL) return `https://${process.env.VERCEL_URL}`;\n  return `http://localhost:${process.env.PORT ?? 3000}`;\n}";
      expect(probeMessage(bookings, fetchOnMount('`${baseUrl()}/api/bookings`'), fn)).toContain(EXPENSIVE);
    });

    it('another host in front of the path is not the app: not known', () => {
      expect(probeMessage(bookings, fetchOnMount('`${API_HOST}/api/bookings`'), `const API_HOST = 'https://api.example.com';`)).toContain(NOT_KNOWN);
      const fromState = `  const [host] = useState('https://api.example.com');\n${fetchOnMount('`${host}/api/bookings`')}`;
      expect(probeMessage(bookings, fromState, `import { useState } from 'react';`)).toContain(NOT_KNOWN);
    });

    it('a TanStack query function that fetches the URL', () => {
      const query = (url: string) => `  const q = useQuery({ queryKey: ['bookings'], queryFn: () => fetch('${url}').then((r) => r.json()) });`;
      const imports = `import { useQuery } from '@tanstack/react-query';`;
      expect(probeMessage(bookings, query('/api/bookings'), imports)).toContain(EXPENSIVE);
      expect(probeMessage(bookings, query('/api/nothing'), imports)).toContain(NOT_KNOWN);
    });
  });
});
