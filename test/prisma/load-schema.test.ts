import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadPrismaSchema, MAX_SCHEMA_FILE_BYTES, prismaSchemaSearchNotes } from '../../packages/core/src/prisma/schema-loader.js';
import { relativeTo, tempProject, tinySchema } from './temp-project.js';

const fixtureDir = path.resolve(import.meta.dirname, '../../fixtures/calendar-app');

describe('loadPrismaSchema', () => {
  it('returns undefined for a project without a schema', () => {
    const dir = tempProject({ 'src/index.ts': '' });
    expect(loadPrismaSchema(ts, dir)).toBeUndefined();
    expect(prismaSchemaSearchNotes(dir)).toEqual([]);
  });

  it('says why no schema was found when package.json points nowhere', () => {
    const dir = tempProject({ 'package.json': JSON.stringify({ prisma: { schema: 'prisma/shema.prisma' } }), 'src/index.ts': '' });
    expect(loadPrismaSchema(ts, dir)).toBeUndefined();
    expect(prismaSchemaSearchNotes(dir)).toEqual(['package.json prisma.schema is prisma/shema.prisma, which holds no .prisma file']);
  });

  it('reads the schema again once it changes (an editor session), and keeps it while it does not', () => {
    const dir = tempProject({ 'prisma/schema.prisma': 'model User {\n  id Int @id\n}\n' });
    const first = loadPrismaSchema(ts, dir);
    expect(loadPrismaSchema(ts, dir)).toBe(first);
    const file = path.join(dir, 'prisma/schema.prisma');
    writeFileSync(file, 'model User {\n  id Int @id\n}\nmodel Team {\n  id Int @id\n}\n');
    // A later modification time, as an editor's save gives it, whatever the file system's resolution.
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    expect([...(loadPrismaSchema(ts, dir)?.models.keys() ?? [])]).toEqual(['User', 'Team']);
  });

  it('finds a schema created after a search that found none', () => {
    const dir = tempProject({ 'src/index.ts': '' });
    expect(loadPrismaSchema(ts, dir)).toBeUndefined();
    writeFileSync(path.join(dir, 'schema.prisma'), 'model User {\n  id Int @id\n}\n');
    const later = new Date(Date.now() + 5_000);
    utimesSync(dir, later, later);
    expect([...(loadPrismaSchema(ts, dir)?.models.keys() ?? [])]).toEqual(['User']);
  });

  it('reads every file of a multi-file schema, with relations across files', () => {
    const dir = tempProject({
      'prisma/schema/user.prisma': 'model User {\n  id    Int    @id\n  posts Post[]\n}\n',
      'prisma/schema/post.prisma': 'model Post {\n  id     Int  @id\n  userId Int\n  user   User @relation(fields: [userId], references: [id])\n}\n',
    });
    const schema = loadPrismaSchema(ts, dir);
    expect(relativeTo(dir, schema?.files)).toEqual(['prisma/schema/post.prisma', 'prisma/schema/user.prisma']);
    expect(schema?.models.get('User')?.fields.get('posts')?.relation).toMatchObject({ target: 'Post', toMany: true });
    expect(schema?.diagnostics).toEqual([]);
  });

  it('skips a file over 5 MB with a diagnostic and reads the rest', () => {
    const dir = tempProject({ 'prisma/schema/small.prisma': tinySchema('Small') });
    const big = path.join(dir, 'prisma/schema/big.prisma');
    writeFileSync(big, `${tinySchema('Big')}//${'x'.repeat(MAX_SCHEMA_FILE_BYTES)}\n`);
    const schema = loadPrismaSchema(ts, dir);
    expect([...(schema?.models.keys() ?? [])]).toEqual(['Small']);
    expect(relativeTo(dir, schema?.files)).toEqual(['prisma/schema/small.prisma']);
    expect(schema?.diagnostics).toEqual([`${big} is 5.0 MB, over the 5 MB limit, and was not read`]);
  });

  it('reads a file of exactly 5 MB', () => {
    const dir = tempProject({});
    const text = tinySchema('Edge');
    writeFileSync(path.join(dir, 'schema.prisma'), text + ' '.repeat(MAX_SCHEMA_FILE_BYTES - Buffer.byteLength(text)));
    expect(loadPrismaSchema(ts, dir)?.models.has('Edge')).toBe(true);
  });

  it("reports a schema Prisma rejects with Prisma's message and the file and line, without throwing", () => {
    const dir = tempProject({ 'prisma/schema/ok.prisma': tinySchema('Ok'), 'prisma/schema/bad.prisma': 'model Bad {\n  id Int @id @@@\n}\n' });
    const schema = loadPrismaSchema(ts, dir);
    expect(schema?.models.size).toBe(0);
    expect(schema?.diagnostics).toEqual([
      `Prisma rejects the schema, so the Prisma rules ran without a schema: ${path.join(dir, 'prisma/schema/bad.prisma')}:2: Error validating: This line is not a valid field or attribute definition`,
    ]);
  });

  it('reads a folder schema: the datasource in schema.prisma, models, relations and enums across the other files', () => {
    const dir = tempProject({
      'prisma/schema/schema.prisma': 'generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
      'prisma/schema/team.prisma': 'model Team {\n  id      String @id @default(cuid())\n  plan    Plan   @default(FREE)\n  members User[]\n}\n\nenum Plan {\n  FREE\n  PRO\n}\n',
      'prisma/schema/user.prisma': '/// A member of one team.\nmodel User {\n  id     String @id\n  teamId String\n  team   Team   @relation(fields: [teamId], references: [id])\n\n  @@index(teamId)\n}\n',
    });
    const schema = loadPrismaSchema(ts, dir);
    expect(schema?.diagnostics).toEqual([]);
    expect([...(schema?.models.keys() ?? [])].sort()).toEqual(['Team', 'User']);
    expect(schema?.models.get('Team')?.fields.get('plan')).toMatchObject({ kind: 'enum', hasDefault: true });
    expect(schema?.models.get('Team')?.fields.get('members')?.relation).toMatchObject({ target: 'User', toMany: true });
    expect(schema?.models.get('User')?.indexes).toContainEqual({ kind: 'index', fields: ['teamId'] });
  });

  it('says so when the schema it found declares no model', () => {
    const dir = tempProject({ 'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n}\n' });
    const schema = loadPrismaSchema(ts, dir);
    expect(schema?.models.size).toBe(0);
    expect(schema?.diagnostics).toEqual([`${path.join(dir, 'prisma/schema.prisma')} declares no model, so the Prisma rules ran without a schema`]);
  });

  it('passes on what discovery set aside', () => {
    const dir = tempProject({ 'prisma.config.ts': 'export default { schema: process.env.SCHEMA };', 'schema.prisma': tinySchema() });
    const schema = loadPrismaSchema(ts, dir);
    expect(schema?.models.has('A')).toBe(true);
    expect(schema?.diagnostics).toHaveLength(1);
    expect(schema?.diagnostics[0]).toContain('prisma.config.ts sets `schema` to `process.env.SCHEMA`');
  });

  it('reads an unchanged project once, whatever the spelling of its path', () => {
    const dir = tempProject({ 'schema.prisma': tinySchema('First') });
    const first = loadPrismaSchema(ts, dir);
    expect(loadPrismaSchema(ts, dir)).toBe(first);
    expect(loadPrismaSchema(ts, `${dir}${path.sep}.${path.sep}`)).toBe(first);
    expect(first?.models.has('First')).toBe(true);
    // Another folder is its own project.
    expect(loadPrismaSchema(ts, tempProject({ 'schema.prisma': tinySchema('Other') }))?.models.has('Other')).toBe(true);
  });
});

describe('the calendar-app fixture schema', () => {
  const schema = loadPrismaSchema(ts, fixtureDir);
  const booking = schema?.models.get('Booking');

  it('is found through prisma.config.ts and reads cleanly', () => {
    expect(relativeTo(fixtureDir, schema?.files)).toEqual(['prisma/schema.prisma']);
    expect(schema?.diagnostics).toEqual([]);
    expect([...(schema?.models.keys() ?? [])]).toEqual(['User', 'Session', 'Team', 'Membership', 'EventType', 'Booking', 'Attendee', 'Credential']);
    expect([...(schema?.enums.keys() ?? [])]).toEqual(['BookingStatus', 'MembershipRole']);
  });

  it('has the Booking facts the rules rely on', () => {
    expect(booking?.dbName).toBe('bookings');
    expect(booking?.primaryKey).toEqual(['id']);
    expect(booking?.indexes.filter((index) => index.kind === 'index').map((index) => index.fields)).toEqual([['userId', 'startTime'], ['eventTypeId'], ['status']]);
    expect(booking?.fields.get('status')).toMatchObject({ kind: 'enum', type: 'BookingStatus', hasDefault: true });
    expect(booking?.fields.get('externalId')).toMatchObject({ dbName: 'external_calendar_event_id', isOptional: true });
    expect(booking?.fields.get('attendees')?.relation).toMatchObject({ target: 'Attendee', toMany: true });
    expect(booking?.fields.get('eventType')).toMatchObject({ isOptional: true, relation: { target: 'EventType', toMany: false, fields: ['eventTypeId'] } });
    expect(schema?.models.get('Membership')?.indexes).toContainEqual({ kind: 'unique', fields: ['userId', 'teamId'] });
  });

  it("is the estimator-shapes bench fixture's schema, read in place (no copy to drift)", () => {
    const shapesDir = path.resolve(fixtureDir, '../estimator-shapes');
    expect(loadPrismaSchema(ts, shapesDir)?.files).toEqual(schema?.files);
  });

  const generatedClass = path.join(fixtureDir, 'src/generated/prisma/internal/class.ts');
  it.skipIf(!existsSync(generatedClass))('names delegates exactly as the generated client does', () => {
    // `get eventType(): Prisma.EventTypeDelegate<…>` in the client `prisma generate` wrote.
    const generated = [...readFileSync(generatedClass, 'utf8').matchAll(/\bget (\w+)\(\): Prisma\.(\w+)Delegate</g)].map(([, accessor, model]) => [accessor, model]);
    expect(generated.length).toBeGreaterThan(0);
    expect(Object.fromEntries(schema?.delegates ?? [])).toEqual(Object.fromEntries(generated));
  });
});
