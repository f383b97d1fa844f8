import { createTypedRuleTester, eslintRule } from '../support/rule-tester.js';
import { typedClient, typedLines, untypedClient, untypedLines } from './prisma-prelude.js';

const rule = eslintRule('no-unbounded-query');
const ruleTester = createTypedRuleTester();
// test/rules/fixture/prisma/schema.prisma: User 1—n Booking 1—n Attendee; Team 1—n User; Setting 1—1 User.
const typed = (code: string) => typedClient + code;
const untyped = (code: string) => untypedClient + code;
const line = (n: number) => typedLines + n;

ruleTester.run('no-unbounded-query', rule, {
  valid: [
    { name: 'findMany with take', code: typed(`prisma.booking.findMany({ where: { userId }, take: 50 });`) },
    { name: 'take from a variable is still a bound', code: typed(`declare const pageSize: number;\nprisma.booking.findMany({ where: { userId }, take: pageSize });`) },
    { name: 'a cursor with take (twin of cursor without take)', code: typed(`prisma.booking.findMany({ cursor: { id: 10 }, skip: 1, take: 20, where: { userId } });`) },
    { name: 'groupBy with take (twin of groupBy without take)', code: typed(`prisma.booking.groupBy({ by: ['userId'], take: 50 });`) },
    {
      name: 'a to-many relation in select with take (twin of the unbounded select)',
      code: typed(`prisma.booking.findUnique({ where: { uid: 'x' }, select: { attendees: { select: { email: true }, take: 20 } } });`),
    },
    { name: 'findFirst reads one row', code: typed(`prisma.booking.findFirst({ where: { userId } });`) },
    { name: 'findUnique reads one row', code: typed(`prisma.booking.findUnique({ where: { uid: 'abc' } });`) },
    { name: 'findMany filtered by a unique field returns at most one row', code: typed(`prisma.booking.findMany({ where: { uid: 'abc' } });`) },
    { name: 'a list of unique keys returns one row per key', code: typed(`declare const ids: number[];\nprisma.booking.findMany({ where: { id: { in: ids } } });`) },
    { name: 'groupBy over an enum has one group per value', code: typed(`prisma.booking.groupBy({ by: ['status'], _count: true });`) },
    { name: 'count returns a number, not rows', code: typed(`prisma.booking.count({ where: { userId } });`) },
    { name: 'a model listed as small', code: typed(`prisma.team.findMany();`), options: [{ smallModels: ['Team'] }] },
    { name: 'arguments built elsewhere prove nothing', code: typed(`declare const args: object;\nprisma.booking.findMany(args);`) },
    { name: 'a spread may carry take', code: typed(`declare const page: { take: number };\nprisma.booking.findMany({ ...page, where: { userId } });`) },
    {
      name: 'a conditional spread that may add take (twin of the cursor-only spread)',
      code: typed(`declare const limit: number | undefined;\nprisma.booking.findMany({ where: { userId }, ...(limit ? { take: limit } : {}) });`),
    },
    { name: 'a to-one include', code: typed(`prisma.booking.findMany({ take: 10, include: { user: true } });`) },
    { name: 'a to-many include with take', code: typed(`prisma.user.findUnique({ where: { id: 1 }, include: { bookings: { take: 5, orderBy: { startTime: 'desc' } } } });`) },
    { name: '_count reads no related rows', code: typed(`prisma.user.findMany({ take: 10, select: { _count: { select: { bookings: true } } } });`) },
    { name: 'a relation left out with false', code: typed(`prisma.user.findUnique({ where: { id: 1 }, include: { bookings: false } });`) },
    {
      name: 'a look-alike repository with its own findMany',
      code: typed(`declare const repo: { booking: { findMany(args?: object): Promise<object[]> } };\nrepo.booking.findMany({ where: { userId } });`),
    },
    {
      name: 'a hand-written BookingDelegate without Prisma\'s operations is a look-alike',
      code: untyped(`interface BookingDelegate { findMany(a?: object): Promise<object[]>; update(a: object): Promise<object> }\ndeclare const memoryDb: { booking: BookingDelegate };\nmemoryDb.booking.findMany();`),
    },
    {
      name: 'a look-alike typed as something else stays quiet even without Prisma types',
      code: untyped(`class Cache { booking = { findMany: (q: object) => [q] } }\nnew Cache().booking.findMany({});`),
    },
    { name: 'not a schema model', code: typed(`declare const db: any;\ndb.invoice.findMany();`) },
  ],
  invalid: [
    {
      name: 'the outage: a user\'s bookings with no take',
      code: typed(`async function search() {\n  return prisma.booking.findMany({ where: { userId } });\n}`),
      errors: [
        {
          messageId: 'unbounded',
          line: line(2),
          column: 10,
          data: { callee: 'prisma.booking.findMany', model: 'Booking', costClass: "grows with the user's bookings", rows: '50 rows', sizes: ' from default table sizes; `premortem stats` measures them' },
          suggestions: [
            { messageId: 'suggestTake', data: { take: '100' }, output: typed(`async function search() {\n  return prisma.booking.findMany({ take: 100, where: { userId } });\n}`) },
          ],
        },
      ],
    },
    {
      name: 'no arguments at all reads the whole table',
      code: typed(`prisma.booking.findMany();`),
      errors: [
        {
          messageId: 'unbounded',
          line: line(1),
          column: 1,
          data: { callee: 'prisma.booking.findMany', model: 'Booking', costClass: 'reads all Booking rows', rows: '10,000 rows', sizes: ' from default table sizes; `premortem stats` measures them' },
          suggestions: [{ messageId: 'suggestTake', data: { take: '100' }, output: typed(`prisma.booking.findMany({ take: 100 });`) }],
        },
      ],
    },
    {
      name: 'cursor paging spread in conditionally, with no take anywhere (tRPC infinite-query style)',
      code: typed(`declare const cursor: number | undefined;\nprisma.booking.findMany({ where: { userId }, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}), ...(cursor !== undefined && { orderBy: { id: 'asc' } }) });`),
      errors: [
        {
          messageId: 'unbounded',
          line: line(2),
          suggestions: [
            {
              messageId: 'suggestTake',
              output: typed(`declare const cursor: number | undefined;\nprisma.booking.findMany({ take: 100, where: { userId }, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}), ...(cursor !== undefined && { orderBy: { id: 'asc' } }) });`),
            },
          ],
        },
      ],
    },
    {
      name: 'a cursor without take',
      code: typed(`prisma.booking.findMany({ cursor: { id: 10 }, where: { userId } });`),
      errors: [{ messageId: 'cursorWithoutTake', line: line(1), suggestions: [{ messageId: 'suggestTake', output: typed(`prisma.booking.findMany({ take: 100, cursor: { id: 10 }, where: { userId } });`) }] }],
    },
    {
      name: 'groupBy without take',
      code: typed(`prisma.booking.groupBy({ by: ['userId'] });`),
      errors: [{ messageId: 'unbounded', line: line(1), suggestions: [{ messageId: 'suggestTake', output: typed(`prisma.booking.groupBy({ take: 100, by: ['userId'] });`) }] }],
    },
    {
      name: 'a list of non-unique keys still grows',
      code: typed(`declare const userIds: number[];\nprisma.booking.findMany({ where: { userId: { in: userIds } } });`),
      errors: [{ messageId: 'unbounded', line: line(2), suggestions: [{ messageId: 'suggestTake', output: typed(`declare const userIds: number[];\nprisma.booking.findMany({ take: 100, where: { userId: { in: userIds } } });`) }] }],
    },
    {
      name: 'arguments from a local const',
      code: typed(`const query = { where: { userId } };\nprisma.booking.findMany(query);`),
      errors: [{ messageId: 'unbounded', line: line(2), suggestions: [{ messageId: 'suggestTake', output: typed(`const query = { take: 100, where: { userId } };\nprisma.booking.findMany(query);`) }] }],
    },
    {
      name: 'a transaction client',
      code: typed(`prisma.$transaction(async (tx) => tx.booking.findMany({ where: { userId } }));`),
      errors: [{ messageId: 'unbounded', line: line(1), column: 35, suggestions: [{ messageId: 'suggestTake', output: typed(`prisma.$transaction(async (tx) => tx.booking.findMany({ take: 100, where: { userId } }));`) }] }],
    },
    {
      name: 'an injected client',
      code: typed(`class BookingService {\n  constructor(private readonly db: PrismaClient) {}\n  list(userId: number) {\n    return this.db.booking.findMany({ where: { userId } });\n  }\n}`),
      errors: [{ messageId: 'unbounded', line: line(4), column: 12, suggestions: [{ messageId: 'suggestTake', output: typed(`class BookingService {\n  constructor(private readonly db: PrismaClient) {}\n  list(userId: number) {\n    return this.db.booking.findMany({ take: 100, where: { userId } });\n  }\n}`) }] }],
    },
    {
      name: 'without the generated client: recognized from the schema and the call shape',
      code: untyped(`prisma.booking.findMany({ where: { userId } });`),
      errors: [{ messageId: 'unbounded', line: untypedLines + 1, suggestions: [{ messageId: 'suggestTake', output: untyped(`prisma.booking.findMany({ take: 100, where: { userId } });`) }] }],
    },
    {
      name: 'a to-many include on a bounded outer query',
      code: typed(`prisma.user.findUnique({\n  where: { id: 1 },\n  include: { bookings: true },\n});`),
      errors: [{ messageId: 'unboundedRelation', line: line(3), column: 14, data: { relation: 'bookings', model: 'Booking', parent: 'User', parentLower: 'user', rows: '50 rows', total: '50 rows', sizes: ' from default table sizes; `premortem stats` measures them' } }],
    },
    {
      name: 'a to-many relation two levels down',
      code: typed(`prisma.user.findMany({\n  take: 10,\n  include: { bookings: { take: 5, include: { attendees: true } } },\n});`),
      errors: [{ messageId: 'unboundedRelation', line: line(3), column: 46, data: { relation: 'attendees', model: 'Attendee', parent: 'Booking', parentLower: 'booking', rows: '50 rows', total: '2,500 rows', sizes: ' from default table sizes; `premortem stats` measures them' } }],
    },
    {
      name: 'a to-many relation in select',
      code: typed(`prisma.booking.findUnique({ where: { uid: 'x' }, select: { attendees: { select: { email: true } } } });`),
      errors: [{ messageId: 'unboundedRelation', line: line(1), column: 60 }],
    },
  ],
});
