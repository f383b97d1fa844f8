import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { estimateQuery } from '../../packages/core/src/prisma/estimate-query.js';
import { getQueryShape } from '../../packages/core/src/prisma/query-shape.js';
import { readPrismaSchema } from '../../packages/core/src/prisma/read-schema.js';
import { TableStatistics, type StatsFile } from '../../packages/core/src/prisma/table-statistics.js';

// OR, NOT, `in` lists and relation filters, estimated as PostgreSQL's planner estimates the SQL
// Prisma sends (docs/query-cost.md, "The filter"; checked against the planner by
// `npm run bench:estimator`).
const schema = readPrismaSchema([
  {
    path: 'schema.prisma',
    text: `
enum Status {
  PENDING
  ACCEPTED
  CANCELLED
  REJECTED
}

model User {
  id          Int          @id
  email       String       @unique
  bookings    Booking[]
  credentials Credential[]
}

model Booking {
  id          Int    @id
  uid         String @unique
  userId      Int
  eventTypeId Int
  status      Status
  user        User   @relation(fields: [userId], references: [id])
  tags        Tag[]

  @@index([userId])
}

model Credential {
  id      Int     @id
  userId  Int
  invalid Boolean
  user    User    @relation(fields: [userId], references: [id])
}

model Tag {
  id       Int       @id
  bookings Booking[]
}
`,
  },
]);

const column = (nDistinct: number, mostCommon: { value: string; frequency: number }[] = []) => ({ nDistinct, nullFraction: 0, mostCommon });
const quarter = (value: string) => ({ value, frequency: 0.25 });
const measured: StatsFile = {
  version: 1,
  generatedAt: '2026-12-05T00:00:00Z',
  database: 'test',
  unmappedTables: [],
  models: {
    User: { table: 'User', rows: 5000, columns: { id: column(-1) } },
    Booking: {
      table: 'Booking',
      rows: 300_000,
      columns: {
        userId: column(4000, [{ value: '1', frequency: 0.1 }, { value: '2', frequency: 0.05 }]),
        eventTypeId: column(10_000),
        status: column(4, ['PENDING', 'ACCEPTED', 'CANCELLED', 'REJECTED'].map(quarter)),
      },
    },
    // A third of the rows' values are distinct: 2,000 users hold a credential.
    Credential: { table: 'Credential', rows: 6000, columns: { userId: column(-1 / 3), invalid: column(2, [{ value: 't', frequency: 0.5 }, { value: 'f', frequency: 0.5 }]) } },
  },
};

/** The rows `prisma.<model>.findMany(args)` returns by premortem's estimate, and the index it names. */
function estimate(model: string, args: string, stats = new TableStatistics(measured)) {
  const source = ts.createSourceFile(
    'query.ts',
    `declare const userId: number, eventTypeId: number, email: string, ids: number[], statuses: string[], filter: object;\nconst args = ${args};`,
    ts.ScriptTarget.Latest,
    true,
  );
  const statement = source.statements[1] as ts.VariableStatement;
  const object = statement.declarationList.declarations[0]!.initializer as ts.ObjectLiteralExpression;
  const prismaModel = schema.models.get(model)!;
  const cost = estimateQuery(schema, stats, prismaModel, 'findMany', getQueryShape(ts, schema, prismaModel, object));
  return { rows: cost.returnedRows, index: cost.index };
}

describe('OR', () => {
  it('is s1 + s2 − s1·s2, and an equality inside it picks no index', () => {
    // 1/4,000 + 1/10,000 − both, of 300,000 rows.
    expect(estimate('Booking', '{ where: { OR: [{ userId }, { eventTypeId }] } }')).toEqual({ rows: 105, index: 'none' });
  });

  it('multiplies a top-level equality, which still picks the index', () => {
    // 300,000 × 1/4,000 × (0.25 + 1/10,000 − 0.25/10,000) = 18.76.
    expect(estimate('Booking', "{ where: { userId, OR: [{ status: 'PENDING' }, { eventTypeId }] } }")).toEqual({ rows: 19, index: 'Booking(userId)' });
    expect(estimate('Booking', "{ where: { AND: [{ userId }, { OR: [{ status: 'PENDING' }, { eventTypeId }] }] } }").rows).toBe(19);
  });

  it('with a branch that cannot be read selects every row', () => {
    expect(estimate('Booking', "{ where: { userId, OR: [{ status: 'PENDING' }, filter] } }").rows).toBe(75);
  });
});

describe('NOT', () => {
  it('is 1 − s, and a list is none of its branches', () => {
    expect(estimate('Booking', "{ where: { NOT: { status: 'CANCELLED' } } }").rows).toBe(225_000);
    expect(estimate('Booking', "{ where: { NOT: [{ status: 'CANCELLED' }, { status: 'REJECTED' }] } }").rows).toBe(168_750);
  });

  it('of a branch that cannot be read excludes nothing', () => {
    expect(estimate('Booking', '{ where: { userId, NOT: filter } }').rows).toBe(75);
  });
});

describe('in lists', () => {
  it('written out: the sum of each value’s own share', () => {
    expect(estimate('Booking', "{ where: { status: { in: ['PENDING', 'ACCEPTED'] } } }").rows).toBe(150_000);
    // Two most common values: 10% and 5% of the rows.
    expect(estimate('Booking', '{ where: { userId: { in: [1, 2] } } }').rows).toBe(45_000);
  });

  it('known at run time: 10 values, not assumed disjoint (the planner’s = ANY($1))', () => {
    // 1 − 0.75^10 of the rows, where ten disjoint values would be all of them.
    expect(estimate('Booking', '{ where: { status: { in: statuses } } }').rows).toBe(283_106);
    expect(estimate('Booking', '{ where: { userId: { in: ids } } }').rows).toBe(749);
  });
});

describe('to-many relation filters', () => {
  it('some: parents with a matching child, at most one per matching child', () => {
    // 60 bookings per user × 1/10,000 of them match: 0.006 of 5,000 users.
    expect(estimate('User', '{ where: { bookings: { some: { eventTypeId } } } }').rows).toBe(30);
  });

  it('some: at most the parents the foreign key holds', () => {
    // A quarter of 60 bookings per user match, but only 4,000 distinct users have bookings.
    expect(estimate('User', "{ where: { bookings: { some: { status: 'PENDING' } } } }").rows).toBe(4000);
    expect(estimate('User', '{ where: { bookings: { some: {} } } }').rows).toBe(4000);
    // A boolean literal matches pg_stats' `t`: half of 1.2 credentials per user, capped by 2,000 holders.
    expect(estimate('User', '{ where: { credentials: { some: { invalid: true } } } }').rows).toBe(2000);
  });

  it('some with default table sizes: the documented children per parent', () => {
    // 50 children per parent, 1/10,000 of them match: 0.005 of 10,000 users.
    expect(estimate('User', '{ where: { bookings: { some: { uid: email } } } }', new TableStatistics(undefined)).rows).toBe(50);
  });

  it('none and every: the planner’s 0.5 for the NOT IN subplan Prisma sends', () => {
    expect(estimate('User', '{ where: { credentials: { none: { invalid: true } } } }').rows).toBe(2500);
    expect(estimate('User', '{ where: { credentials: { every: { invalid: false } } } }').rows).toBe(2500);
  });

  it('an implicit many-to-many has no foreign key to estimate: unknown', () => {
    expect(estimate('Booking', '{ where: { tags: { some: { id: 1 } } } }').rows).toBe(300_000);
  });
});

describe('to-one relation filters', () => {
  it('is, and its shorthand: the share of parents that match', () => {
    // One user in 5,000: 300,000 / 5,000 bookings.
    expect(estimate('Booking', '{ where: { user: { is: { email } } } }').rows).toBe(60);
    expect(estimate('Booking', '{ where: { user: { email } } }').rows).toBe(60);
  });

  it('isNot: the rest', () => {
    expect(estimate('Booking', '{ where: { user: { isNot: { email } } } }').rows).toBe(299_940);
  });

  it('beside a top-level equality, multiplies it', () => {
    expect(estimate('Booking', "{ where: { status: 'PENDING', user: { is: { email } } } }")).toEqual({ rows: 15, index: 'none' });
  });

  it('null, or a filter built elsewhere, is unknown', () => {
    expect(estimate('Booking', '{ where: { user: { is: null } } }').rows).toBe(300_000);
    expect(estimate('Booking', '{ where: { user: filter } }').rows).toBe(300_000);
  });
});
