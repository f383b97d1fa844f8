import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  findServingIndex,
  getForeignKeyTarget,
  isUniqueLookup,
  loadPrismaSchema,
  locatePrismaSchema,
  readPrismaSchema,
  type PrismaModel,
} from '@premortem/core';
import { repoRoot } from '../support/cli.js';

const read = (text: string, file = 'schema.prisma') => readPrismaSchema([{ path: file, text }]);
const model = (schema: ReturnType<typeof read>, name: string): PrismaModel => {
  const found = schema.models.get(name);
  if (!found) throw new Error(`no model ${name}`);
  return found;
};

const calendar = `
enum Status {
  ACCEPTED
  CANCELLED
}
model User {
  id       Int       @id @default(autoincrement())
  email    String    @unique @map("email_address")
  bookings Booking[] @relation("owner")
  hosted   Booking[] @relation("host")
  profile  Profile?
  @@map("users")
}
model Profile {
  id     Int  @id
  userId Int  @unique
  user   User @relation(fields: [userId], references: [id])
}
model Booking {
  id        Int      @id
  uid       String   @unique
  userId    Int
  hostId    Int?
  user      User     @relation("owner", fields: [userId], references: [id])
  host      User?    @relation("host", fields: [hostId], references: [id])
  startTime DateTime
  status    Status
  tags      Tag[]
  @@index([userId, startTime(sort: Desc)])
  @@unique(fields: [userId, uid], name: "owner_uid")
}
model Tag {
  id       Int       @id
  bookings Booking[]
}
model OAuthToken {
  id Int @id
}
`;

describe('readPrismaSchema', () => {
  const schema = read(calendar);

  it('reads fields, lists, optionals, enums and column names', () => {
    const user = model(schema, 'User');
    expect(user.dbName).toBe('users');
    expect(user.fields.get('email')).toMatchObject({ type: 'String', dbName: 'email_address', isUnique: true, kind: 'scalar' });
    expect(model(schema, 'Booking').fields.get('status')).toMatchObject({ kind: 'enum', type: 'Status' });
    expect(model(schema, 'Booking').fields.get('hostId')).toMatchObject({ isOptional: true, isList: false });
    expect(schema.enums.get('Status')).toEqual(['ACCEPTED', 'CANCELLED']);
    expect(schema.diagnostics).toEqual([]);
  });

  it('tells to-one from to-many relations, on both sides and with names', () => {
    const user = model(schema, 'User');
    expect(user.fields.get('bookings')?.relation).toMatchObject({ target: 'Booking', toMany: true, name: 'owner', fields: [] });
    expect(user.fields.get('hosted')?.relation).toMatchObject({ target: 'Booking', toMany: true, name: 'host' });
    expect(user.fields.get('profile')?.relation).toMatchObject({ target: 'Profile', toMany: false });
    expect(model(schema, 'Booking').fields.get('user')?.relation).toMatchObject({ toMany: false, fields: ['userId'], references: ['id'] });
    // Implicit many-to-many: lists on both sides.
    expect(model(schema, 'Tag').fields.get('bookings')?.relation?.toMany).toBe(true);
    expect(model(schema, 'Booking').fields.get('tags')?.relation?.toMany).toBe(true);
  });

  it('keeps index field order, sort arguments and named uniques', () => {
    const booking = model(schema, 'Booking');
    expect(booking.indexes).toEqual([
      { kind: 'id', fields: ['id'] },
      { kind: 'unique', fields: ['uid'] },
      { kind: 'index', fields: ['userId', 'startTime'] },
      { kind: 'unique', fields: ['userId', 'uid'], name: 'owner_uid' },
    ]);
  });

  it('names delegates the way the generated client does', () => {
    expect(schema.delegates.get('booking')).toBe('Booking');
    expect(schema.delegates.get('oAuthToken')).toBe('OAuthToken');
    expect(schema.delegates.has('Booking')).toBe(false);
  });

  it('matches indexes by leftmost prefix and recognizes unique lookups', () => {
    const booking = model(schema, 'Booking');
    expect(findServingIndex(booking, ['userId'])?.fields).toEqual(['userId', 'startTime']);
    expect(findServingIndex(booking, ['userId', 'startTime'])?.fields).toEqual(['userId', 'startTime']);
    expect(findServingIndex(booking, ['startTime'])).toBeUndefined();
    expect(findServingIndex(booking, ['userId', 'uid'])).toMatchObject({ kind: 'unique', fields: ['userId', 'uid'] });
    expect(isUniqueLookup(booking, ['userId'])).toBe(false);
    expect(isUniqueLookup(booking, ['uid'])).toBe(true);
    expect(getForeignKeyTarget(booking, 'userId')).toBe('User');
    expect(getForeignKeyTarget(booking, 'startTime')).toBeUndefined();
  });

  it('joins a multi-file schema and reports a broken file without losing the others', () => {
    const joined = readPrismaSchema([
      { path: 'user.prisma', text: 'model User {\n  id Int @id\n  posts Post[]\n}\n' },
      { path: 'post.prisma', text: 'model Post {\n  id Int @id\n  authorId Int\n  author User @relation(fields: [authorId], references: [id])\n}\n' },
      { path: 'broken.prisma', text: 'model Broken {\n  id Int @id @@@\n' },
    ]);
    expect([...joined.models.keys()].sort()).toEqual(['Post', 'User']);
    expect(model(joined, 'User').fields.get('posts')?.relation?.toMany).toBe(true);
    expect(joined.diagnostics).toHaveLength(1);
    expect(joined.diagnostics[0]).toMatch(/^broken\.prisma does not parse: /);
  });

  it('reads the fixture app schema', () => {
    const fixture = loadPrismaSchema(ts, path.join(repoRoot, 'fixtures/calendar-app'));
    expect(fixture?.diagnostics).toEqual([]);
    const booking = fixture ? model(fixture, 'Booking') : undefined;
    expect(booking?.indexes.some((i) => i.kind === 'index' && i.fields.join() === 'userId,startTime')).toBe(true);
    expect(booking?.fields.get('attendees')?.relation?.toMany).toBe(true);
  });
});

describe('locatePrismaSchema', () => {
  const project = (files: Record<string, string>): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'premortem-schema-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  };
  const relative = (dir: string, files: string[] | undefined) => files?.map((f) => path.relative(dir, f));
  const tiny = 'model A {\n  id Int @id\n}\n';

  it('follows package.json prisma.schema to a file or a folder', () => {
    const file = project({ 'package.json': JSON.stringify({ prisma: { schema: 'db/main.prisma' } }), 'db/main.prisma': tiny, 'prisma/schema.prisma': tiny });
    expect(locatePrismaSchema(ts, file)).toMatchObject({ via: 'package.json prisma.schema' });
    expect(relative(file, locatePrismaSchema(ts, file)?.files)).toEqual(['db/main.prisma']);
    const folder = project({ 'package.json': JSON.stringify({ prisma: { schema: 'db' } }), 'db/a.prisma': tiny, 'db/models/b.prisma': tiny });
    expect(relative(folder, locatePrismaSchema(ts, folder)?.files)).toEqual(['db/a.prisma', 'db/models/b.prisma']);
  });

  it('reads prisma.config.ts as text, without running it', () => {
    const dir = project({
      'prisma.config.ts': `import path from 'node:path';\nimport { defineConfig } from 'prisma/config';\nthrow new Error('must not run');\nexport default defineConfig({ schema: path.join('database', 'schema') });\n`,
      'database/schema/one.prisma': tiny,
    });
    expect(locatePrismaSchema(ts, dir)).toMatchObject({ via: 'prisma.config.ts' });
    expect(relative(dir, locatePrismaSchema(ts, dir)?.files)).toEqual(['database/schema/one.prisma']);
  });

  it('falls back to the conventional paths, then to the shallowest schema in a monorepo', () => {
    const conventional = project({ 'prisma/schema.prisma': tiny });
    expect(relative(conventional, locatePrismaSchema(ts, conventional)?.files)).toEqual(['prisma/schema.prisma']);
    const monorepo = project({ 'packages/prisma/schema.prisma': tiny, 'packages/prisma/node_modules/x/schema.prisma': tiny, 'apps/web/deep/er/schema.prisma': tiny });
    expect(relative(monorepo, locatePrismaSchema(ts, monorepo)?.files)).toEqual(['packages/prisma/schema.prisma']);
    expect(locatePrismaSchema(ts, project({ 'src/a.ts': '' }))).toBeUndefined();
  });
});
