import { createTypedRuleTester, eslintRule } from '../support/rule-tester.js';
import { typedClient, typedLines, untypedClient, untypedLines } from './prisma-prelude.js';

const rule = eslintRule('no-query-in-loop');
const ruleTester = createTypedRuleTester();
const typed = (code: string) => typedClient + `declare const ids: number[];\ndeclare const bookings: { id: number }[];\n` + code;
const line = (n: number) => typedLines + 2 + n;

ruleTester.run('no-query-in-loop', rule, {
  valid: [
    {
      name: "findUnique in a map is batched by Prisma's dataloader",
      code: typed(`await Promise.all(ids.map((id) => prisma.user.findUnique({ where: { id } })));`),
    },
    {
      name: 'a batch of writes sent as one $transaction',
      code: typed(`await prisma.$transaction(bookings.map((b) => prisma.booking.update({ where: { id: b.id }, data: {} })) as never);`),
    },
    { name: 'one query with in', code: typed(`await prisma.attendee.findMany({ where: { bookingId: { in: bookings.map((b) => b.id) } }, take: 500 });`) },
    {
      name: 'pagination: a page at a time in a while loop',
      code: typed(`let cursor: number | undefined;\nwhile (true) {\n  const page = await prisma.booking.findMany({ take: 100, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}) });\n  if (page.length < 100) break;\n  cursor = 1;\n}`),
    },
    { name: 'a fixed list written in the code', code: typed(`for (const status of ['ACCEPTED', 'PENDING']) {\n  await prisma.booking.count({ where: { status } });\n}`) },
    { name: 'the iterated query runs once', code: typed(`for (const b of await prisma.booking.findMany({ take: 10 })) {\n  console.log(b);\n}`) },
    { name: 'a function made in a loop but not called there', code: typed(`const tasks: Array<() => Promise<unknown>> = [];\nfor (const id of ids) {\n  tasks.push(() => prisma.user.findUnique({ where: { id } }));\n}`) },
    { name: 'writes are not checked when turned off', code: typed(`for (const b of bookings) {\n  await prisma.booking.update({ where: { id: b.id }, data: {} });\n}`), options: [{ checkWrites: false }] },
    { name: 'a look-alike in a loop', code: typed(`declare const cache: { get(k: number): Promise<unknown> };\nfor (const id of ids) await cache.get(id);`) },
  ],
  invalid: [
    {
      name: 'one findMany per booking in a for…of',
      code: typed(`for (const booking of bookings) {\n  await prisma.attendee.findMany({ where: { bookingId: booking.id }, take: 10 });\n}`),
      errors: [{ messageId: 'readInLoop', line: line(2), column: 9, data: { callee: 'prisma.attendee.findMany', runs: 'runs', per: 'element of `bookings`', field: 'bookingId' } }],
    },
    {
      name: 'findUnique awaited one by one is not batched',
      code: typed(`for (const id of ids) {\n  await prisma.user.findUnique({ where: { id } });\n}`),
      errors: [{ messageId: 'readInLoop', line: line(2), column: 9 }],
    },
    {
      name: 'Promise.all over a map of findMany: N queries at once',
      code: typed(`await Promise.all(bookings.map((b) => prisma.attendee.findMany({ where: { bookingId: b.id }, take: 5 })));`),
      errors: [{ messageId: 'readInLoop', line: line(1), column: 39, data: { callee: 'prisma.attendee.findMany', runs: 'runs', per: 'element of `bookings`', field: 'bookingId' } }],
    },
    {
      name: 'findUnique after an await in the callback: no longer the same tick',
      code: typed(`declare function delay(): Promise<void>;\nawait Promise.all(ids.map(async (id) => {\n  await delay();\n  return prisma.user.findUnique({ where: { id } });\n}));`),
      errors: [{ messageId: 'readInLoop', line: line(4), column: 10 }],
    },
    {
      name: 'a write per element',
      code: typed(`for (const b of bookings) {\n  await prisma.booking.update({ where: { id: b.id }, data: {} });\n}`),
      errors: [{ messageId: 'writeInLoop', line: line(2), data: { callee: 'prisma.booking.update', runs: 'writes', per: 'element of `bookings`', field: 'id', advice: 'Use one `updateMany` when every row gets the same change, or send them together with `prisma.$transaction([...])`.' } }],
    },
    {
      name: 'forEach with an async callback',
      code: typed(`bookings.forEach(async (b) => {\n  await prisma.attendee.findMany({ where: { bookingId: b.id }, take: 3 });\n});`),
      errors: [{ messageId: 'readInLoop', line: line(2) }],
    },
    {
      name: 'for await over a stream',
      code: typed(`declare const stream: AsyncIterable<{ id: number }>;\nfor await (const row of stream) {\n  await prisma.user.findFirst({ where: { id: row.id } });\n}`),
      errors: [{ messageId: 'readInLoop', line: line(3) }],
    },
    {
      name: 'without the generated client',
      code: untypedClient + `declare const ids: number[];\nfor (const id of ids) {\n  await prisma.user.findFirst({ where: { id } });\n}`,
      errors: [{ messageId: 'readInLoop', line: untypedLines + 3 }],
    },
  ],
});
