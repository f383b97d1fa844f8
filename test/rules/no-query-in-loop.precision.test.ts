import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules as definitions } from '@premortem/rules';
import { analyzeProject } from '../support/analyze-project.js';
import { createTypedRuleTester, eslintRule } from '../support/rule-tester.js';
import { typedClient, typedLines } from './prisma-prelude.js';

// Loops that are not N+1 stay quiet, each next to its unsafe twin that stays reported.
const rule = eslintRule('no-query-in-loop');
const ruleTester = createTypedRuleTester();
const prelude = `declare const ids: number[];
declare const teams: { id: number; memberIds: number[] }[];
declare function chunks<T>(items: T[], size: number): T[][];
declare const many: { createMany(args: object): Promise<object>; updateMany(args: object): Promise<object>; deleteMany(args: object): Promise<object> };
declare const db: typeof prisma & { booking: typeof many; $transaction(ops: unknown[]): Promise<unknown[]> };
`;
const typed = (code: string) => typedClient + prelude + code;
const line = (n: number) => typedLines + prelude.split('\n').length - 1 + n;

ruleTester.run('no-query-in-loop precision', rule, {
  valid: [
    { name: 'a chunk of ids per query', code: typed(`for (const chunk of chunks(ids, 500)) {\n  await prisma.user.findMany({ where: { id: { in: chunk } } });\n}`) },
    { name: 'a chunk mapped to its ids', code: typed(`declare const rows: { id: number }[];\nfor (const page of chunks(rows, 100)) {\n  await db.booking.deleteMany({ where: { id: { in: page.map((r) => r.id) } } });\n}`) },
    { name: 'one createMany per chunk', code: typed(`for (const chunk of chunks(ids, 500)) {\n  await db.booking.createMany({ data: chunk });\n}`) },
    { name: 'one updateMany per page in a while loop', code: typed(`let page: { id: number }[] = [];\nwhile (page.length > 0) {\n  await db.booking.updateMany({ where: { id: { in: page.map((p) => p.id) } }, data: {} });\n}`) },
    { name: 'a const array declared in the module', code: typed(`const STATUSES = ['ACCEPTED', 'PENDING'] as const;\nexport async function totals() {\n  for (const status of STATUSES) await prisma.booking.count({ where: { status } });\n}`) },
    { name: "a TypeScript enum's values", code: typed(`enum Status { A = 'A', B = 'B' }\nfor (const status of Object.values(Status)) {\n  await prisma.booking.count({ where: { status } });\n}`) },
    { name: "a Prisma enum's values", code: typed(`declare const BookingStatus: { ACCEPTED: 'ACCEPTED'; PENDING: 'PENDING' };\nawait Promise.all(Object.values(BookingStatus).map((status) => prisma.booking.count({ where: { status } })));`) },
    { name: 'the entries of a const configuration object', code: typed(`const LIMITS = { free: 1, pro: 10 };\nfor (const [plan, limit] of Object.entries(LIMITS)) {\n  await prisma.team.count({ where: { plan, limit } });\n}`) },
    { name: 'updates mapped into an array sent with $transaction', code: typed(`const ops = teams.map((t) => prisma.team.update({ where: { id: t.id }, data: {} }));\nawait db.$transaction(ops);`) },
    { name: 'updates pushed into an array sent with $transaction', code: typed(`const ops: unknown[] = [];\nfor (const t of teams) {\n  ops.push(prisma.team.update({ where: { id: t.id }, data: {} }));\n}\nawait db.$transaction([...ops]);`) },
    { name: 'a helper that runs only a batched findUnique, in Promise.all over a map', code: typed(`function userById(id: number) {\n  return prisma.user.findUnique({ where: { id } });\n}\nawait Promise.all(ids.map((id) => userById(id)));`) },
    { name: 'a helper called over constants', code: typed(`async function countOf(status: string) {\n  return prisma.booking.count({ where: { status } });\n}\nfor (const status of ['A', 'B']) await countOf(status);`) },
    { name: 'a counted loop with a bound written in the code', code: typed(`const ATTEMPTS = 3;\nfor (let attempt = 0; attempt < ATTEMPTS; attempt++) {\n  await prisma.team.findFirst({ where: { id: attempt } });\n}`) },
    { name: 'a helper handed a chunk at a time', code: typed(`async function usersIn(chunk: number[]) {\n  return prisma.user.findMany({ where: { id: { in: chunk } } });\n}\nfor (let i = 0; i < ids.length; i += 500) {\n  await usersIn(ids.slice(i, i + 500));\n}`) },
    { name: 'a helper that only writes is left to the direct check', code: typed(`async function archive(teamId: number) {\n  await prisma.team.update({ where: { id: teamId }, data: {} });\n}\nfor (const t of teams) await archive(t.id);`) },
    { name: 'a retry bounded by a constant in the while condition', code: typed(`const MAX_ATTEMPTS = 5;\nlet attempts = 0;\nwhile (attempts < MAX_ATTEMPTS) {\n  attempts++;\n  const taken = await prisma.team.findFirst({ where: { id: attempts } });\n  if (!taken) break;\n}`) },
    { name: 'a name-collision probe that gives up after a constant number of tries', code: typed(`let name = 'copy';\nlet suffix = 1;\nwhile (await prisma.team.findFirst({ where: { plan: name } })) {\n  if (++suffix > 5) break;\n  name = 'copy ' + suffix;\n}`) },
    { name: 'a poll until a deadline', code: typed(`const deadline = Date.now() + 5000;\nwhile (true) {\n  const team = await prisma.team.findFirst({ where: { id: 1 } });\n  if (team || Date.now() > deadline) return;\n}`) },
    { name: 'a compensating delete in the catch block of each element', code: typed(`declare function invite(id: number): Promise<void>;\nfor (const t of teams) {\n  try {\n    await invite(t.id);\n  } catch {\n    await prisma.team.delete({ where: { id: t.id } });\n  }\n}`) },
    { name: 'a status set to failed in a .catch handler of each element', code: typed(`declare function enqueue(id: number): Promise<void>;\nfor (const t of teams) {\n  await enqueue(t.id).catch(() => prisma.team.update({ where: { id: t.id }, data: {} }));\n}`) },
    { name: "an enum's values held in a const", code: typed(`enum Status { A = 'A', B = 'B' }\nconst statuses = Object.values(Status);\nawait Promise.all(statuses.map(async (status) => await prisma.booking.count({ where: { status } })));`) },
    { name: 'upserts mapped by a block that returns them, sent with $transaction', code: typed(`const ops = teams.map((t) => {\n  return prisma.team.update({ where: { id: t.id }, data: {} });\n});\nawait db.$transaction(ops);`) },
  ],
  invalid: [
    {
      name: "a per-element collection is not a chunk: the element's own list",
      code: typed(`for (const team of teams) {\n  await prisma.user.findMany({ where: { id: { in: team.memberIds } } });\n}`),
      errors: [{ messageId: 'readInLoop', line: line(2) }],
    },
    {
      name: 'an updateMany per element is N+1, and the message does not recommend updateMany',
      code: typed(`for (const team of teams) {\n  await db.booking.updateMany({ where: { teamId: team.id }, data: {} });\n}`),
      errors: [{ messageId: 'writeInLoop', line: line(2), data: { callee: 'db.booking.updateMany', runs: 'writes', per: 'element of `teams`', advice: 'Widen its `where` to cover every element in one call, or send them together with `prisma.$transaction([...])`.' } }],
    },
    {
      name: 'a findMany in a while loop without a page size is named per iteration, not per element of `the loop`',
      code: typed(`let parent: number | null = 1;\nwhile (parent) {\n  await prisma.team.findFirst({ where: { id: parent } });\n  parent = null;\n}`),
      errors: [{ messageId: 'readInLoop', line: line(3), data: { callee: 'prisma.team.findFirst', runs: 'runs', per: 'iteration of this loop', field: 'id' } }],
    },
    {
      name: 'a variable array is not a constant',
      code: typed(`let statuses = ['A'];\nfor (const status of statuses) await prisma.booking.count({ where: { status } });`),
      errors: [{ messageId: 'readInLoop', line: line(2) }],
    },
    {
      name: 'an object of data entries is not a constant',
      code: typed(`declare const byTeam: Record<string, number>;\nfor (const [teamId] of Object.entries(byTeam)) await prisma.team.findFirst({ where: { id: teamId } });`),
      errors: [{ messageId: 'readInLoop', line: line(2) }],
    },
    {
      name: 'updates mapped into an array awaited with Promise.all are N round trips',
      code: typed(`const ops = teams.map((t) => prisma.team.update({ where: { id: t.id }, data: {} }));\nawait Promise.all(ops);`),
      errors: [{ messageId: 'writeInLoop', line: line(1) }],
    },
    {
      name: 'a project function with queries, called per element in Promise.all',
      code: typed(`async function statsFor(teamId: number) {\n  const total = await prisma.booking.count({ where: { teamId } });\n  return { total, rows: await prisma.booking.findMany({ where: { teamId }, take: 5 }) };\n}\nawait Promise.all(teams.map((t) => statsFor(t.id)));`),
      errors: [{ messageId: 'readInLoop', line: line(5), column: 36, data: { callee: 'statsFor(t.id)', runs: 'runs `prisma.booking.count` and `prisma.booking.findMany`', per: 'element of `teams`', field: 'id' } }],
    },
    {
      name: 'a project function with queries, awaited in for…of, through a second function',
      code: typed(`async function rows(teamId: number) {\n  return prisma.booking.findMany({ where: { teamId }, take: 5 });\n}\nasync function statsFor(teamId: number) {\n  return rows(teamId);\n}\nfor (const t of teams) await statsFor(t.id);`),
      errors: [{ messageId: 'readInLoop', line: line(7), data: { callee: 'statsFor(t.id)', runs: 'runs `prisma.booking.findMany`', per: 'element of `teams`', field: 'id' } }],
    },
    {
      name: 'a helper with a findUnique after an await is not batched',
      code: typed(`async function userById(id: number) {\n  await Promise.resolve();\n  return prisma.user.findUnique({ where: { id } });\n}\nawait Promise.all(ids.map((id) => userById(id)));`),
      errors: [{ messageId: 'readInLoop', line: line(5) }],
    },
    {
      name: 'the field suggested to batch on is the one the element decides',
      code: typed(`for (const team of teams) {\n  await prisma.booking.count({ where: { status: 'A', teamId: team.id } });\n}`),
      errors: [{ messageId: 'readInLoop', line: line(2), data: { callee: 'prisma.booking.count', runs: 'runs', per: 'element of `teams`', field: 'teamId' } }],
    },
    {
      name: 'a const array filled by push is as long as the data',
      code: typed(`const pending: number[] = [];\nfor (const t of teams) pending.push(t.id);\nfor (const id of pending) await prisma.team.findFirst({ where: { id } });`),
      errors: [{ messageId: 'readInLoop', line: line(3) }],
    },
    {
      name: 'a const array spread from data is as long as the data',
      code: typed(`const all = [...ids, 0];\nfor (const id of all) await prisma.team.findFirst({ where: { id } });`),
      errors: [{ messageId: 'readInLoop', line: line(2) }],
    },
    {
      name: 'a while loop bounded by a constant that reads an element by its counter walks the collection',
      code: typed(`let i = 0;\nwhile (i < 100) {\n  await prisma.team.findFirst({ where: { id: ids[i] } });\n  i++;\n}`),
      errors: [{ messageId: 'readInLoop', line: line(3) }],
    },
    {
      name: 'a queue drained one element at a time, even with a constant cap',
      code: typed(`const queue = [...ids];\nlet done = 0;\nwhile (queue.length > 0 && done < 1000) {\n  const id = queue.shift();\n  await prisma.team.findFirst({ where: { id } });\n  done++;\n}`),
      errors: [{ messageId: 'readInLoop', line: line(5) }],
    },
    {
      name: 'a retry inside a loop over teams runs per team',
      code: typed(`for (const team of teams) {\n  for (let attempt = 0; attempt < 3; attempt++) {\n    await prisma.team.findFirst({ where: { id: team.id } });\n  }\n}`),
      errors: [{ messageId: 'readInLoop', line: line(3), data: { callee: 'prisma.team.findFirst', runs: 'runs', per: 'element of `teams`', field: 'id' } }],
    },
    {
      name: 'a loop over constants inside a loop over teams runs per team',
      code: typed(`for (const team of teams) {\n  for (const status of ['A', 'B']) await prisma.booking.count({ where: { status, teamId: team.id } });\n}`),
      errors: [{ messageId: 'readInLoop', line: line(2), data: { callee: 'prisma.booking.count', runs: 'runs', per: 'element of `teams`', field: 'teamId' } }],
    },
    {
      name: 'the try block of each element is the normal path',
      code: typed(`declare function invite(id: number): Promise<void>;\nfor (const t of teams) {\n  try {\n    await prisma.team.delete({ where: { id: t.id } });\n  } catch {\n    await invite(t.id);\n  }\n}`),
      errors: [{ messageId: 'writeInLoop', line: line(4) }],
    },
    {
      name: "a data object's values held in a const are not constants",
      code: typed(`declare const byTeam: Record<string, number>;\nconst counts = Object.values(byTeam);\nfor (const id of counts) await prisma.team.findFirst({ where: { id } });`),
      errors: [{ messageId: 'readInLoop', line: line(3) }],
    },
    {
      name: 'updates returned by a block and awaited with Promise.all are N round trips',
      code: typed(`const ops = teams.map((t) => {\n  return prisma.team.update({ where: { id: t.id }, data: {} });\n});\nawait Promise.all(ops);`),
      errors: [{ messageId: 'writeInLoop', line: line(2) }],
    },
    {
      name: 'an indexed loop over a collection names the collection',
      code: typed(`async function statsFor(teamId: number) {\n  return prisma.booking.count({ where: { teamId } });\n}\nfor (let i = 0; i < teams.length; i++) {\n  await statsFor(teams[i]!.id);\n}`),
      errors: [{ messageId: 'readInLoop', line: line(5), data: { callee: 'statsFor(teams[i]!.id)', runs: 'runs `prisma.booking.count`', per: 'element of `teams`', field: 'id' } }],
    },
  ],
});

describe('no-query-in-loop across files', () => {
  const schema = `datasource db {\n  provider = "postgresql"\n}\n
enum Role {\n  ADMIN\n  MEMBER\n}\n
model Team {\n  id    Int    @id @default(autoincrement())\n  users User[]\n}\n
model User {\n  id     Int  @id @default(autoincrement())\n  role   Role\n  teamId Int\n  team   Team @relation(fields: [teamId], references: [id])\n  @@index([teamId])\n}\n`;
  const files = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'esnext', moduleResolution: 'bundler', noEmit: true } }),
    'prisma/schema.prisma': schema,
    'src/db.ts': `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`,
    'src/stats.ts': `import { prisma } from './db';\nexport async function membersOf(teamId: number) {\n  return prisma.user.findMany({ where: { teamId }, take: 50 });\n}\n`,
    'src/report.ts': `import { Role } from '@prisma/client';
import { prisma } from './db';
import { membersOf } from './stats';
export async function report(teamIds: number[]) {
  for (const teamId of teamIds) await membersOf(teamId);
  for (const role of Object.values(Role)) await prisma.user.count({ where: { role } });
}
`,
  };

  it('reports a helper from another file at the call in the loop, and not a loop over a Prisma enum', () => {
    const { findings, dir } = analyzeProject(definitions.find((r) => r.name === 'no-query-in-loop')!, files);
    expect(findings.map((f) => `${path.relative(dir, f.file)}:${f.line} ${f.message.split(' (N+1)')[0]}`)).toEqual([
      'src/report.ts:5 `membersOf(teamId)` runs `prisma.user.findMany` once per element of `teamIds`',
    ]);
  });
});
