import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '@premortem/rules';
import { analyzeProject } from '../support/analyze-project.js';

const rule = rules.find((r) => r.name === 'no-unbounded-query')!;

// Shapes that are bounded by the schema, each next to its unbounded twin. Projects have no
// node_modules, as the hosted bot sees them; a line that must be reported carries `// expect`.
const schema = `datasource db {
  provider = "postgresql"
}
enum SettingType {
  THEME
  LOCALE
  TIMEZONE
}
model User {
  id          Int          @id
  memberships Membership[]
  settings    Setting[]
  entries     Entry[]
  bookings    Booking[]
}
model Team {
  id          Int          @id
  memberships Membership[]
}
model Membership {
  id     Int    @id
  userId Int
  teamId Int
  role   String
  user   User   @relation(fields: [userId], references: [id])
  team   Team   @relation(fields: [teamId], references: [id])
  @@unique([userId, teamId])
}
model Setting {
  id      Int         @id
  ownerId Int
  type    SettingType
  value   String
  owner   User        @relation(fields: [ownerId], references: [id])
  @@unique([ownerId, type])
}
model Entry {
  id      Int    @id
  ownerId Int
  key     String
  owner   User   @relation(fields: [ownerId], references: [id])
  @@unique([ownerId, key])
}
model Booking {
  id      Int    @id
  uid     String @unique
  userId  Int
  user    User   @relation(fields: [userId], references: [id])
  @@index([userId])
}
model Reminder {
  id        Int    @id
  accountId Int
  eventId   String
  @@unique([accountId, eventId])
}
`;

function run(code: string): { found: number[]; expected: number[] } {
  const files = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', strict: true, noEmit: true }, include: ['**/*.ts'] }),
    'prisma/schema.prisma': schema,
    'src/queries.ts': `import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\ndeclare const id: number, teamId: number, ids: number[], uid: string, exact: boolean;\n${code}`,
  };
  const { findings, dir } = analyzeProject(rule, files);
  const lines = files['src/queries.ts'].split('\n');
  return {
    found: findings.filter((f) => path.relative(dir, f.file) === 'src/queries.ts').map((f) => f.line).sort((a, b) => a - b),
    expected: lines.flatMap((line, i) => (line.includes('// expect') ? [i + 1] : [])),
  };
}

describe('no-unbounded-query: shapes the schema bounds', () => {
  it('a to-many include whose where pins a unique key with the foreign key loads one row per parent', () => {
    const { found, expected } = run(`export const one = prisma.user.findUnique({ where: { id }, include: { memberships: { where: { teamId } } } });
export const many = prisma.user.findUnique({ where: { id }, include: { memberships: { where: { role: 'admin' } } } }); // expect
`);
    expect(found).toEqual(expected);
  });

  it('a unique key whose other field is an enum: at most one row per value, at the top level and in a relation', () => {
    const { found, expected } = run(`export const settings = prisma.setting.findMany({ where: { ownerId: id } });
export const nested = prisma.user.findUnique({ where: { id }, include: { settings: true } });
export const entries = prisma.entry.findMany({ where: { ownerId: id } }); // expect
export const nestedEntries = prisma.user.findUnique({ where: { id }, include: { entries: true } }); // expect
`);
    expect(found).toEqual(expected);
  });

  it('groupBy on a key the where limits to a list has one group per listed value', () => {
    const { found, expected } = run(`export const listed = prisma.booking.groupBy({ by: ['userId'], where: { userId: { in: ids } }, _count: true });
export const all = prisma.booking.groupBy({ by: ['userId'], _count: true }); // expect
`);
    expect(found).toEqual(expected);
  });

  it('a unique key that may be undefined is not a unique lookup: Prisma drops the filter', () => {
    const { found, expected } = run(`export const byUid = prisma.booking.findMany({ where: { uid } });
export const maybe = prisma.booking.findMany({ where: { uid: exact ? uid : undefined } }); // expect
`);
    expect(found).toEqual(expected);
  });

  it('a compound unique key given one value and a list: one row per listed key', () => {
    const { found, expected } = run(`declare const eventIds: string[];
export const listed = prisma.reminder.findMany({ where: { accountId: id, eventId: { in: eventIds } } });
export const partial = prisma.reminder.findMany({ where: { eventId: { in: eventIds } } }); // expect
`);
    expect(found).toEqual(expected);
  });
});
