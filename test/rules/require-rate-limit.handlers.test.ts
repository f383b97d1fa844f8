import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isFunctionLike } from '@premortem/core';
import { findHandlers, handlerFunctions, type HttpHandler } from '../../rules/dist/require-rate-limit/handlers.js';
import { findTrpcProcedures } from '../../rules/dist/require-rate-limit/trpc-procedures.js';
import { createProject } from '../support/cli.js';

// Real Programs over throwaway projects with no node_modules, as the hosted bot sees them.
const compilerOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.Preserve,
  allowJs: true,
  strict: true,
  noEmit: true,
  baseUrl: '.',
  paths: { '@/*': ['./src/*'] },
};

interface Found {
  framework: HttpHandler['framework'] | 'trpc';
  methods: string[];
  route: string | undefined;
  mountedRoute?: string;
  procedureNames?: string[];
  /** Names of the functions each handler expression resolves to, in order. */
  functions: string[];
}

/** Every handler `findHandlers` (or, with `procedures`, `findTrpcProcedures`) returns for one file of the project. */
function handlersIn(files: Record<string, string>, file: string, { procedures = false } = {}): Found[] {
  const dir = createProject({ 'tsconfig.json': JSON.stringify({ compilerOptions: {} }), ...files }, { withNodeTypes: false, everyRule: false });
  compilerOptions.baseUrl = dir;
  const rootNames = Object.keys(files).filter((name) => /\.[jt]sx?$/.test(name)).map((name) => path.join(dir, name));
  const program = ts.createProgram({ rootNames, options: compilerOptions });
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(path.join(dir, file))!;
  const candidates: (ts.CallExpression | ts.MethodDeclaration)[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isMethodDeclaration(node)) candidates.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  const found: (HttpHandler | ReturnType<typeof findTrpcProcedures>[number])[] = procedures
    ? findTrpcProcedures(ts, program, checker, candidates)
    : findHandlers(ts, program, checker, sourceFile, candidates);
  return found.map((handler) => ({
    framework: handler.framework,
    methods: handler.methods,
    route: handler.route,
    ...(handler.mountedRoute !== undefined ? { mountedRoute: handler.mountedRoute } : {}),
    ...(handler.procedureNames !== undefined ? { procedureNames: handler.procedureNames } : {}),
    functions: handler.handlers.flatMap((expression) => handlerFunctions(ts, checker, program, expression).map((fn) => functionName(fn))),
  }));
}

function functionName(fn: ts.Node): string {
  if (!isFunctionLike(ts, fn)) return '?';
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn)) && fn.name) return fn.name.getText();
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  return '<anonymous>';
}

const next = (methods: string[], route: string, functions: string[]): Found => ({ framework: 'next-app', methods, route, functions });

describe('require-rate-limit: which endpoints findHandlers finds', () => {
  it('Next app router: route.tsx and route.jsx are route files too; page.tsx is not', () => {
    const body = `export async function POST(req: Request) { return new Response(await req.text()); }\n`;
    expect(handlersIn({ 'app/api/a/route.tsx': body }, 'app/api/a/route.tsx')).toEqual([next(['POST'], '/api/a', ['POST'])]);
    expect(handlersIn({ 'app/api/b/route.jsx': body.replace('req: Request', 'req') }, 'app/api/b/route.jsx')).toEqual([next(['POST'], '/api/b', ['POST'])]);
    expect(handlersIn({ 'app/api/c/page.tsx': body }, 'app/api/c/page.tsx')).toEqual([]);
  });

  it('Next app router: a method exported as another method handler is an endpoint running that function', () => {
    const files = {
      'app/api/items/route.ts': `export async function PATCH(req: Request) { return new Response(await req.text()); }\nexport const PUT = PATCH;\nconst notAHandler = 1;\nexport const DELETE = notAHandler;\n`,
    };
    expect(handlersIn(files, 'app/api/items/route.ts')).toEqual([next(['PATCH'], '/api/items', ['PATCH']), next(['PUT'], '/api/items', ['PATCH']), next(['DELETE'], '/api/items', [])]);
  });

  it('Next app router: re-exported methods lead to the function in the other file; type-only re-exports are not endpoints', () => {
    const files = {
      'app/api/v1/items/route.ts': `export async function POST(req: Request) { return new Response(await req.text()); }\nexport async function DELETE() { return new Response(null); }\n`,
      'app/api/v2/items/route.ts': `export { DELETE } from '../../v1/items/route';\nexport { POST as PUT } from '../../v1/items/route';\nexport type { Options as GET } from './types';\n`,
      'app/api/v2/items/types.ts': `export interface Options { a: number }\n`,
    };
    expect(handlersIn(files, 'app/api/v2/items/route.ts')).toEqual([next(['DELETE'], '/api/v2/items', ['DELETE']), next(['PUT'], '/api/v2/items', ['POST'])]);
  });

  it('Next app router: exports that hand the request to a Hono app, a tRPC router or an auth library are not endpoints; a local `handle` still is', () => {
    const files = {
      'src/server/app.ts': `import { Hono } from 'hono';\nexport const app = new Hono().basePath('/api');\napp.post('/items', (c) => c.json({}));\n`,
      'src/auth.ts': `import { betterAuth } from 'better-auth';\nexport const auth = betterAuth({});\n`,
      'src/trpc.ts': `export const appRouter = {};\n`,
      'app/api/[[...route]]/route.ts': `import { handle } from 'hono/vercel';\nimport { app } from '@/server/app';\nexport const GET = handle(app);\nexport const POST = handle(app);\nexport const PUT = app.fetch;\n`,
      'app/api/auth/[...all]/route.ts': `import { toNextJsHandler } from 'better-auth/next-js';\nimport { auth } from '@/auth';\nexport const POST = toNextJsHandler(auth).POST;\nexport const PUT = auth.handler;\n`,
      'app/api/trpc/[trpc]/route.ts': `import { fetchRequestHandler } from '@trpc/server/adapters/fetch';\nimport { appRouter } from '@/trpc';\nconst handler = (req: Request) => fetchRequestHandler({ endpoint: '/api/trpc', req, router: appRouter as never });\nexport { handler as GET, handler as POST };\n`,
      'app/api/local/route.ts': `function handle(body: unknown) { return async (req: Request) => new Response(JSON.stringify(body) + (await req.text())); }\nconst store = { handler: async (req: Request) => new Response(await req.text()) };\nexport const POST = handle({});\nexport const PUT = store.handler;\n`,
    };
    expect(handlersIn(files, 'app/api/[[...route]]/route.ts')).toEqual([]);
    expect(handlersIn(files, 'app/api/auth/[...all]/route.ts')).toEqual([]);
    expect(handlersIn(files, 'app/api/trpc/[trpc]/route.ts')).toEqual([]);
    expect(handlersIn(files, 'app/api/local/route.ts').map((h) => h.methods[0])).toEqual(['POST', 'PUT']);
  });

  it('pages router: an imported default handler, `export { default } from`, and methods read from the function in the other file', () => {
    const files = {
      'src/handlers/notes.ts': `export default async function notes(req: { method?: string }, res: { end(): void }) {\n  if (req.method === 'DELETE') return res.end();\n  res.end();\n}\n`,
      'src/handlers/open.ts': `const open = async (_req: unknown, res: { end(): void }) => res.end();\nexport default open;\n`,
      'pages/api/notes.ts': `import handler from '@/handlers/notes';\nexport default handler;\n`,
      'pages/api/re/notes.ts': `export { default } from '../../../src/handlers/notes';\n`,
      'pages/api/open.ts': `import open from '@/handlers/open';\nexport default open;\n`,
      'pages/api/local.ts': `import notes from '@/handlers/notes';\nexport { notes as default };\n`,
    };
    const pages = (methods: string[], route: string, functions: string[]): Found => ({ framework: 'next-pages', methods, route, functions });
    expect(handlersIn(files, 'pages/api/notes.ts')).toEqual([pages(['DELETE'], '/api/notes', ['notes'])]);
    expect(handlersIn(files, 'pages/api/re/notes.ts')).toEqual([pages(['DELETE'], '/api/re/notes', ['notes'])]);
    expect(handlersIn(files, 'pages/api/open.ts')).toEqual([pages(['ANY'], '/api/open', ['open'])]);
    expect(handlersIn(files, 'pages/api/local.ts')).toEqual([pages(['DELETE'], '/api/local', ['notes'])]);
  });

  it('pages router: a wrapper given one handler per method is one endpoint per verb key, running the wrapper and that key\'s handler', () => {
    const files = {
      'src/wrap.ts': `export function byMethod(map: Record<string, unknown>) { return async (req: { method?: string }) => map[req.method ?? 'GET']; }\n`,
      'pages/api/items/_post.ts': `export default async function createItem() { return 1; }\n`,
      'pages/api/items/index.ts': `import { byMethod } from '@/wrap';\nasync function listItems() { return []; }\nasync function removeItem() { return 0; }\nexport default byMethod({\n  POST: import('./_post'),\n  GET: Promise.resolve({ default: listItems }),\n  DELETE: removeItem,\n  options: { cache: true },\n});\n`,
      'pages/api/plain.ts': `import { byMethod } from '@/wrap';\nexport default byMethod({ cache: true });\n`,
    };
    const pages = (methods: string[], functions: string[], route = '/api/items'): Found => ({ framework: 'next-pages', methods, route, functions });
    expect(handlersIn(files, 'pages/api/items/index.ts')).toEqual([pages(['POST'], ['byMethod', 'createItem']), pages(['GET'], ['byMethod', 'listItems']), pages(['DELETE'], ['byMethod', 'removeItem'])]);
    expect(handlersIn(files, 'pages/api/plain.ts')).toEqual([pages(['ANY'], [], '/api/plain')]);
  });

  it('pages router: tRPC and Hono adapters as the default export are not endpoints', () => {
    const files = {
      'src/router.ts': `export const appRouter = {};\n`,
      'pages/api/trpc/[trpc].ts': `import { createNextApiHandler } from '@trpc/server/adapters/next';\nimport { appRouter } from '@/router';\nexport default createNextApiHandler({ router: appRouter as never });\n`,
      'src/hono.ts': `import { Hono } from 'hono';\nexport const app = new Hono().basePath('/api/hono');\n`,
      'pages/api/hono/[[...route]].ts': `import { handle } from 'hono/vercel';\nimport { app } from '@/hono';\nconst handler = handle(app);\nexport default handler;\n`,
      'pages/api/own/[trpc].ts': `function createNextApiHandler(o: unknown) { return async (req: { method?: string }) => o; }\nexport default createNextApiHandler({});\n`,
    };
    expect(handlersIn(files, 'pages/api/trpc/[trpc].ts')).toEqual([]);
    expect(handlersIn(files, 'pages/api/hono/[[...route]].ts')).toEqual([]);
    expect(handlersIn(files, 'pages/api/own/[trpc].ts').map((h) => h.methods)).toEqual([['ANY']]);
  });

  it('tRPC: server procedures are endpoints (mutation POST, query GET) keyed by their router path, with every middleware of the builders they start from', () => {
    const files = {
      'src/server/trpc.ts': `import { initTRPC } from '@trpc/server';
const t = initTRPC.context<{ user?: string }>().create();
const isAuthed = t.middleware(async function isAuthed({ next }: { next: () => unknown }) { return next(); });
export const limited = t.middleware(async function limited({ next }: { next: () => unknown }) { return next(); });
export const router = t.router;
export const publicProcedure = t.procedure;
export const authedProcedure = t.procedure.use(isAuthed);
`,
      'src/server/booking.ts': `import { router, authedProcedure, publicProcedure, limited } from './trpc';
async function cancelBooking() { return 1; }
declare const ownProcedure: { mutation(fn: () => unknown): unknown };
declare const store: { mutation(fn: () => unknown): unknown; query(q: object): unknown };
export const bookingRouter = router({
  cancel: authedProcedure.use(limited).input({}).mutation(cancelBooking),
  list: publicProcedure.query(async function listBookings() { return []; }),
  admin: router({ purge: authedProcedure.mutation(async function purgeBookings() { return 0; }) }),
});
export const other = ownProcedure.mutation(async function ownWrite() { return 1; });
store.mutation(async function notAProcedure() { return 1; });
store.query({ id: 1 });
`,
    };
    const trpc = (methods: string[], route: string | undefined, procedureNames: string[], functions: string[]): Found => ({ framework: 'trpc', methods, route, procedureNames, functions });
    expect(handlersIn(files, 'src/server/booking.ts', { procedures: true })).toEqual([
      trpc(['POST'], 'cancel', ['authedProcedure', 'procedure'], ['isAuthed', 'limited', 'cancelBooking']),
      trpc(['GET'], 'list', ['publicProcedure', 'procedure'], ['listBookings']),
      trpc(['POST'], 'admin.purge', ['authedProcedure', 'procedure'], ['isAuthed', 'purgeBookings']),
      trpc(['POST'], undefined, ['ownProcedure'], ['ownWrite']),
    ]);
  });

  it('tRPC: client calls are not procedures', () => {
    const files = {
      'src/client.ts': `import { createTRPCProxyClient } from '@trpc/client';
const client = createTRPCProxyClient<never>({ links: [] }) as never as { booking: { list: { query(i: object): unknown }; cancel: { mutate(i: object): unknown } } };
export const list = () => client.booking.list.query({ id: 1 });
export const cancel = () => client.booking.cancel.mutate({ id: 1 });
`,
    };
    expect(handlersIn(files, 'src/client.ts', { procedures: true })).toEqual([]);
  });

  it('mounted paths: Hono basePath and app.route across files, Express app.use prefixes; not when a router is mounted twice', () => {
    const files = {
      'src/events.ts': `import { Hono } from 'hono';\nexport const events = new Hono();\nevents.post('/', async function createEvent(c) { return c.json({}); });\nevents.delete('/:id', async function deleteEvent(c) { return c.json({}); });\n`,
      'src/app.ts': `import { Hono } from 'hono';\nimport { events } from './events';\nexport const app = new Hono().basePath('/api/private');\napp.route('/events', events);\napp.post('/ping', async function ping(c) { return c.json({}); });\nconst loose = new Hono();\nloose.post('/free', async function free(c) { return c.json({}); });\n`,
      'src/server.ts': `import express from 'express';
const app = express();
const users = express.Router();
const shared = express.Router();
function limiter(_req: unknown, _res: unknown, next: () => void) { next(); }
users.post('/users', async function createUser() {});
shared.post('/things', async function createThing() {});
app.use('/api/*', limiter, users);
app.use('/v1', shared);
app.use('/v2', shared);
`,
    };
    const hono = (methods: string[], route: string, mountedRoute: string | undefined, functions: string[]): Found => ({ framework: 'hono', methods, route, ...(mountedRoute ? { mountedRoute } : {}), functions });
    expect(handlersIn(files, 'src/events.ts')).toEqual([hono(['POST'], '/', '/api/private/events', ['createEvent']), hono(['DELETE'], '/:id', '/api/private/events/:id', ['deleteEvent'])]);
    expect(handlersIn(files, 'src/app.ts')).toEqual([hono(['POST'], '/ping', '/api/private/ping', ['ping']), hono(['POST'], '/free', undefined, ['free'])]);
    expect(handlersIn(files, 'src/server.ts').map((h) => [h.route, h.mountedRoute])).toEqual([
      ['/users', '/api/users'],
      ['/things', undefined],
    ]);
  });

  it('pages router: a handler dispatching through a table keyed by method and path is one endpoint per entry; a table keyed by path alone is not read', () => {
    const files = {
      'src/users.ts': `export async function listUsers() { return []; }\nexport async function createUser() { return 1; }\n`,
      'pages/api/[...path].ts': `import { listUsers, createUser } from '@/users';
const routes: Record<string, () => Promise<unknown>> = { 'GET /users': listUsers, 'POST /users': createUser, helper: listUsers };
export default async function dispatch(req: { method?: string; url?: string }) {
  const route = routes[\`\${req.method} \${req.url}\`];
  return route?.();
}
`,
      'pages/api/by-path/[...path].ts': `import { listUsers, createUser } from '@/users';
const routes: Record<string, () => Promise<unknown>> = { '/users': listUsers, '/new': createUser };
export default async function dispatch(req: { url?: string }) {
  return routes[req.url ?? '']?.();
}
`,
    };
    const pages = (methods: string[], functions: string[], route: string): Found => ({ framework: 'next-pages', methods, route, functions });
    expect(handlersIn(files, 'pages/api/[...path].ts')).toEqual([pages(['GET'], ['dispatch', 'listUsers'], '/api/[...path]'), pages(['POST'], ['dispatch', 'createUser'], '/api/[...path]')]);
    expect(handlersIn(files, 'pages/api/by-path/[...path].ts')).toEqual([pages(['ANY'], ['dispatch'], '/api/by-path/[...path]')]);
  });
});
