import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '@premortem/rules';
import { analyzeProject } from '../support/analyze-project.js';

const rule = rules.find((r) => r.name === 'no-unbounded-query')!;

// What the sizes say, and reads that need every row. Projects have no node_modules, as the
// hosted bot sees them; a line that must be reported carries `// expect: <kind>`.
const schema = `datasource db {
  provider = "postgresql"
}
model User {
  id       Int       @id
  accounts Account[]
  bookings Booking[]
  sessions Session[]
}
model Account {
  id     Int  @id
  userId Int
  user   User @relation(fields: [userId], references: [id])
  @@index([userId])
}
model Booking {
  id     Int    @id
  userId Int
  title  String
  user   User   @relation(fields: [userId], references: [id])
  @@index([userId])
}
model Session {
  id     Int  @id
  userId Int
  user   User @relation(fields: [userId], references: [id])
  @@index([userId])
}
model Folder {
  id       Int    @id
  parentId Int
  path     String
  @@index([parentId])
}
`;

const column = (nDistinct: number, heaviest: number) => ({ nDistinct, nullFraction: 0, mostCommon: [{ value: '1', frequency: heaviest }] });
/** A user has 2 accounts on average and 10 at most; 100 bookings on average, 10,000 for the heaviest. */
const measured = {
  version: 1,
  generatedAt: '2026-12-05T00:00:00.000Z',
  database: 'test',
  models: {
    User: { table: 'User', rows: 10_000, columns: {} },
    Account: { table: 'Account', rows: 20_000, columns: { userId: column(10_000, 10 / 20_000) } },
    Booking: { table: 'Booking', rows: 1_000_000, columns: { userId: column(10_000, 10_000 / 1_000_000) } },
  },
  unmappedTables: [],
};

function run(code: string, extra: Record<string, string> = {}): { found: string[]; expected: string[]; messages: string[] } {
  const source = `import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\ndeclare const userId: number, parentId: number;\n${code}`;
  const files = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', strict: true, noEmit: true }, include: ['**/*.ts'] }),
    'prisma/schema.prisma': schema,
    'src/queries.ts': source,
    ...extra,
  };
  const { findings, dir } = analyzeProject(rule, files);
  return {
    found: findings.filter((f) => path.relative(dir, f.file) === 'src/queries.ts').map((f) => `${f.line} ${f.kind}`),
    expected: source.split('\n').flatMap((line, i) => {
      const kind = /\/\/ expect: (\w+)/.exec(line)?.[1];
      return kind ? [`${i + 1} ${kind}`] : [];
    }),
    messages: findings.map((f) => f.message),
  };
}

const withStats = { '.premortem/prisma-stats.json': JSON.stringify(measured), '.github/premortem.yml': 'preset: strict\n' };

describe('no-unbounded-query: measured sizes decide what is small', () => {
  it("a user's few accounts are not reported; the bookings of the heaviest user are, though the average is small", () => {
    const { found, expected } = run(
      `export const accounts = prisma.account.findMany({ where: { userId } });
export const bookings = prisma.booking.findMany({ where: { userId } }); // expect: unbounded
export const withAccounts = prisma.user.findUnique({ where: { id: userId }, include: { accounts: true } });
export const withBookings = prisma.user.findUnique({ where: { id: userId }, include: { bookings: true } }); // expect: unboundedRelation
`,
      withStats,
    );
    expect(found).toEqual(expected);
  });

  it('default sizes never make a result small (the twin: the same reads without stats)', () => {
    const { found, expected } = run(`export const accounts = prisma.account.findMany({ where: { userId } }); // expect: unbounded
export const withAccounts = prisma.user.findUnique({ where: { id: userId }, include: { accounts: true } }); // expect: unboundedRelation
`);
    expect(found).toEqual(expected);
  });

  it('configured sizes count too: the average per parent when no column is measured', () => {
    const { found, expected } = run(
      `export const accounts = prisma.account.findMany({ where: { userId } });
export const bookings = prisma.booking.findMany({ where: { userId } }); // expect: unbounded
`,
      { '.github/premortem.yml': 'preset: strict\nprisma:\n  rows:\n    User: 10000\n    Account: 20000\n    Booking: 50000000\n' },
    );
    expect(found).toEqual(expected);
  });
});

describe('no-unbounded-query: the relations a create returns', () => {
  it('are the rows this call creates; the same include on an update reads rows that exist', () => {
    const { found, expected } = run(`export const created = prisma.user.create({ data: { id: 1, bookings: { create: [{ id: 1, title: 'a' }] } }, include: { bookings: true } });
export const updated = prisma.user.update({ where: { id: userId }, data: {}, include: { bookings: true } }); // expect: unboundedRelation
`);
    expect(found).toEqual(expected);
  });
});

describe('no-unbounded-query: reads that need every row', () => {
  it('rows read to be written one by one, or as a list, get the advice that helps (cursor pages, a set-based write)', () => {
    const { found, expected, messages } = run(`export async function move(to: string) {
  const children = await prisma.folder.findMany({ where: { parentId } }); // expect: unboundedWholeSet
  for (const child of children) await prisma.folder.update({ where: { id: child.id }, data: { path: to } });
}
export async function signOutEverywhere() {
  const sessions = await prisma.session.findMany({ where: { userId }, select: { id: true } }); // expect: unboundedWholeSet
  const ids = sessions.map((s) => s.id);
  await prisma.session.deleteMany({ where: { id: { in: ids } } });
}
export async function archive() {
  const rows = await prisma.booking.findMany({ where: { userId } }); // expect: unboundedWholeSet
  await archiveAll(rows.map((r) => r.id));
}
async function archiveAll(ids: number[]) {
  await prisma.booking.updateMany({ where: { id: { in: ids } }, data: { title: 'archived' } });
}
`);
    expect(found).toEqual(expected);
    expect(messages[0]).toContain('`take` alone would leave rows unchanged: page through them by `cursor`');
    expect(messages[0]).toContain('from default table sizes');
  });

  it('rows read for a summary or a check are the plain kind, with `take` advice (the twins)', () => {
    const { found, expected, messages } = run(`export async function total() {
  const rows = await prisma.booking.findMany({ where: { userId } }); // expect: unbounded
  const count = rows.reduce((sum) => sum + 1, 0);
  await prisma.user.update({ where: { id: userId }, data: { id: count } });
}
export async function first() {
  const rows = await prisma.booking.findMany({ where: { userId } }); // expect: unbounded
  if (rows.length > 0) await prisma.booking.delete({ where: { id: rows[0]!.id } });
}
export async function listed() {
  const rows = await prisma.booking.findMany({ where: { userId } }); // expect: unbounded
  return rows.map((r) => r.title);
}
`);
    expect(found).toEqual(expected);
    expect(messages.every((m) => m.includes('Add `take`'))).toBe(true);
  });

  it('measured sizes that make the set small leave it alone', () => {
    const { found, expected } = run(
      `export async function relink() {
  const accounts = await prisma.account.findMany({ where: { userId } });
  for (const a of accounts) await prisma.account.update({ where: { id: a.id }, data: {} });
}
`,
      withStats,
    );
    expect(found).toEqual(expected);
  });
});
