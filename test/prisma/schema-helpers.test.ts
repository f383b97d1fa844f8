import { describe, expect, it } from 'vitest';
import { readPrismaSchema } from '../../packages/core/src/prisma/read-schema.js';
import {
  findServingIndex,
  getForeignKeyTarget,
  getModelByDelegate,
  isToManyRelation,
  isUniqueLookup,
  type PrismaModel,
} from '../../packages/core/src/prisma/schema.js';

const schema = readPrismaSchema([
  {
    path: 'schema.prisma',
    text: `
model User {
  id         Int         @id
  email      String      @unique
  bookings   Booking[]
  eventTypes EventType[]
}

model EventType {
  id       Int       @id
  userId   Int
  slug     String
  teamId   Int?
  owner    User      @relation(fields: [userId], references: [id])
  bookings Booking[]

  @@unique([userId, slug])
  @@index([userId])
  @@index([teamId, slug])
}

model Booking {
  id          Int        @id
  uid         String     @unique
  userId      Int
  eventTypeId Int?
  startTime   DateTime
  status      String
  user        User       @relation(fields: [userId], references: [id])
  eventType   EventType? @relation(fields: [eventTypeId], references: [id])

  @@index([userId, startTime])
  @@index([status])
}
`,
  },
]);

function model(name: string): PrismaModel {
  const found = schema.models.get(name);
  if (!found) throw new Error(`no model ${name}`);
  return found;
}

const served = (name: string, fields: string[]) => findServingIndex(model(name), fields)?.fields;

describe('findServingIndex', () => {
  it('serves a filter on a leftmost prefix of an index', () => {
    expect(served('Booking', ['userId'])).toEqual(['userId', 'startTime']);
    expect(served('Booking', ['userId', 'startTime'])).toEqual(['userId', 'startTime']);
    expect(served('Booking', ['startTime', 'userId'])).toEqual(['userId', 'startTime']);
  });

  it('does not serve a filter that skips the leading field', () => {
    expect(served('Booking', ['startTime'])).toBeUndefined();
    expect(served('EventType', ['slug'])).toBeUndefined();
    expect(served('Booking', [])).toBeUndefined();
    expect(served('Booking', ['title'])).toBeUndefined();
  });

  it('prefers a fully covered unique or id index to a longer plain prefix', () => {
    expect(findServingIndex(model('Booking'), ['uid', 'userId', 'startTime'])).toEqual({ kind: 'unique', fields: ['uid'] });
    expect(findServingIndex(model('Booking'), ['id', 'status'])).toEqual({ kind: 'id', fields: ['id'] });
    expect(findServingIndex(model('EventType'), ['userId', 'slug'])).toEqual({ kind: 'unique', fields: ['userId', 'slug'] });
  });

  it('prefers the longest covered prefix, then the narrower index', () => {
    expect(served('EventType', ['teamId', 'slug'])).toEqual(['teamId', 'slug']);
    // `userId` alone: @@unique([userId, slug]) and @@index([userId]) both match one field.
    expect(served('EventType', ['userId'])).toEqual(['userId']);
    expect(served('Booking', ['status', 'startTime'])).toEqual(['status']);
  });

  it('names the unique index when a plain one serves as well, whichever is declared first', () => {
    // Prisma lists every @@index before any @@unique; papermark's Folder declares the unique first.
    for (const attributes of ['@@unique([teamId, path])\n  @@index([teamId, hidden])', '@@index([teamId, hidden])\n  @@unique([teamId, path])']) {
      const folder = readPrismaSchema([{ path: 'folder.prisma', text: `model Folder {\n  id     Int     @id\n  teamId Int\n  path   String\n  hidden Boolean\n  ${attributes}\n}\n` }]).models.get('Folder');
      expect(folder && findServingIndex(folder, ['teamId']), attributes).toEqual({ kind: 'unique', fields: ['teamId', 'path'] });
    }
  });
});

describe('isUniqueLookup', () => {
  it('is true only when every field of an id or unique index is filtered', () => {
    expect(isUniqueLookup(model('Booking'), ['uid'])).toBe(true);
    expect(isUniqueLookup(model('EventType'), ['slug', 'userId'])).toBe(true);
    expect(isUniqueLookup(model('EventType'), ['userId'])).toBe(false);
    expect(isUniqueLookup(model('Booking'), ['userId', 'startTime'])).toBe(false);
    expect(isUniqueLookup(model('Booking'), [])).toBe(false);
  });
});

describe('isToManyRelation', () => {
  it('is true for list relations only', () => {
    expect(isToManyRelation(model('User'), 'bookings')).toBe(true);
    expect(isToManyRelation(model('EventType'), 'bookings')).toBe(true);
    expect(isToManyRelation(model('Booking'), 'user')).toBe(false);
    expect(isToManyRelation(model('Booking'), 'eventType')).toBe(false);
    expect(isToManyRelation(model('Booking'), 'userId')).toBe(false);
    expect(isToManyRelation(model('Booking'), 'missing')).toBe(false);
  });
});

describe('getModelByDelegate', () => {
  it('finds models by client accessor, not by model name', () => {
    expect(getModelByDelegate(schema, 'eventType')?.name).toBe('EventType');
    expect(getModelByDelegate(schema, 'booking')?.name).toBe('Booking');
    expect(getModelByDelegate(schema, 'EventType')).toBeUndefined();
    expect(getModelByDelegate(schema, 'eventtype')).toBeUndefined();
    expect(getModelByDelegate(schema, '$transaction')).toBeUndefined();
  });
});

describe('getForeignKeyTarget', () => {
  it('names the model a foreign-key field points to', () => {
    expect(getForeignKeyTarget(model('Booking'), 'userId')).toBe('User');
    expect(getForeignKeyTarget(model('Booking'), 'eventTypeId')).toBe('EventType');
    expect(getForeignKeyTarget(model('Booking'), 'startTime')).toBeUndefined();
    expect(getForeignKeyTarget(model('User'), 'id')).toBeUndefined();
  });
});
