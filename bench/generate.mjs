// Writes a synthetic Next.js (app router) + tRPC + Prisma project of a given size, deterministic
// from a seed: the same seed and size always give the same files, byte for byte.
//
// Shape (per "feature", 10 files): a tRPC router and a service that call Prisma, three React
// components, two hooks, two utilities and a page. Features are grouped ten to a group router,
// as large apps nest their routers; components import hooks and utilities of their own feature
// and, now and then, of another one. About one feature in eight carries a hazard of each kind
// (a floating promise, an unbounded findMany, a query in a loop, a fetch in render, a retry
// without limit, a write endpoint without a rate limit); the app shell mounts a few queries.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** mulberry32: a tiny seeded PRNG, enough for reproducible shapes. */
export function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max) => Math.floor(next() * max),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

export const MODELS = [
  ['User', 'users'], ['Team', 'teams'], ['Membership', 'memberships'], ['Project', 'projects'],
  ['Task', 'tasks'], ['Comment', 'comments'], ['Invoice', 'invoices'], ['Payment', 'payments'],
  ['Customer', 'customers'], ['Order', 'orders'], ['Product', 'products'], ['Review', 'reviews'],
  ['Webhook', 'webhooks'], ['AuditLog', 'audit_logs'], ['Notification', 'notifications'], ['Booking', 'bookings'],
];

/** Models that belong to a team (teamId) and have many rows per team. */
const CHILD_MODELS = MODELS.filter(([name]) => name !== 'User' && name !== 'Team');

function schema() {
  const lines = [
    '// Synthetic schema for the premortem benchmark.',
    'generator client {',
    '  provider     = "prisma-client"',
    '  output       = "../src/generated/prisma"',
    '  moduleFormat = "esm"',
    '}',
    '',
    'datasource db {',
    '  provider = "postgresql"',
    '}',
    '',
    'enum Status {',
    '  ACTIVE',
    '  ARCHIVED',
    '  DELETED',
    '}',
    '',
    'model User {',
    '  id        Int      @id @default(autoincrement())',
    '  email     String   @unique',
    '  name      String?',
    '  createdAt DateTime @default(now())',
    ...CHILD_MODELS.map(([name]) => `  ${lower(name)}s ${name}[]`),
    '  @@map("users")',
    '}',
    '',
    'model Team {',
    '  id        Int      @id @default(autoincrement())',
    '  slug      String   @unique',
    '  name      String',
    '  createdAt DateTime @default(now())',
    ...CHILD_MODELS.map(([name]) => `  ${lower(name)}s ${name}[]`),
    '  @@map("teams")',
    '}',
  ];
  for (const [name, table] of CHILD_MODELS) {
    lines.push(
      '',
      `model ${name} {`,
      '  id        Int      @id @default(autoincrement())',
      '  title     String',
      '  body      String?',
      '  amount    Int      @default(0)',
      '  status    Status   @default(ACTIVE)',
      '  teamId    Int',
      '  userId    Int',
      '  createdAt DateTime @default(now())',
      '  updatedAt DateTime @updatedAt',
      '  team      Team     @relation(fields: [teamId], references: [id])',
      '  user      User     @relation(fields: [userId], references: [id])',
      '',
      '  @@index([teamId, createdAt])',
      `  @@map("${table}")`,
      '}',
    );
  }
  return lines.join('\n') + '\n';
}

function lower(name) {
  return name[0].toLowerCase() + name.slice(1);
}

function pascal(name) {
  return name[0].toUpperCase() + name.slice(1);
}

const FIXED_FILES = {
  'prisma.config.ts': `import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/bench' },
});
`,
  'src/server/db.ts': `import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@/generated/prisma/client';

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

export const prisma: PrismaClient =
  globalForPrisma.prisma ?? new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL }) });

if (process.env.NODE_ENV !== 'production') globalForPrisma.prisma = prisma;
`,
  'src/server/auth.ts': `import { prisma } from './db';

export interface SessionUser {
  id: number;
  email: string;
  teamId: number;
}

export async function getSessionUser(req: Request): Promise<SessionUser | null> {
  const token = req.headers.get('authorization')?.replace('Bearer ', '');
  if (!token) return null;
  const user = await prisma.user.findUnique({ where: { email: token } });
  return user ? { id: user.id, email: user.email, teamId: 1 } : null;
}
`,
  'src/lib/rate-limit.ts': `const hits = new Map<string, { count: number; resetAt: number }>();

export function checkRateLimit(key: string, options: { limit: number; windowMs: number }): { success: boolean } {
  const now = Date.now();
  const entry = hits.get(key);
  if (!entry || entry.resetAt < now) {
    hits.set(key, { count: 1, resetAt: now + options.windowMs });
    return { success: true };
  }
  entry.count += 1;
  return { success: entry.count <= options.limit };
}
`,
  'src/server/trpc.ts': `import { initTRPC, TRPCError } from '@trpc/server';
import { checkRateLimit } from '@/lib/rate-limit';
import { getSessionUser, type SessionUser } from './auth';

export interface Context {
  user: SessionUser | null;
  ip: string;
}

export async function createContext(req: Request, ip: string): Promise<Context> {
  return { user: await getSessionUser(req), ip };
}

const t = initTRPC.context<Context>().create();

export const router = t.router;

export const publicProcedure = t.procedure.use(({ ctx, path, next }) => {
  if (!checkRateLimit(\`trpc:\${path}:\${ctx.ip}\`, { limit: 20, windowMs: 60_000 }).success) {
    throw new TRPCError({ code: 'TOO_MANY_REQUESTS' });
  }
  return next();
});

export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});
`,
  'src/utils/trpc.ts': `import { createTRPCReact } from '@trpc/react-query';
import type { AppRouter } from '@/server/routers/_app';

export const trpc = createTRPCReact<AppRouter>();
`,
  'src/components/providers.tsx': `'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { httpBatchLink } from '@trpc/client';
import { useState, type ReactNode } from 'react';
import { trpc } from '@/utils/trpc';

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient());
  const [client] = useState(() => trpc.createClient({ links: [httpBatchLink({ url: '/api/trpc' })] }));
  return (
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}
`,
  'src/lib/shared/format.ts': `export function formatAmount(cents: number, currency = 'EUR'): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
}

export function formatDate(value: Date | string): string {
  return new Date(value).toISOString().slice(0, 10);
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
`,
  'src/lib/shared/http.ts': `export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(\`\${url}: \${response.status}\`);
  return (await response.json()) as T;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
`,
};

/**
 * Writes the project into `dir` (which must be empty or absent). Returns the list of files
 * written, relative to `dir`.
 */
export function generateProject(dir, { files: target, seed }) {
  const random = createRandom(seed);
  const written = [];
  const write = (relative, text) => {
    const full = path.join(dir, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    written.push(relative);
  };

  write('prisma/schema.prisma', schema());
  write('tsconfig.json', JSON.stringify(tsconfig(), null, 2) + '\n');
  write('.gitignore', 'node_modules\n');
  for (const [relative, text] of Object.entries(FIXED_FILES)) write(relative, text);

  // Fixed .ts/.tsx so far, plus _app, layout, shell, api/trpc route: 4 more. The rest is features.
  const fixedSources = Object.keys(FIXED_FILES).filter((f) => /\.tsx?$/.test(f)).length + 4;
  const perFeature = 10;
  const featureCount = Math.max(2, Math.floor((target - fixedSources) / perFeature));
  const groupSize = 10;
  const features = [];
  for (let i = 0; i < featureCount; i++) {
    const [model] = random.pick(CHILD_MODELS);
    features.push({ index: i, id: `f${i}`, group: `g${Math.floor(i / groupSize)}`, model, hazard: random.int(8) });
  }

  for (const feature of features) {
    const other = features[random.int(features.length)];
    write(`src/server/routers/${feature.group}/${feature.id}.ts`, routerFile(feature, random));
    write(`src/server/services/${feature.id}.ts`, serviceFile(feature, random));
    write(`src/lib/${feature.id}/format.ts`, formatFile(feature, random));
    write(`src/lib/${feature.id}/validate.ts`, validateFile(feature, random));
    write(`src/hooks/${feature.id}/use${pascal(feature.id)}List.ts`, listHookFile(feature));
    write(`src/hooks/${feature.id}/use${pascal(feature.id)}Sync.ts`, syncHookFile(feature));
    write(`src/components/${feature.id}/${pascal(feature.id)}List.tsx`, listComponentFile(feature, other));
    write(`src/components/${feature.id}/${pascal(feature.id)}Card.tsx`, cardComponentFile(feature));
    write(`src/components/${feature.id}/${pascal(feature.id)}Form.tsx`, formComponentFile(feature));
    if (feature.hazard === 5) write(`app/api/${feature.id}/route.ts`, routeHandlerFile(feature));
    else write(`app/${feature.id}/page.tsx`, pageFile(feature));
  }
  const groups = [...new Set(features.map((f) => f.group))];
  for (const group of groups) {
    write(`src/server/routers/${group}/index.ts`, groupRouterFile(group, features.filter((f) => f.group === group)));
  }
  write('src/server/routers/_app.ts', appRouterFile(groups));
  write('app/layout.tsx', layoutFile());
  write('src/components/Shell.tsx', shellFile(features.slice(0, 3)));
  write('app/api/trpc/[trpc]/route.ts', trpcRouteFile());
  // Pad with small utilities to land on the exact file count (groups add a few files).
  const sources = () => written.filter((f) => /\.tsx?$/.test(f) && !f.endsWith('prisma.config.ts')).length;
  for (let i = 0; sources() < target; i++) write(`src/lib/extra/util${i}.ts`, extraUtilFile(i, random));
  return written;
}

function tsconfig() {
  return {
    compilerOptions: {
      target: 'es2022',
      lib: ['dom', 'dom.iterable', 'es2023'],
      module: 'esnext',
      moduleResolution: 'bundler',
      jsx: 'react-jsx',
      strict: true,
      noEmit: true,
      isolatedModules: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      types: ['node'],
      paths: { '@/*': ['./src/*'] },
    },
    include: ['**/*.ts', '**/*.tsx'],
    exclude: ['node_modules'],
  };
}

function routerFile(f, random) {
  const m = lower(f.model);
  const limit = 10 + random.int(90);
  const unbounded = f.hazard === 1;
  return `import { z } from 'zod';
import { prisma } from '@/server/db';
import { protectedProcedure, publicProcedure, router } from '@/server/trpc';
import { archive${pascal(f.id)}, summarize${pascal(f.id)} } from '@/server/services/${f.id}';
import { validate${pascal(f.id)}Title } from '@/lib/${f.id}/validate';

const listInput = z.object({ teamId: z.number().int(), cursor: z.number().int().optional() });

export const ${f.id}Router = router({
  list: protectedProcedure.input(listInput).query(({ input }) => {
    return prisma.${m}.findMany({
      where: { teamId: input.teamId, status: 'ACTIVE' },
      orderBy: { createdAt: 'desc' },${unbounded ? '' : `\n      take: ${limit},`}
      ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    });
  }),

  byId: protectedProcedure.input(z.object({ id: z.number().int() })).query(async ({ input }) => {
    const row = await prisma.${m}.findUnique({ where: { id: input.id } });
    return row ? { ...row, summary: summarize${pascal(f.id)}(row.title, row.amount) } : null;
  }),

  count: publicProcedure.input(z.object({ teamId: z.number().int() })).query(({ input }) =>
    prisma.${m}.count({ where: { teamId: input.teamId } }),
  ),

  create: protectedProcedure
    .input(z.object({ title: z.string().min(1).max(200), amount: z.number().int() }))
    .mutation(async ({ ctx, input }) => {
      validate${pascal(f.id)}Title(input.title);
      return prisma.${m}.create({ data: { title: input.title, amount: input.amount, teamId: ctx.user.teamId, userId: ctx.user.id } });
    }),

  archive: protectedProcedure.input(z.object({ ids: z.array(z.number().int()).max(100) })).mutation(({ input }) => archive${pascal(f.id)}(input.ids)),
});
`;
}

function serviceFile(f, random) {
  const m = lower(f.model);
  const P = pascal(f.id);
  const loop = f.hazard === 2
    ? `  for (const id of ids) {
    await prisma.${m}.update({ where: { id }, data: { status: 'ARCHIVED' } });
  }`
    : `  await prisma.${m}.updateMany({ where: { id: { in: ids } }, data: { status: 'ARCHIVED' } });`;
  const notify = f.hazard === 0 ? `  notifyArchived(ids);` : `  await notifyArchived(ids);`;
  const retry = f.hazard === 4
    ? `export async function push${P}(payload: unknown): Promise<void> {
  for (;;) {
    try {
      await postJson('/hooks/${f.id}', payload);
      return;
    } catch {
      await sleep(1000);
    }
  }
}`
    : `export async function push${P}(payload: unknown): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await postJson('/hooks/${f.id}', payload);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await sleep(2 ** attempt * 250);
    }
  }
}`;
  return `import { prisma } from '@/server/db';
import { postJson, sleep } from '@/lib/shared/http';
import { format${P}Amount } from '@/lib/${f.id}/format';

export function summarize${P}(title: string, amount: number): string {
  return \`\${title.slice(0, ${20 + random.int(40)})} (\${format${P}Amount(amount)})\`;
}

async function notifyArchived(ids: number[]): Promise<void> {
  await postJson('/notify/${f.id}', { ids });
}

export async function archive${P}(ids: number[]): Promise<number> {
${loop}
${notify}
  return ids.length;
}

${retry}

export async function recent${P}Totals(teamId: number): Promise<number> {
  const rows = await prisma.${m}.findMany({ where: { teamId }, select: { amount: true }, take: 500 });
  return rows.reduce((sum, row) => sum + row.amount, 0);
}
`;
}

function formatFile(f, random) {
  const P = pascal(f.id);
  return `import { formatAmount, formatDate } from '@/lib/shared/format';

export function format${P}Amount(cents: number): string {
  return formatAmount(cents, '${random.pick(['EUR', 'USD', 'GBP'])}');
}

export function format${P}Date(value: Date | string): string {
  return formatDate(value);
}

export function ${f.id}Label(row: { title: string; amount: number }): string {
  return \`\${row.title}: \${format${P}Amount(row.amount)}\`;
}
`;
}

function validateFile(f, random) {
  const P = pascal(f.id);
  return `import { clamp } from '@/lib/shared/format';

const MAX_TITLE = ${50 + random.int(150)};

export function validate${P}Title(title: string): string {
  if (title.trim().length === 0) throw new Error('A title is required.');
  return title.slice(0, MAX_TITLE);
}

export function normalize${P}Amount(amount: number): number {
  return clamp(Math.round(amount), 0, ${1000 + random.int(100000)});
}
`;
}

function listHookFile(f) {
  const P = pascal(f.id);
  return `'use client';

import { trpc } from '@/utils/trpc';

export function use${P}List(teamId: number, enabled: boolean) {
  return trpc.${f.group}.${f.id}.list.useQuery({ teamId }, { enabled, staleTime: 30_000 });
}

export function use${P}Count(teamId: number) {
  return trpc.${f.group}.${f.id}.count.useQuery({ teamId }, { staleTime: 60_000 });
}
`;
}

function syncHookFile(f) {
  const P = pascal(f.id);
  const effect = f.hazard === 3
    ? `  useEffect(() => {
    void fetch(\`/api/${f.id}/sync?team=\${teamId}\`).then((r) => r.json()).then(setLast);
  });`
    : `  useEffect(() => {
    const controller = new AbortController();
    fetch(\`/api/${f.id}/sync?team=\${teamId}\`, { signal: controller.signal })
      .then((r) => r.json())
      .then(setLast)
      .catch(() => setLast(null));
    return () => controller.abort();
  }, [teamId]);`;
  return `'use client';

import { useEffect, useState } from 'react';

export function use${P}Sync(teamId: number) {
  const [last, setLast] = useState<unknown>(null);
${effect}
  return last;
}
`;
}

function listComponentFile(f, other) {
  const P = pascal(f.id);
  const O = pascal(other.id);
  return `'use client';

import { useState } from 'react';
import { use${P}List } from '@/hooks/${f.id}/use${P}List';
import { ${f.id}Label } from '@/lib/${f.id}/format';
import { format${O}Date } from '@/lib/${other.id}/format';
import { ${P}Card } from './${P}Card';

export function ${P}List({ teamId }: { teamId: number }) {
  const [open, setOpen] = useState(false);
  const list = use${P}List(teamId, open);
  if (!open) return <button type="button" onClick={() => setOpen(true)}>Show</button>;
  if (list.isLoading) return <p>Loading…</p>;
  return (
    <ul>
      {(list.data ?? []).map((row) => (
        <li key={row.id} title={${f.id}Label(row)}>
          <${P}Card id={row.id} title={row.title} amount={row.amount} />
          <time>{format${O}Date(row.createdAt)}</time>
        </li>
      ))}
    </ul>
  );
}
`;
}

function cardComponentFile(f) {
  const P = pascal(f.id);
  return `import { format${P}Amount } from '@/lib/${f.id}/format';

export interface ${P}CardProps {
  id: number;
  title: string;
  amount: number;
}

export function ${P}Card({ id, title, amount }: ${P}CardProps) {
  return (
    <article data-id={id}>
      <h3>{title}</h3>
      <p>{format${P}Amount(amount)}</p>
    </article>
  );
}
`;
}

function formComponentFile(f) {
  const P = pascal(f.id);
  return `'use client';

import { useState, type FormEvent } from 'react';
import { trpc } from '@/utils/trpc';
import { normalize${P}Amount, validate${P}Title } from '@/lib/${f.id}/validate';

export function ${P}Form({ onDone }: { onDone: () => void }) {
  const [title, setTitle] = useState('');
  const [amount, setAmount] = useState(0);
  const utils = trpc.useUtils();
  const create = trpc.${f.group}.${f.id}.create.useMutation({ onSuccess: () => utils.${f.group}.${f.id}.list.invalidate() });

  async function submit(event: FormEvent) {
    event.preventDefault();
    await create.mutateAsync({ title: validate${P}Title(title), amount: normalize${P}Amount(amount) });
    onDone();
  }

  return (
    <form onSubmit={(event) => void submit(event)}>
      <input value={title} onChange={(event) => setTitle(event.target.value)} />
      <input type="number" value={amount} onChange={(event) => setAmount(Number(event.target.value))} />
      <button type="submit" disabled={create.isPending}>Save</button>
    </form>
  );
}
`;
}

function pageFile(f) {
  const P = pascal(f.id);
  return `import { ${P}List } from '@/components/${f.id}/${P}List';
import { ${P}Form } from '@/components/${f.id}/${P}Form';

export default function ${P}Page() {
  return (
    <main>
      <${P}List teamId={1} />
      <${P}Form onDone={() => undefined} />
    </main>
  );
}
`;
}

function routeHandlerFile(f) {
  const m = lower(f.model);
  return `import { prisma } from '@/server/db';
import { getSessionUser } from '@/server/auth';

export async function POST(req: Request) {
  const user = await getSessionUser(req);
  if (!user) return new Response('unauthorized', { status: 401 });
  const body = (await req.json()) as { title: string };
  const row = await prisma.${m}.create({ data: { title: body.title, teamId: user.teamId, userId: user.id } });
  return Response.json(row);
}
`;
}

function groupRouterFile(group, members) {
  return `import { router } from '@/server/trpc';
${members.map((f) => `import { ${f.id}Router } from './${f.id}';`).join('\n')}

export const ${group}Router = router({
${members.map((f) => `  ${f.id}: ${f.id}Router,`).join('\n')}
});
`;
}

function appRouterFile(groups) {
  return `import { router } from '@/server/trpc';
${groups.map((g) => `import { ${g}Router } from './${g}';`).join('\n')}

export const appRouter = router({
${groups.map((g) => `  ${g}: ${g}Router,`).join('\n')}
});

export type AppRouter = typeof appRouter;
`;
}

function layoutFile() {
  return `import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import { Shell } from '@/components/Shell';

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <Shell />
          <main>{children}</main>
        </Providers>
      </body>
    </html>
  );
}
`;
}

function shellFile(first) {
  return `'use client';

import { trpc } from '@/utils/trpc';

export function Shell() {
${first.map((f, i) => `  const q${i} = trpc.${f.group}.${f.id}.list.useQuery({ teamId: 1 });`).join('\n')}
  return <nav>{[${first.map((_, i) => `q${i}.data?.length ?? 0`).join(', ')}].join(' / ')}</nav>;
}
`;
}

function trpcRouteFile() {
  return `import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/routers/_app';
import { createContext } from '@/server/trpc';

const handler = (req: Request) =>
  fetchRequestHandler({ endpoint: '/api/trpc', req, router: appRouter, createContext: () => createContext(req, req.headers.get('x-forwarded-for') ?? 'local') });

export { handler as GET, handler as POST };
`;
}

function extraUtilFile(i, random) {
  return `export const LIMIT_${i} = ${1 + random.int(1000)};

export function pick${i}<T>(items: readonly T[], count = LIMIT_${i}): T[] {
  return items.slice(0, count);
}
`;
}
