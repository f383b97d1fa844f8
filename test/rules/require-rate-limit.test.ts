import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '@premortem/rules';
import type { Finding } from '@premortem/core';
import { analyzeProject } from '../support/analyze-project.js';

const rule = rules.find((r) => r.name === 'require-rate-limit')!;

// Projects with no node_modules, as the hosted bot sees them. Lines that must be reported carry
// `// expect`; every other handler must stay quiet.
const tsconfig = JSON.stringify({
  compilerOptions: { module: 'esnext', moduleResolution: 'bundler', strict: true, noEmit: true, experimentalDecorators: true, paths: { '@/*': ['./src/*'] } },
  include: ['**/*.ts'],
});
const schema = `datasource db {\n  provider = "postgresql"\n}\nmodel User {\n  id       Int    @id\n  username String @unique\n}\n`;

function run(files: Record<string, string>, options?: object): { found: string[]; expected: string[]; findings: Finding[] } {
  const all = { 'tsconfig.json': tsconfig, 'prisma/schema.prisma': schema, 'src/db.ts': `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`,
    // A script (no imports or exports): its \`save\` is global, so every fixture file can write without an import.
    'src/store.ts': `declare const db: { user: { update(args: object): Promise<unknown> } };\nfunction save<T>(value: T): T {\n  void db.user.update({ where: { id: 1 }, data: {} });\n  return value;\n}\n`, ...files };
  const { findings, dir, notes } = analyzeProject(rule, all, options);
  expect(notes.filter((note) => note.includes('premortem bug'))).toEqual([]);
  const expected = Object.entries(all)
    .flatMap(([name, content]) => content.split('\n').flatMap((line, i) => (line.includes('// expect') ? [`${name}:${i + 1}`] : [])))
    .sort();
  return { found: findings.map((f) => `${path.relative(dir, f.file)}:${f.line}`).sort(), expected, findings };
}

describe('require-rate-limit', () => {
  it('Next.js route handlers: writes, public reads, helpers, wrappers, re-exports and middleware matchers', () => {
    const { found, expected, findings } = run({
      'src/limit.ts': `import { Ratelimit } from '@upstash/ratelimit';\nconst ratelimit = new Ratelimit({} as never);\nexport async function enforce(req: Request) {\n  const { success } = await ratelimit.limit(req.headers.get('x-forwarded-for') ?? 'anon');\n  if (!success) throw new Response('slow down', { status: 429 });\n}\nexport function withRateLimit<T>(handler: T): T {\n  return handler;\n}\n`,
      'src/auth.ts': `export async function getServerSession() {\n  return null as { userId: number } | null;\n}\n`,
      'app/api/bookings/route.ts': `import { prisma } from '@/db';
import { enforce, withRateLimit } from '@/limit';
import { getServerSession } from '@/auth';
export async function POST(req: Request) { // expect
  return Response.json(save(await req.json()));
}
export async function PUT(req: Request) {
  await enforce(req);
  return Response.json({});
}
export const PATCH = withRateLimit(async (req: Request) => Response.json(save(await req.json())));
export async function GET() {
  const session = await getServerSession();
  return Response.json(await prisma.user.findMany({ where: { id: session?.userId }, take: 10 }));
}
`,
      'app/api/embed/[username]/route.ts': `import { prisma } from '@/db';
export async function GET(_req: Request, { params }: { params: { username: string } }) { // expect
  return Response.json(await prisma.user.findUnique({ where: { username: params.username } }));
}
`,
      'app/api/health/route.ts': `export function GET() {\n  return Response.json({ ok: true });\n}\n`,
      'app/api/limited/items/route.ts': `export async function DELETE() {\n  return new Response(save(null), { status: 204 });\n}\n`,
      'app/api/trpc/[trpc]/route.ts': `import { enforce } from '@/limit';\nasync function handler(req: Request) {\n  await enforce(req);\n  return new Response(save('ok'));\n}\nasync function open(req: Request) {\n  return new Response(save(await req.text()));\n}\nexport { handler as GET, handler as POST, open as PUT }; // expect\n`,
      'middleware.ts': `import { enforce } from '@/limit';\nexport async function middleware(req: Request) {\n  await enforce(req);\n}\nexport const config = { matcher: ['/api/limited/:path*'] };\n`,
    });
    expect(found).toEqual(expected);
    expect(findings.map((f) => f.message.split(':')[0])).toEqual([
      '`POST /api/bookings` is public (nothing authenticates the caller) and writes to the database (`db.user.update`), with no rate limit',
      '`GET /api/embed/[username]` is public (nothing authenticates the caller) and reads the database (`prisma.user.findUnique`), with no rate limit',
      '`PUT /api/trpc/[trpc]` is public (nothing authenticates the caller) and writes to the database (`db.user.update`), with no rate limit',
    ]);
  });

  it('pages-router API routes branch on req.method', () => {
    const { found, expected } = run({
      'pages/api/notes.ts': `import { prisma } from '../../src/db';
export default async function handler(req: { method?: string }, res: { json(v: unknown): void }) { // expect
  if (req.method === 'POST') return res.json(save({ created: true }));
  res.json(await prisma.user.findMany({ take: 5 }));
}
`,
      'pages/api/limited.ts': `import rateLimit from 'next-rate-limit';
const limiter = rateLimit({ interval: 60_000 });
export default async function handler(req: { method?: string }, res: { json(v: unknown): void }) {
  await limiter.checkNext(req, 10);
  if (['POST', 'DELETE'].includes(req.method ?? '')) res.json(save({}));
}
`,
      'pages/api/version.ts': `export default function handler(_req: unknown, res: { json(v: unknown): void }) {\n  res.json({ version: 1 });\n}\n`,
    });
    expect(found).toEqual(expected);
  });

  it('Express: route middleware, app.use before the route, a limited mount, and use after the route', () => {
    const { found, expected } = run({
      'src/server.ts': `import express from 'express';
import rateLimit from 'express-rate-limit';
import { accounts } from './accounts';
const app = express();
const limiter = rateLimit({ windowMs: 60_000, limit: 100 });
app.post('/signup', (req, res) => res.json(save(req.body))); // expect
app.delete('/sessions/:id', limiter, (req, res) => res.json(save(req.params.id)));
app.use('/api', limiter, accounts);
const admin = express.Router();
admin.put('/flags/:id', (req, res) => res.json(save(req.body))); // expect
app.use('/admin', admin);
app.use(limiter);
app.post('/after', (req, res) => res.json(save(req.body)));
app.listen(3000);
`,
      'src/accounts.ts': `import { Router } from 'express';
export const accounts = Router();
accounts.post('/accounts', (req, res) => res.json(save(req.body)));
accounts.route('/accounts/:id').delete((req, res) => res.json(save(req.params)));
`,
    });
    expect(found).toEqual(expected);
  });

  it('Fastify: a global @fastify/rate-limit covers routes unless one turns it off', () => {
    const limited = run({
      'src/app.ts': `import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
const fastify = Fastify();
await fastify.register(rateLimit, { max: 100, timeWindow: '1 minute' });
fastify.post('/orders', async () => save({ ok: true }));
fastify.delete('/orders/:id', { config: { rateLimit: false } }, async () => save({ ok: true })); // expect
fastify.route({ method: ['PUT', 'PATCH'], url: '/orders/:id', handler: async () => save({}) });
`,
    });
    expect(limited.found).toEqual(limited.expected);
    const open = run({
      'src/app.ts': `import Fastify from 'fastify';
const fastify = Fastify();
fastify.post('/orders', async () => save({ ok: true })); // expect
fastify.route({ method: 'DELETE', url: '/orders/:id', config: { rateLimit: { max: 5, timeWindow: '1 minute' } }, handler: async () => save({}) });
`,
    });
    expect(open.found).toEqual(open.expected);
  });

  it('Fastify: a global limit covers its own instance and the plugins it registers, not another service', () => {
    const { found, expected } = run({
      'src/public/server.ts': `import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { bookingRoutes } from './bookings';
export async function buildPublic() {
  const app = Fastify();
  await app.register(rateLimit, { max: 60, timeWindow: '1 minute' });
  app.post('/holds', async () => save({ ok: true }));
  await app.register(bookingRoutes, { prefix: '/bookings' });
  return app;
}
`,
      'src/public/bookings.ts': `import type { FastifyInstance } from 'fastify';
export async function bookingRoutes(fastify: FastifyInstance) {
  fastify.delete('/:id', async () => save({ ok: true }));
}
`,
      'src/notify/server.ts': `import Fastify from 'fastify';
import { preferenceRoutes } from './preferences';
export async function buildNotify() {
  const fastify = Fastify();
  fastify.post('/sms', async () => save({ sent: true })); // expect
  await fastify.register(preferenceRoutes);
  return fastify;
}
`,
      'src/notify/preferences.ts': `import type { FastifyInstance } from 'fastify';
export async function preferenceRoutes(fastify: FastifyInstance) {
  fastify.put('/preferences/:id', async () => save({ ok: true })); // expect
}
`,
    });
    expect(found).toEqual(expected);
  });

  it('Hono: app.use with a path pattern', () => {
    const { found, expected } = run({
      'src/edge.ts': `import { Hono } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
const app = new Hono();
app.use('/api/*', rateLimiter({ windowMs: 60_000, limit: 50, keyGenerator: (c) => c.req.header('x-forwarded-for') ?? '' }));
app.post('/api/events', (c) => c.json(save({ ok: true })));
app.post('/hooks/stripe', (c) => c.json(save({ ok: true }))); // expect
export default app;
`,
    });
    expect(found).toEqual(expected);
  });

  // The shape of a real Hono app (documenso): chained sub-apps in their own files, mounted with
  // `app.route(prefix, subApp)` after a path-scoped limiter on the parent.
  it('Hono: chained sub-apps mounted with app.route, limited on the parent before the mount', () => {
    const { found, expected } = run({
      'src/limits.ts': `import type { MiddlewareHandler } from 'hono';
export const createRateLimitMiddleware = (limit: number): MiddlewareHandler => async (_c, next) => {
  if (limit > 0) await next();
};
`,
      'src/ai/detect.ts': `import { Hono } from 'hono';
export const detectRoute = new Hono().post('/', (c) => c.json(save({ fields: [] })));
`,
      'src/ai/index.ts': `import { Hono } from 'hono';
import { detectRoute } from './detect';
export const aiRoute = new Hono()
  .get('/models', (c) => c.json([]))
  .route('/detect', detectRoute);
`,
      'src/files.ts': `import { Hono } from 'hono';
export const filesRoute = new Hono()
  .post('/upload', (c) => c.json(save({ ok: true })))
  .delete('/:id', (c) => c.json(save({ ok: true }))) // expect
  .post('/presign', (c) => c.json(save({ url: '' }))); // expect
`,
      'src/account.ts': `import { Hono } from 'hono';
export const accountRoute = new Hono().post('/close', (c) => c.json(save({ ok: true }))); // expect
`,
      'src/server.ts': `import { Hono } from 'hono';
import { aiRoute } from './ai/index';
import { filesRoute } from './files';
import { accountRoute } from './account';
import { createRateLimitMiddleware } from './limits';
const aiRateLimit = createRateLimitMiddleware(10);
const app = new Hono().basePath('/');
app.use('/api/ai/*', aiRateLimit);
app.route('/api/ai', aiRoute);
app.use('/api/files/upload', createRateLimitMiddleware(5));
app.route('/api/files', filesRoute);
app.route('/api/account', accountRoute);
app.use('/api/account/*', aiRateLimit);
export default app;
`,
    });
    expect(found).toEqual(expected);
  });

  it('NestJS: @Throttle, throttler guards on the class, global guards, @SkipThrottle', () => {
    const local = run({
      'src/bookings.controller.ts': `import { Controller, Delete, Get, Post, UseGuards } from '@nestjs/common';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
@Controller('bookings')
export class BookingsController {
  @Delete(':id') // expect
  remove() { return save({}); }
  @Throttle({ default: { limit: 3, ttl: 60_000 } })
  @Post()
  create() { return save({}); }
  @Get()
  list() { return []; }
}
@UseGuards(ThrottlerGuard)
@Controller('teams')
export class TeamsController {
  @Post()
  create() { return save({}); }
}
`,
    });
    expect(local.found).toEqual(local.expected);
    const global = run({
      'src/app.module.ts': `import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
@Module({ imports: [ThrottlerModule.forRoot([{ ttl: 60_000, limit: 10 }])], providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }] })
export class AppModule {}
`,
      'src/webhooks.controller.ts': `import { Controller, Post } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
@Controller('webhooks')
export class WebhooksController {
  @Post('stripe')
  stripe() { return save({}); }
  @SkipThrottle()
  @Post('github') // expect
  github() { return save({}); }
}
`,
    });
    expect(global.found).toEqual(global.expected);

    // Two services in one repository: billing's global guard covers billing and the library
    // module its AppModule imports, not the reports service.
    const services = run({
      'services/billing/src/app.module.ts': `import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard } from '@nestjs/throttler';
import { InvoicesModule } from '../../../libs/invoices/invoices.module';
@Module({ imports: [InvoicesModule], providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }] })
export class AppModule {}
`,
      'libs/invoices/invoices.module.ts': `import { Module } from '@nestjs/common';
import { InvoicesController } from './invoices.controller';
@Module({ controllers: [InvoicesController] })
export class InvoicesModule {}
`,
      'libs/invoices/invoices.controller.ts': `import { Controller, Delete } from '@nestjs/common';
@Controller('invoices')
export class InvoicesController {
  @Delete(':id')
  remove() { return save({}); }
}
`,
      'services/reports/src/reports.controller.ts': `import { Controller, Delete } from '@nestjs/common';
@Controller('reports')
export class ReportsController {
  @Delete(':id') // expect
  remove() { return save({}); }
}
`,
    });
    expect(services.found).toEqual(services.expected);
  });

  it('a limiter is known by the package that made it, whatever its name, through helpers in other files', () => {
    const { found, expected } = run({
      'src/quota.ts': `import { RateLimiterRedis } from 'rate-limiter-flexible';
export const userQuota = new RateLimiterRedis({ points: 30, duration: 60 } as never);
const counters = new Map<string, number>();
export async function enforceUserQuota(userId: string) {
  await userQuota.consume(userId);
}
export function bump(userId: string) {
  counters.set(userId, (counters.get(userId) ?? 0) + 1);
}
`,
      'app/api/schedules/route.ts': `import { enforceUserQuota, bump } from '@/quota';
export async function PUT(req: Request) {
  await enforceUserQuota(req.headers.get('x-user') ?? '');
  return new Response(save('ok'));
}
export async function PATCH(req: Request) { // expect
  bump(req.headers.get('x-user') ?? '');
  return new Response(save('ok'));
}
`,
    });
    expect(found).toEqual(expected);
  });

  it('options: checkPublicReads off, extra limiter and auth names', () => {
    const files = {
      'app/api/public/route.ts': `import { prisma } from '@/db';\nexport async function GET() {\n  return Response.json(await prisma.user.findMany({ take: 5 }));\n}\n`,
      'app/api/custom/route.ts': `declare function quota(key: string): Promise<void>;\nexport async function POST(req: Request) {\n  await quota(req.url);\n  return new Response(save('ok'));\n}\n`,
      'app/api/whoami/route.ts': `import { prisma } from '@/db';\ndeclare function whoami(): Promise<number>;\nexport async function GET() {\n  const id = await whoami();\n  return Response.json(await prisma.user.findUnique({ where: { id } }));\n}\n`,
    };
    expect(run(files).found).toEqual(['app/api/custom/route.ts:2', 'app/api/public/route.ts:2', 'app/api/whoami/route.ts:3']);
    expect(run(files, { checkPublicReads: false, limiters: ['quota'] }).found).toEqual([]);
    expect(run(files, { limiters: ['quota'], authFunctions: ['whoami'] }).found).toEqual(['app/api/public/route.ts:2']);
  });
});
