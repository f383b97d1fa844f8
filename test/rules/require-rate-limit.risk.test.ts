import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '@premortem/rules';
import { analyzeProject } from '../support/analyze-project.js';
import { fixtureTsconfig } from '../support/fixture-tsconfig.js';

const rule = rules.find((r) => r.name === 'require-rate-limit')!;

// What needs a limit, decided by risk. Projects have no node_modules, as the hosted bot sees them.
// Each safe endpoint sits next to an unsafe twin that must still be reported; a line that must be
// reported carries `// expect: <kind>`.
const tsconfig = fixtureTsconfig();
const schema = `datasource db {
  provider = "postgresql"
}
model User {
  id       Int    @id
  email    String @unique
  plan     String
}
model Booking {
  id     Int    @id
  userId Int
  status String
}
model Membership {
  id     Int @id
  teamId Int
  userId Int
  @@unique([teamId, userId])
}
`;

function run(files: Record<string, string>): { found: string[]; expected: string[]; messages: string[] } {
  const all = {
    'tsconfig.json': tsconfig,
    'prisma/schema.prisma': schema,
    'src/db.ts': `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`,
    'src/auth.ts': `export async function auth() {\n  return null as { userId: number } | null;\n}\n`,
    ...files,
  };
  const { findings, dir, notes } = analyzeProject(rule, all);
  expect(notes.filter((note) => note.includes('premortem bug'))).toEqual([]);
  const expected = Object.entries(all)
    .flatMap(([name, content]) => content.split('\n').flatMap((line, i) => {
      const kind = /\/\/ expect: (\w+)/.exec(line)?.[1];
      return kind ? [`${name}:${i + 1} ${kind}`] : [];
    }))
    .sort();
  return {
    found: findings.map((f) => `${path.relative(dir, f.file)}:${f.line} ${f.kind}`).sort(),
    expected,
    messages: findings.map((f) => f.message.split(', with no rate limit')[0]!.split(' and nothing limits')[0]!),
  };
}

describe('require-rate-limit: what needs a limit', () => {
  it('a public endpoint is reported for what it reaches: the database, a paid API, a queue; one that changes nothing is not', () => {
    const { found, expected, messages } = run({
      'app/api/embed/[user]/route.ts': `import { prisma } from '@/db';
export async function GET(_req: Request, { params }: { params: { user: string } }) { // expect: unlimitedPublic
  return Response.json(await prisma.user.findUnique({ where: { email: params.user } }));
}
`,
      'app/api/summarize/route.ts': `import OpenAI from 'openai';
const openai = new OpenAI();
export async function POST(req: Request) { // expect: unlimitedPublic
  const completion = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: await req.text() }] });
  return Response.json(completion);
}
`,
      'app/api/import/route.ts': `import { tasks } from '@trigger.dev/sdk/v3';
export async function POST(req: Request) { // expect: unlimitedPublic
  await tasks.trigger('import-calendar', await req.json());
  return new Response(null, { status: 202 });
}
`,
      'app/api/notify/route.ts': `import twilio from 'twilio';
const sms = twilio(process.env.TWILIO_SID, process.env.TWILIO_TOKEN);
export async function POST(req: Request) { // expect: unlimitedPublic
  const { to } = await req.json();
  await sms.messages.create({ to, from: '+15550100', body: 'Your code' });
  return new Response(null, { status: 204 });
}
`,
      // A POST that changes nothing: builds a redirect and sets a cookie.
      'app/api/oauth/start/route.ts': `export async function POST(req: Request) {
  const state = crypto.randomUUID();
  const url = new URL('https://accounts.example.com/authorize');
  url.searchParams.set('state', state);
  return new Response(null, { status: 302, headers: { location: url.toString(), 'set-cookie': \`state=\${state}\` } });
}
`,
      // A POST that proxies a read: what a plain \`fetch\` calls cannot be told from the code.
      'app/api/relay/route.ts': `export async function POST(req: Request) {
  return fetch(\`\${process.env.NEXT_PUBLIC_MARKETING_URL}/api/help\`, { method: 'POST', body: await req.text() });
}
`,
    });
    expect(found).toEqual(expected);
    expect(messages).toContain('`POST /api/summarize` is public (nothing authenticates the caller) and calls a paid API (`openai.chat.completions.create`)');
    expect(messages).toContain('`POST /api/import` is public (nothing authenticates the caller) and hands work on per request (`tasks.trigger`)');
  });

  it('a signed-in caller: many rows changed is reported, a single-row write is the strict kind, a read is left alone', () => {
    const { found, expected, messages } = run({
      'app/api/bookings/route.ts': `import { prisma } from '@/db';
import { auth } from '@/auth';
export async function DELETE() { // expect: unlimitedBulkChange
  const session = await auth();
  await prisma.booking.deleteMany({ where: { userId: session!.userId } });
  return new Response(null, { status: 204 });
}
export async function PATCH(req: Request) { // expect: unlimitedBulkChange
  const session = await auth();
  for (const id of (await req.json()) as number[]) {
    await prisma.booking.update({ where: { id }, data: { status: 'cancelled' } });
  }
  return new Response(null, { status: 204 });
}
export async function GET() {
  const session = await auth();
  return Response.json(await prisma.booking.findMany({ where: { userId: session!.userId }, take: 20 }));
}
`,
      'app/api/bookings/[id]/route.ts': `import { prisma } from '@/db';
import { auth } from '@/auth';
// \`deleteMany\` pinned to one row by its id: a single-row write.
export async function DELETE(_req: Request, { params }: { params: { id: string } }) { // expect: unlimitedWrite
  const session = await auth();
  await prisma.booking.deleteMany({ where: { id: Number(params.id), userId: session!.userId } });
  return new Response(null, { status: 204 });
}
`,
      // A compound unique key pins one row, whether named by its fields or by the key.
      'app/api/teams/[team]/members/[user]/route.ts': `import { prisma } from '@/db';
import { auth } from '@/auth';
export async function DELETE(_req: Request, { params }: { params: { team: string; user: string } }) { // expect: unlimitedWrite
  await auth();
  await prisma.membership.deleteMany({ where: { teamId: Number(params.team), userId: Number(params.user) } });
  return new Response(null, { status: 204 });
}
export async function PATCH(_req: Request, { params }: { params: { team: string; user: string } }) { // expect: unlimitedWrite
  await auth();
  await prisma.membership.updateMany({ where: { teamId_userId: { teamId: Number(params.team), userId: Number(params.user) } }, data: {} });
  return new Response(null, { status: 204 });
}
`,
      'app/api/teams/[team]/members/route.ts': `import { prisma } from '@/db';
import { auth } from '@/auth';
export async function DELETE(_req: Request, { params }: { params: { team: string } }) { // expect: unlimitedBulkChange
  await auth();
  await prisma.membership.deleteMany({ where: { teamId: Number(params.team) } });
  return new Response(null, { status: 204 });
}
`,
      // A cron's GET that changes many rows, behind a token: a job's trigger, not a button pressed in a loop.
      'app/api/cron/expire/route.ts': `import { prisma } from '@/db';
import { auth } from '@/auth';
export async function GET() {
  await auth();
  await prisma.booking.updateMany({ where: { status: 'pending' }, data: { status: 'expired' } });
  return new Response('ok');
}
`,
    });
    expect(found).toEqual(expected);
    expect(messages).toContain('`DELETE /api/bookings` changes many rows at once (`prisma.booking.deleteMany`)');
    expect(messages).toContain('`PATCH /api/bookings` changes many rows at once (`prisma.booking.update`)');
  });

  it('admin-only routes are authenticated: only what a signed-in caller would be reported for', () => {
    const { found, expected } = run({
      'src/admin.ts': `export async function requireAdmin() {\n  return { id: 1 };\n}\n`,
      'app/api/admin/users/route.ts': `import { prisma } from '@/db';
import { requireAdmin } from '@/admin';
export async function GET() {
  await requireAdmin();
  return Response.json(await prisma.user.findMany({ take: 100 }));
}
export async function PUT(req: Request) { // expect: unlimitedWrite
  await requireAdmin();
  const { id, plan } = await req.json();
  return Response.json(await prisma.user.update({ where: { id }, data: { plan } }));
}
`,
      'app/api/staff/users/route.ts': `import { prisma } from '@/db';
export async function GET() { // expect: unlimitedPublic
  return Response.json(await prisma.user.findMany({ take: 100 }));
}
`,
    });
    expect(found).toEqual(expected);
  });
});

describe('require-rate-limit: NestJS guards', () => {
  it('a project decorator that composes UseGuards(AuthGuard) authenticates; one that only sets metadata does not', () => {
    const { found, expected } = run({
      'src/decorators.ts': `import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
export function RequiresScope(...scopes: string[]) {
  return applyDecorators(SetMetadata('scopes', scopes), UseGuards(AuthGuard('jwt')));
}
export function HasPermission(permission: string) {
  return SetMetadata('permission', permission);
}
`,
      'src/bookings.controller.ts': `import { Body, Controller, Delete, Param, Post } from '@nestjs/common';
import { prisma } from './db';
import { HasPermission, RequiresScope } from './decorators';
@Controller('bookings')
export class BookingsController {
  @RequiresScope('bookings:write')
  @Post() // expect: unlimitedWrite
  create(@Body() body: { userId: number }) {
    return prisma.booking.create({ data: { userId: body.userId, status: 'new' } });
  }
  @HasPermission('bookings:delete')
  @Delete(':id') // expect: unlimitedPublic
  remove(@Param('id') id: string) {
    return prisma.booking.delete({ where: { id: Number(id) } });
  }
}
`,
    });
    expect(found).toEqual(expected);
  });
});

describe('require-rate-limit: a known machine is not the public', () => {
  it('webhooks that verify a signature before any work are left alone; an unsigned one is reported', () => {
    const { found, expected } = run({
      'src/stripe.ts': `import Stripe from 'stripe';\nexport const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? '');\n`,
      'app/api/webhooks/stripe/route.ts': `import { prisma } from '@/db';
import { stripe } from '@/stripe';
export async function POST(req: Request) {
  const event = stripe.webhooks.constructEvent(await req.text(), req.headers.get('stripe-signature') ?? '', process.env.STRIPE_WEBHOOK_SECRET ?? '');
  await prisma.user.update({ where: { email: String(event.id) }, data: { plan: 'pro' } });
  return new Response('ok');
}
`,
      'app/api/webhooks/svix/route.ts': `import { Webhook } from 'svix';
import { prisma } from '@/db';
const wh = new Webhook(process.env.SVIX_SECRET ?? '');
export async function POST(req: Request) {
  const payload = wh.verify(await req.text(), Object.fromEntries(req.headers)) as { email: string };
  await prisma.user.update({ where: { email: payload.email }, data: { plan: 'pro' } });
  return new Response('ok');
}
`,
      'app/api/webhooks/qstash/route.ts': `import { verifySignatureAppRouter } from '@upstash/qstash/nextjs';
import { prisma } from '@/db';
export const POST = verifySignatureAppRouter(async (req: Request) => {
  await prisma.booking.deleteMany({ where: { status: String(await req.text()) } });
  return new Response('ok');
});
`,
      'app/api/webhooks/zoom/route.ts': `import { prisma } from '@/db';
export async function POST(req: Request) { // expect: unlimitedPublic
  const event = (await req.json()) as { id: number };
  await prisma.booking.update({ where: { id: event.id }, data: { status: 'moved' } });
  return new Response('ok');
}
`,
    });
    expect(found).toEqual(expected);
  });

  it('a shared secret compared with what the caller sent counts; checking only that the secret is set does not', () => {
    const { found, expected } = run({
      'src/cron.ts': `export function isCronRequest(req: Request): boolean {
  const expected = \`Bearer \${process.env.CRON_SECRET}\`;
  return req.headers.get('authorization') === expected;
}
`,
      'app/api/cron/purge/route.ts': `import { prisma } from '@/db';
import { isCronRequest } from '@/cron';
export async function POST(req: Request) {
  if (!isCronRequest(req)) return new Response('no', { status: 401 });
  await prisma.booking.deleteMany({ where: { status: 'cancelled' } });
  return new Response('ok');
}
`,
      'app/api/internal/sync/route.ts': `import { prisma } from '@/db';
export async function POST(req: Request) {
  if (req.headers.get('x-api-key') !== process.env.INTERNAL_API_KEY) return new Response('no', { status: 401 });
  await prisma.booking.deleteMany({ where: { status: 'stale' } });
  return new Response('ok');
}
`,
      'app/api/cron/unguarded/route.ts': `import { prisma } from '@/db';
export async function POST() { // expect: unlimitedPublic
  if (process.env.CRON_SECRET === undefined) return new Response('not configured', { status: 500 });
  await prisma.booking.deleteMany({ where: { status: 'cancelled' } });
  return new Response('ok');
}
`,
    });
    expect(found).toEqual(expected);
  });

  it('Hono: a cron secret in app.use is a secret; a session library given its cookie key is a signed-in user', () => {
    const { found, expected } = run({
      'src/cron-app.ts': `import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { prisma } from './db';
const app = new Hono();
app.use('*', async (c, next) => bearerAuth({ token: process.env.CRON_SECRET ?? '' })(c, next));
app.post('/purge', async (c) => c.json(await prisma.booking.deleteMany({ where: { status: 'cancelled' } })));
export default app;
`,
      'src/user-app.ts': `import { Hono } from 'hono';
import { getToken } from 'next-auth/jwt';
import { prisma } from './db';
const app = new Hono();
app.use('*', async (c, next) => {
  await getToken({ req: c.req.raw as never, secret: process.env.NEXTAUTH_SECRET });
  await next();
});
app.post('/purge', async (c) => c.json(await prisma.booking.deleteMany({ where: { status: 'cancelled' } }))); // expect: unlimitedBulkChange
export default app;
`,
    });
    expect(found).toEqual(expected);
  });
});

describe('require-rate-limit: limits and authentication that exist are seen', () => {
  it('a wrapper that authenticates through a middleware it is given by name', () => {
    const { found, expected } = run({
      'src/middleware-chain.ts': `type Handler = (req: Request) => Promise<Response>;
type Middleware = (req: Request) => Promise<void>;
export function withMiddleware(handler: Handler, ...middlewares: Middleware[]): Handler {
  return async (req) => {
    for (const middleware of middlewares) await middleware(req);
    return handler(req);
  };
}
`,
      'src/with-account.ts': `import { auth } from './auth';
import { withMiddleware } from './middleware-chain';
async function accountMiddleware(_req: Request) {
  if (!(await auth())) throw new Response('no', { status: 401 });
}
async function logMiddleware(req: Request) {
  console.log(req.url);
}
export const withAccount = (handler: (req: Request) => Promise<Response>) => withMiddleware(handler, accountMiddleware);
export const withLogging = (handler: (req: Request) => Promise<Response>) => withMiddleware(handler, logMiddleware);
`,
      'app/api/account/rules/route.ts': `import { prisma } from '@/db';
import { withAccount } from '@/with-account';
export const GET = withAccount(async () => Response.json(await prisma.booking.findMany({ take: 20 })));
`,
      'app/api/open/rules/route.ts': `import { prisma } from '@/db';
import { withLogging } from '@/with-account';
export const GET = withLogging(async () => Response.json(await prisma.booking.findMany({ take: 20 }))); // expect: unlimitedPublic
`,
    });
    expect(found).toEqual(expected);
  });

  it('Hono: a limiter written in place in app.use with a path pattern covers the routes under it, not the others', () => {
    const { found, expected } = run({
      'src/events.ts': `import { Hono } from 'hono';
import { Ratelimit } from '@upstash/ratelimit';
import { prisma } from './db';
const ratelimit = new Ratelimit({} as never);
const app = new Hono().basePath('/api/event');
app.use('/:eventId/*', async (c, next) => {
  const { success } = await ratelimit.limit(c.req.header('x-forwarded-for') ?? 'anon');
  if (!success) return c.json({ error: 'slow down' }, 429);
  return next();
});
app.get('/:eventId/ics', async (c) => c.json(await prisma.booking.findUnique({ where: { id: Number(c.req.param('eventId')) } })));
app.get('/:eventId/attendees/:id', async (c) => c.json(await prisma.user.findUnique({ where: { id: Number(c.req.param('id')) } })));
app.get('/', async (c) => c.json(await prisma.booking.findMany({ take: 5 }))); // expect: unlimitedPublic
export default app;
`,
    });
    expect(found).toEqual(expected);
  });

  it('tRPC: a limiter middleware on the procedure counts, a public mutation without one is reported, a signed-in single-row write is strict', () => {
    const { found, expected, messages } = run({
      'src/trpc.ts': `import { initTRPC } from '@trpc/server';
import { Ratelimit } from '@upstash/ratelimit';
import { auth } from './auth';
const t = initTRPC.create();
const ratelimit = new Ratelimit({} as never);
export const router = t.router;
export const publicProcedure = t.procedure;
export const protectedProcedure = t.procedure.use(async ({ next }) => {
  if (!(await auth())) throw new Error('UNAUTHORIZED');
  return next();
});
export const limitedProcedure = t.procedure.use(async ({ next }) => {
  await ratelimit.limit('ip');
  return next();
});
`,
      'src/routers/booking.ts': `import { prisma } from '../db';
import { router, publicProcedure, protectedProcedure, limitedProcedure } from '../trpc';
export const bookingRouter = router({
  book: limitedProcedure.mutation(async () => prisma.booking.update({ where: { id: 1 }, data: { status: 'held' } })),
  hold: publicProcedure.mutation(async () => prisma.booking.update({ where: { id: 1 }, data: { status: 'held' } })), // expect: unlimitedPublic
  rename: protectedProcedure.mutation(async () => prisma.booking.update({ where: { id: 1 }, data: { status: 'renamed' } })), // expect: unlimitedWrite
  mine: protectedProcedure.query(async () => prisma.booking.findMany({ take: 10 })),
});
`,
    });
    expect(found).toEqual(expected);
    expect(messages).toContain('`mutation hold` is public (nothing authenticates the caller) and writes to the database (`prisma.booking.update`)');
  });

  it('a Hono app served through a Next route is checked where its routes are, named by their mounted path', () => {
    const { found, expected, messages } = run({
      'app/api/public/[...route]/route.ts': `import { Hono } from 'hono';
import { handle } from 'hono/vercel';
import { prisma } from '@/db';
const app = new Hono().basePath('/api/public');
app.get('/events/:id', async (c) => c.json(await prisma.booking.findUnique({ where: { id: Number(c.req.param('id')) } }))); // expect: unlimitedPublic
export const GET = handle(app);
export const POST = handle(app);
`,
    });
    expect(found).toEqual(expected);
    expect(messages).toEqual(['`GET /api/public/events/:id` is public (nothing authenticates the caller) and reads the database (`prisma.booking.findUnique`)']);
  });

  it('tRPC: a limit where the router is served covers every procedure, in a Next route handler or a Hono use before the adapter', () => {
    const router = `import { initTRPC } from '@trpc/server';
import { prisma } from './db';
const t = initTRPC.create();
export const appRouter = t.router({
  hold: t.procedure.mutation(async () => prisma.booking.update({ where: { id: 1 }, data: { status: 'held' } })), // expect: unlimitedPublic
});
`;
    const open = run({
      'src/router.ts': router,
      'app/api/trpc/[trpc]/route.ts': `import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/router';
const handler = (req: Request) => fetchRequestHandler({ endpoint: '/api/trpc', req, router: appRouter, createContext: () => ({}) });
export { handler as GET, handler as POST };
`,
    });
    expect(open.found).toEqual(open.expected);
    const quiet = router.replace(' // expect: unlimitedPublic', '');
    const inHandler = run({
      'src/router.ts': quiet,
      'app/api/trpc/[trpc]/route.ts': `import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { Ratelimit } from '@upstash/ratelimit';
import { appRouter } from '@/router';
const ratelimit = new Ratelimit({} as never);
async function handler(req: Request) {
  const { success } = await ratelimit.limit(req.headers.get('x-forwarded-for') ?? 'anon');
  if (!success) return new Response('slow down', { status: 429 });
  return fetchRequestHandler({ endpoint: '/api/trpc', req, router: appRouter, createContext: () => ({}) });
}
export { handler as GET, handler as POST };
`,
    });
    expect(inHandler.found).toEqual([]);
    const hono = run({
      'src/router.ts': quiet,
      'src/trpc-server.ts': `import { trpcServer } from '@hono/trpc-server';
import { appRouter } from './router';
export const trpcHandler = trpcServer({ router: appRouter });
`,
      'src/server.ts': `import { Hono } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { trpcHandler } from './trpc-server';
const app = new Hono();
app.use('/api/trpc/*', rateLimiter({ windowMs: 60_000, limit: 100, keyGenerator: () => 'ip' }));
app.use('/api/trpc/*', trpcHandler);
export default app;
`,
    });
    expect(hono.found).toEqual([]);
  });

  it('an authentication wrapper of the project is followed: a limiter inside it counts', () => {
    const { found, expected } = run({
      'src/api-client.ts': `import { Ratelimit } from '@upstash/ratelimit';
import { auth } from './auth';
const ratelimit = new Ratelimit({} as never);
type Handler = (req: Request) => Promise<Response>;
export function authenticatedApiClient(handler: Handler): Handler {
  return async (req) => {
    if (!(await auth())) return new Response('no', { status: 401 });
    await ratelimit.limit('key');
    return handler(req);
  };
}
export function authenticatedClient(handler: Handler): Handler {
  return async (req) => {
    if (!(await auth())) return new Response('no', { status: 401 });
    return handler(req);
  };
}
`,
      'app/api/v2/webhooks/route.ts': `import { prisma } from '@/db';
import { authenticatedApiClient } from '@/api-client';
export const DELETE = authenticatedApiClient(async () => Response.json(await prisma.booking.deleteMany({ where: { status: 'x' } })));
`,
      'app/api/v1/webhooks/route.ts': `import { prisma } from '@/db';
import { authenticatedClient } from '@/api-client';
export const DELETE = authenticatedClient(async () => Response.json(await prisma.booking.deleteMany({ where: { status: 'x' } }))); // expect: unlimitedBulkChange
`,
    });
    expect(found).toEqual(expected);
  });

  it('an option that turns a helper\'s authentication off leaves the endpoint public', () => {
    const { found, expected } = run({
      'src/parse.ts': `import { auth } from './auth';
export async function parseRequest(req: Request, options: { skipAuth?: boolean } = {}) {
  const user = options.skipAuth ? null : await auth();
  return { body: await req.json(), user };
}
`,
      'app/api/send/route.ts': `import { prisma } from '@/db';
import { parseRequest } from '@/parse';
export async function POST(req: Request) { // expect: unlimitedPublic
  const { body } = await parseRequest(req, { skipAuth: true });
  return Response.json(await prisma.booking.update({ where: { id: Number(body) }, data: { status: 'seen' } }));
}
`,
      'app/api/mine/route.ts': `import { prisma } from '@/db';
import { parseRequest } from '@/parse';
export async function POST(req: Request) { // expect: unlimitedWrite
  const { body } = await parseRequest(req);
  return Response.json(await prisma.booking.update({ where: { id: Number(body) }, data: { status: 'seen' } }));
}
`,
    });
    expect(found).toEqual(expected);
  });
});
