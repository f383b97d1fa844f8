import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '@premortem/rules';
import { analyzeProject } from '../support/analyze-project.js';
import { fixtureTsconfig } from '../support/fixture-tsconfig.js';

// Which receivers are Prisma clients. `no-unbounded-query` is the observable: a `findMany` with no
// `take` on a recognized client is reported. Each project has no node_modules (everything is `any`,
// as the hosted bot sees it) unless a case writes a client's declarations itself. Every recognized
// shape sits next to a look-alike twin: a `chat`/`user` property on something that is not Prisma.
// A line that must be reported carries `// expect`.
const rule = rules.find((r) => r.name === 'no-unbounded-query')!;

const tsconfig = fixtureTsconfig({ decorators: true });
const schema = `datasource db {
  provider = "postgresql"
}
model User {
  id    Int    @id
  email String @unique
}
model Chat {
  id    Int    @id
  topic String
}
`;

function run(files: Record<string, string>): { found: string[]; expected: string[] } {
  const all = { 'tsconfig.json': tsconfig, 'prisma/schema.prisma': schema, ...files };
  const { findings, dir, notes } = analyzeProject(rule, all);
  expect(notes.filter((note) => note.includes('premortem bug'))).toEqual([]);
  const expected = Object.entries(all)
    .flatMap(([name, content]) => content.split('\n').flatMap((line, i) => (/\/\/ expect\b/.test(line) ? [`${name}:${i + 1}`] : [])))
    .sort();
  return { found: findings.map((f) => `${path.relative(dir, f.file)}:${f.line}`).sort(), expected };
}

/** An SDK whose client has a `chat` property with Prisma-like method names. */
const slackTwin = `import { WebClient } from '@slack/web-api';
const client = new WebClient(process.env.SLACK_TOKEN);
export async function post() {
  await client.chat.update({ channel: 'c', ts: '1', text: 'x' });
  return client.chat.findMany();
}
`;

describe('Prisma clients without types', () => {
  it('new PrismaClient() from @prisma/client, imported by name in another file; an SDK client is not one', () => {
    const { found, expected } = run({
      'src/db.ts': `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`,
      'src/users.ts': `import { prisma } from './db';
export const users = () => prisma.user.findMany(); // expect
export const chats = () => prisma.chat.findMany(); // expect
`,
      'src/slack.ts': slackTwin,
    });
    expect(found).toEqual(expected);
  });

  it('a global singleton behind a path alias, default-exported and re-exported; a local object is not one', () => {
    const { found, expected } = run({
      'src/lib/prisma.ts': `import { PrismaClient } from '@prisma/client';
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };
export const prisma = globalForPrisma.prisma ?? new PrismaClient();
if (process.env.NODE_ENV !== 'production') globalForPrisma.prisma = prisma;
export default prisma;
`,
      'src/lib/index.ts': `export { default as db } from './prisma';\n`,
      'src/a.ts': `import prisma from '@/lib/prisma';\nexport const a = () => prisma.user.findMany(); // expect\n`,
      'src/b.ts': `import { db } from '@/lib';\nexport const b = () => db.chat.findMany(); // expect\n`,
      'src/c.ts': `const chat = { findMany: () => [] as string[], update: (_: object) => 'ok' };
const db = { chat };
export const c = () => db.chat.findMany();
export const d = () => db.chat.update({ text: 'x' });
`,
      'src/kv.ts': `import { kv } from '@vercel/kv';
export const e = () => kv.chat.findMany();
`,
    });
    expect(found).toEqual(expected);
  });

  it('a factory that returns a client, `global.prisma || …`, and a generated client by its output folder; a factory of something else is not one', () => {
    const { found, expected } = run({
      'src/db.ts': `import { PrismaClient } from '../generated/prisma/client';
const prismaClientSingleton = () => new PrismaClient();
declare global { var prismaGlobal: undefined | ReturnType<typeof prismaClientSingleton> }
export const prisma = global.prismaGlobal || prismaClientSingleton();
`,
      'src/users.ts': `import { prisma } from './db';\nexport const users = () => prisma.user.findMany(); // expect\n`,
      'src/slack.ts': `import { WebClient } from '@slack/web-api';
function makeSlack() {
  return new WebClient(process.env.SLACK_TOKEN);
}
const client = makeSlack();
export const chats = () => client.chat.findMany();
`,
    });
    expect(found).toEqual(expected);
  });

  it('a memoizer given a factory that makes a client returns a client; the same memoizer around an SDK does not', () => {
    const { found, expected } = run({
      'src/remember.ts': `const cache = new Map<string, unknown>();
export function remember<T>(name: string, make: () => T): T {
  if (!cache.has(name)) cache.set(name, make());
  return cache.get(name) as T;
}
`,
      'src/db.ts': `import { PrismaClient } from '@prisma/client';
import { WebClient } from '@slack/web-api';
import { remember } from './remember';
export const prisma = remember('prisma', () => new PrismaClient());
export const client = remember('slack', () => {
  return new WebClient(process.env.SLACK_TOKEN);
});
`,
      'src/users.ts': `import { prisma, client } from './db';
export const users = () => prisma.user.findMany(); // expect
export const chats = () => client.chat.findMany();
`,
    });
    expect(found).toEqual(expected);
  });

  it('an $extends result and its $transaction callback; the transaction of another library is not one', () => {
    const { found, expected } = run({
      'src/db.ts': `import { PrismaClient } from '@prisma/client/edge';
export const db = new PrismaClient().$extends({ query: {} });
`,
      'src/users.ts': `import { db } from './db';
export const users = () => db.user.findMany(); // expect
export const inTransaction = () =>
  db.$transaction(async (tx) => {
    return tx.chat.findMany(); // expect
  });
`,
      'src/knex.ts': `import knex from 'knex';
const pg = knex({ client: 'pg' });
export const chats = () => pg.transaction(async (trx) => trx.chat.findMany());
`,
    });
    expect(found).toEqual(expected);
  });

  it('a class that extends PrismaClient, `this` inside it, and services it is injected into; an injected SDK is not one', () => {
    const { found, expected } = run({
      'src/prisma.service.ts': `import { Injectable, OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit {
  async onModuleInit() {
    await this.$connect();
  }
  everyone() {
    return this.user.findMany(); // expect
  }
}
`,
      'src/users.service.ts': `import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';
@Injectable()
export class UsersService {
  constructor(private readonly prisma: PrismaService) {}
  list() {
    return this.prisma.user.findMany(); // expect
  }
}
`,
      'src/slack.service.ts': `import { Injectable } from '@nestjs/common';
import { WebClient } from '@slack/web-api';
@Injectable()
export class SlackService {
  constructor(private readonly client: WebClient) {}
  list() {
    return this.client.chat.findMany();
  }
}
`,
    });
    expect(found).toEqual(expected);
  });

  it('parameters typed as a client (an alias, Prisma.TransactionClient, typeof); a parameter typed as something else is not one', () => {
    const { found, expected } = run({
      'src/db.ts': `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`,
      'src/repo.ts': `import type { Prisma, PrismaClient } from '@prisma/client';
import { prisma } from './db';
type Db = PrismaClient | Prisma.TransactionClient;
export const a = (db: Db) => db.user.findMany(); // expect
export const b = (tx: Prisma.TransactionClient) => tx.chat.findMany(); // expect
export const c = (client: typeof prisma) => client.user.findMany(); // expect
`,
      'src/slack.ts': `import type { WebClient } from '@slack/web-api';
export const d = (client: WebClient) => client.chat.findMany();
export const e = (db: WebClient) => db.chat.findMany();
`,
    });
    expect(found).toEqual(expected);
  });

  it('a client exported as a property of a default-exported object, read or destructured; the same shape around an SDK is not one', () => {
    const { found, expected } = run({
      'src/lib/prisma.ts': `import { PrismaClient } from '@/generated/prisma/client';
function getClient() {
  const base = new PrismaClient();
  return base;
}
const client = getClient();
export default { client };
`,
      'src/lib/slack.ts': `import { WebClient } from '@slack/web-api';\nconst client = new WebClient();\nexport default { client };\n`,
      'src/a.ts': `import prisma from '@/lib/prisma';
import slack from '@/lib/slack';
export const a = () => prisma.client.user.findMany(); // expect
export const b = () => slack.client.chat.findMany();
export function c() {
  const { client } = prisma;
  return client.chat.findMany(); // expect
}
export function d() {
  const { client } = slack;
  return client.chat.findMany();
}
`,
    });
    expect(found).toEqual(expected);
  });

  it('what cannot be traced counts only under a conventional client name (prisma, db, tx) and with nothing declared', () => {
    const { found, expected } = run({
      'src/untyped.ts': `declare const prisma: any;
declare const slack: any;
declare const ctx: any;
export const a = () => prisma.user.findMany(); // expect
export const b = () => ctx.db.chat.findMany(); // expect
export const c = () => slack.chat.findMany();
export const d = () => ctx.client.chat.findMany();
`,
      'src/declared.ts': `import { createStore } from './store';
const db = createStore();
export const e = () => db.chat.findMany();
`,
      'src/store.ts': `export function createStore() {\n  return { chat: { findMany: () => [] as string[] } };\n}\n`,
    });
    expect(found).toEqual(expected);
  });
});

// A stand-in for the generated client's declarations, enough for the checker to type the calls.
const typedPrismaClient = `export declare namespace Prisma {
  interface Delegate { findMany(args?: object): Promise<object[]>; findUnique(args: object): Promise<object | null>; create(args: object): Promise<object>; update(args: object): Promise<object>; upsert(args: object): Promise<object>; delete(args: object): Promise<object>; aggregate(args: object): Promise<object>; groupBy(args: object): Promise<object[]>; count(args?: object): Promise<number> }
  interface UserDelegate extends Delegate {}
  interface ChatDelegate extends Delegate {}
  interface Extended { findMany(args?: object): Promise<object[]> }
}
export declare class PrismaClient {
  user: Prisma.UserDelegate;
  chat: Prisma.ChatDelegate;
  $connect(): Promise<void>;
  $transaction<T>(fn: (tx: this) => Promise<T>): Promise<T>;
  $queryRaw(query: TemplateStringsArray): Promise<unknown>;
  $extends(extension: object): ExtendedClient;
}
export interface ExtendedClient {
  user: Prisma.Extended;
  chat: Prisma.Extended;
  $transaction<T>(fn: (tx: ExtendedClient) => Promise<T>): Promise<T>;
  $queryRaw(query: TemplateStringsArray): Promise<unknown>;
}
`;

describe('Prisma clients with types', () => {
  it('a class that extends PrismaClient injected as this.prisma, and an $extends result; a typed look-alike is not one', () => {
    const { found, expected } = run({
      'node_modules/@prisma/client/package.json': JSON.stringify({ name: '@prisma/client', types: 'index.d.ts' }),
      'node_modules/@prisma/client/index.d.ts': typedPrismaClient,
      'src/prisma.service.ts': `import { PrismaClient } from '@prisma/client';
export class PrismaService extends PrismaClient {}
export const extended = new PrismaClient().$extends({});
`,
      'src/users.service.ts': `import { PrismaService, extended } from './prisma.service';
interface ChatStore { chat: { findMany(args?: object): Promise<object[]> } }
export class UsersService {
  constructor(private readonly prisma: PrismaService, private readonly store: ChatStore) {}
  list() {
    return this.prisma.user.findMany(); // expect
  }
  chats() {
    return extended.chat.findMany(); // expect
  }
  cached() {
    return this.store.chat.findMany();
  }
}
`,
    });
    expect(found).toEqual(expected);
  });
});
