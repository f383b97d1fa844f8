import { describe, expect, it } from 'vitest';
import { readPrismaSchema } from '../../packages/core/src/prisma/read-schema.js';
import type { PrismaModel, PrismaSchema } from '../../packages/core/src/prisma/schema.js';

const read = (text: string, file = 'schema.prisma') => readPrismaSchema([{ path: file, text }]);

function model(schema: PrismaSchema, name: string): PrismaModel {
  const found = schema.models.get(name);
  if (!found) throw new Error(`no model ${name} in ${[...schema.models.keys()].join(', ')}`);
  return found;
}

const blog = `
datasource db {
  provider = "postgresql"
}

enum Role {
  MEMBER
  ADMIN
}

/// A person who writes and reviews posts.
model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique @map("email_address")
  name      String?
  role      Role     @default(MEMBER)
  createdAt DateTime @default(now()) @map(name: "created_at")
  nickname  String   @db.VarChar(40)
  written   Post[]   @relation("author")
  reviewed  Post[]   @relation(name: "reviewer")
  profile   Profile?
  managerId Int?
  manager   User?    @relation("Management", fields: [managerId], references: [id])
  reports   User[]   @relation("Management")

  @@map("users")
}

model Profile {
  id     Int    @id @default(autoincrement())
  bio    String
  userId Int    @unique
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
}

model Post {
  id         Int       @id @default(autoincrement())
  title      String
  authorId   Int
  reviewerId Int?
  startTime  DateTime
  author     User      @relation("author", fields: [authorId], references: [id])
  reviewer   User?     @relation("reviewer", fields: [reviewerId], references: [id])
  tags       Tag[]
  location   Unsupported("point")?

  @@index([authorId, startTime(sort: Desc)])
  @@index(fields: [title(length: 10), authorId], map: "post_title_author")
  @@unique(fields: [authorId, title], name: "author_title")
}

model Tag {
  id    Int    @id
  label String @unique(map: "tag_label_key")
  posts Post[]
}

model Follow {
  followerId  Int
  followingId Int
  since       DateTime @default(now())

  @@id([followerId, followingId])
}
`;

describe('readPrismaSchema: models and fields', () => {
  const schema = read(blog);

  it('reads every model and enum, and no datasource or generator', () => {
    expect([...schema.models.keys()]).toEqual(['User', 'Profile', 'Post', 'Tag', 'Follow']);
    expect(schema.enums.get('Role')).toEqual(['MEMBER', 'ADMIN']);
    expect(schema.models.has('Role')).toBe(false);
    expect(schema.models.has('db')).toBe(false);
    expect(schema.diagnostics).toEqual([]);
    expect(schema.files).toEqual(['schema.prisma']);
  });

  it('reads types, lists, optionals and defaults', () => {
    const user = model(schema, 'User');
    expect(user.fields.get('name')).toMatchObject({ type: 'String', isOptional: true, isList: false, kind: 'scalar', hasDefault: false });
    expect(user.fields.get('email')).toMatchObject({ isOptional: false, hasDefault: false, isUnique: true, isId: false });
    expect(user.fields.get('id')).toMatchObject({ type: 'Int', isId: true, isUnique: false, hasDefault: true });
    expect(user.fields.get('written')).toMatchObject({ type: 'Post', isList: true, isOptional: false });
    // A native type attribute (`@db.VarChar`) is not `@default`, `@id` or `@unique`.
    expect(user.fields.get('nickname')).toMatchObject({ type: 'String', hasDefault: false, isId: false, isUnique: false });
  });

  it('tells enums from scalars and relations', () => {
    const user = model(schema, 'User');
    expect(user.fields.get('role')).toMatchObject({ kind: 'enum', type: 'Role', hasDefault: true });
    expect(user.fields.get('role')?.relation).toBeUndefined();
    expect(user.fields.get('profile')?.kind).toBe('relation');
    expect(user.fields.get('createdAt')?.kind).toBe('scalar');
    // `Unsupported("…")` is a column Prisma cannot read, not a relation.
    expect(model(schema, 'Post').fields.get('location')).toMatchObject({ kind: 'scalar', type: 'Unsupported', isOptional: true });
  });

  it('takes column and table names from @map and @@map, else the Prisma names', () => {
    const user = model(schema, 'User');
    expect(user.dbName).toBe('users');
    expect(user.fields.get('email')?.dbName).toBe('email_address');
    expect(user.fields.get('createdAt')?.dbName).toBe('created_at');
    expect(user.fields.get('name')?.dbName).toBe('name');
    expect(model(schema, 'Post').dbName).toBe('Post');
  });
});

describe('readPrismaSchema: indexes and keys', () => {
  const schema = read(blog);

  it('lists @id and @unique fields as one-field indexes, then block indexes in order', () => {
    expect(model(schema, 'Post').indexes).toEqual([
      { kind: 'id', fields: ['id'] },
      { kind: 'index', fields: ['authorId', 'startTime'] },
      { kind: 'index', fields: ['title', 'authorId'], name: 'post_title_author' },
      { kind: 'unique', fields: ['authorId', 'title'], name: 'author_title' },
    ]);
    expect(model(schema, 'Tag').indexes).toEqual([
      { kind: 'id', fields: ['id'] },
      { kind: 'unique', fields: ['label'] },
    ]);
  });

  it('keeps field order, not alphabetical or declaration order', () => {
    const [, byAuthor, byTitle] = model(schema, 'Post').indexes;
    expect(byAuthor?.fields).toEqual(['authorId', 'startTime']);
    expect(byTitle?.fields).toEqual(['title', 'authorId']);
  });

  it('reads compound primary keys from @@id and single ones from @id', () => {
    const follow = model(schema, 'Follow');
    expect(follow.primaryKey).toEqual(['followerId', 'followingId']);
    expect(follow.indexes).toEqual([{ kind: 'id', fields: ['followerId', 'followingId'] }]);
    expect(follow.fields.get('followerId')?.isId).toBe(false);
    expect(model(schema, 'User').primaryKey).toEqual(['id']);
  });

  it('gives a view without @id an empty primary key', () => {
    const view = read('view Summary {\n  userId Int @unique\n  total  Int\n}\n');
    expect(model(view, 'Summary').primaryKey).toEqual([]);
    expect(model(view, 'Summary').indexes).toEqual([{ kind: 'unique', fields: ['userId'] }]);
  });
});

describe('readPrismaSchema: relations', () => {
  const schema = read(blog);

  it('reads the owning side of a to-one relation with its key fields', () => {
    expect(model(schema, 'Profile').fields.get('user')?.relation).toEqual({ target: 'User', toMany: false, fields: ['userId'], references: ['id'] });
  });

  it('reads the back side of a one-to-one as to-one, with no key fields', () => {
    expect(model(schema, 'User').fields.get('profile')?.relation).toEqual({ target: 'Profile', toMany: false, fields: [], references: [] });
  });

  it('tells two named relations between the same models apart', () => {
    const user = model(schema, 'User');
    const post = model(schema, 'Post');
    expect(user.fields.get('written')?.relation).toEqual({ target: 'Post', toMany: true, fields: [], references: [], name: 'author' });
    expect(user.fields.get('reviewed')?.relation).toMatchObject({ target: 'Post', toMany: true, name: 'reviewer' });
    expect(post.fields.get('author')?.relation).toEqual({ target: 'User', toMany: false, fields: ['authorId'], references: ['id'], name: 'author' });
    expect(post.fields.get('reviewer')?.relation).toMatchObject({ toMany: false, fields: ['reviewerId'], name: 'reviewer' });
  });

  it('reads self-relations on both sides', () => {
    const user = model(schema, 'User');
    expect(user.fields.get('manager')?.relation).toEqual({ target: 'User', toMany: false, fields: ['managerId'], references: ['id'], name: 'Management' });
    expect(user.fields.get('reports')?.relation).toEqual({ target: 'User', toMany: true, fields: [], references: [], name: 'Management' });
    expect(user.fields.get('managerId')?.relation).toBeUndefined();
  });

  it('reads an implicit many-to-many as to-many on both sides', () => {
    expect(model(schema, 'Post').fields.get('tags')?.relation).toMatchObject({ target: 'Tag', toMany: true, fields: [] });
    expect(model(schema, 'Tag').fields.get('posts')?.relation).toMatchObject({ target: 'Post', toMany: true, fields: [] });
  });

  it('never gives a scalar or enum field a relation', () => {
    for (const m of schema.models.values()) {
      for (const field of m.fields.values()) {
        expect(field.relation !== undefined, `${m.name}.${field.name}`).toBe(field.kind === 'relation');
      }
    }
  });
});

describe('readPrismaSchema: delegates', () => {
  // Accessors checked against a client generated by prisma 7.10 (`get uRL(): Prisma.URLDelegate`…).
  const schema = read(['EventType', 'URL', 'OAuthToken', 'user_profile', 'ABCThing'].map((name) => `model ${name} {\n  id Int @id\n}\n`).join('\n'));

  it('lower-cases only the first character of the model name', () => {
    expect(Object.fromEntries(schema.delegates)).toEqual({
      eventType: 'EventType',
      uRL: 'URL',
      oAuthToken: 'OAuthToken',
      user_profile: 'user_profile',
      aBCThing: 'ABCThing',
    });
  });

  it('has no accessor spelled like the model or fully lower-cased', () => {
    for (const wrong of ['EventType', 'url', 'oauthToken', 'eventtype', 'abcThing']) expect(schema.delegates.has(wrong), wrong).toBe(false);
  });

  it('gives enums no accessor', () => {
    expect([...read('enum Colour {\n  RED\n}\nmodel Paint {\n  id Int @id\n  colour Colour\n}\n').delegates.keys()]).toEqual(['paint']);
  });
});

describe('readPrismaSchema: several files', () => {
  const user = { path: 'models/user.prisma', text: 'model User {\n  id    Int    @id\n  posts Post[]\n  role  Role\n}\n' };
  const post = { path: 'models/post.prisma', text: 'model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n' };
  const role = { path: 'enums.prisma', text: 'enum Role {\n  MEMBER\n}\n' };

  it('resolves relations and enums declared in other files', () => {
    const schema = readPrismaSchema([user, post, role]);
    expect(model(schema, 'User').fields.get('posts')?.relation).toMatchObject({ target: 'Post', toMany: true });
    expect(model(schema, 'Post').fields.get('author')?.relation).toMatchObject({ target: 'User', toMany: false, fields: ['authorId'] });
    expect(model(schema, 'User').fields.get('role')?.kind).toBe('enum');
    expect(schema.files).toEqual(['models/user.prisma', 'models/post.prisma', 'enums.prisma']);
    expect(schema.diagnostics).toEqual([]);
  });

  it('reports a file that does not parse, with its place, and still reads the others', () => {
    const broken = { path: 'models/broken.prisma', text: 'model Broken {\n  id Int @id @@@\n}\n' };
    const schema = readPrismaSchema([user, broken, post, role]);
    expect([...schema.models.keys()]).toEqual(['User', 'Post']);
    expect(schema.diagnostics).toEqual(['models/broken.prisma:2:16: does not parse (unexpected "@"); its models and enums are ignored']);
  });

  it('reports an unterminated block at the end of the file', () => {
    const schema = readPrismaSchema([{ path: 'cut.prisma', text: 'model Cut {\n  id Int @id\n' }, post]);
    expect(schema.diagnostics[0]).toBe('cut.prisma: does not parse (unexpected end of file); its models and enums are ignored');
    expect(schema.models.has('Post')).toBe(true);
  });

  it('keeps a field whose model was in a broken file as a relation, and says so', () => {
    const schema = readPrismaSchema([post, { path: 'user.prisma', text: 'model User {\n  id Int @id\n  broken\n}\n' }]);
    const author = model(schema, 'Post').fields.get('author');
    expect(author).toMatchObject({ kind: 'relation', relation: { target: 'User', toMany: false } });
    expect(schema.models.has('User')).toBe(false);
    expect(schema.diagnostics).toContain('models/post.prisma: Post.author has type User, which no schema file declares');
  });

  it('reports a model declared twice and keeps the first', () => {
    const again = { path: 'again.prisma', text: 'model User {\n  id Int @id\n  extra String\n}\n' };
    const schema = readPrismaSchema([user, post, role, again]);
    expect(model(schema, 'User').fields.has('extra')).toBe(false);
    expect(schema.diagnostics).toEqual(['again.prisma: User is declared again (first in models/user.prisma); the first is used']);
  });

  it('never throws, whatever the text', () => {
    for (const text of ['', '}', 'model', 'model {', '"unterminated', 'generator {{{', '\u0000\u0001']) {
      expect(() => readPrismaSchema([{ path: 'x.prisma', text }])).not.toThrow();
    }
    expect(readPrismaSchema([]).models.size).toBe(0);
  });
});

describe('readPrismaSchema: composite types', () => {
  it('treats a MongoDB composite type as embedded data, not a relation', () => {
    const schema = read('type Address {\n  city String\n}\nmodel Customer {\n  id      String  @id @map("_id")\n  address Address\n}\n');
    expect(model(schema, 'Customer').fields.get('address')).toMatchObject({ kind: 'scalar', type: 'Address' });
    expect(schema.models.has('Address')).toBe(false);
    expect(schema.delegates.has('address')).toBe(false);
    expect(schema.diagnostics).toEqual([]);
  });
});
