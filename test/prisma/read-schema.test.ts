import { describe, expect, it } from 'vitest';
import { readPrismaSchema } from '../../packages/core/src/prisma/read-schema.js';
import type { PrismaModel, PrismaSchema } from '../../packages/core/src/prisma/schema.js';

const read = (text: string, file = 'schema.prisma') => readPrismaSchema([{ path: file, text }]);

/** Views are a preview feature: Prisma rejects them without it. */
const viewsGenerator = 'generator client {\n  provider        = "prisma-client"\n  previewFeatures = ["views"]\n}\n';

function model(schema: PrismaSchema, name: string): PrismaModel {
  const found = schema.models.get(name);
  if (!found) throw new Error(`no model ${name} in ${[...schema.models.keys()].join(', ')}`);
  return found;
}

// MySQL: Prisma accepts an index's `length:` only there.
const blog = `
datasource db {
  provider = "mysql"
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
    // `Unsupported("…")` is a column Prisma's client cannot read: the client has no field for it, nor does the model.
    expect(model(schema, 'Post').fields.has('location')).toBe(false);
    expect([...model(schema, 'Post').fields.keys()]).toEqual(['id', 'title', 'authorId', 'reviewerId', 'startTime', 'author', 'reviewer', 'tags']);
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

  it('lists the primary key, @unique fields as one-field indexes, then @@unique and @@index in order', () => {
    // Unique before plain, whatever the declaration order: on a tie, the constraint is named.
    expect(model(schema, 'Post').indexes).toEqual([
      { kind: 'id', fields: ['id'] },
      { kind: 'unique', fields: ['authorId', 'title'], name: 'author_title' },
      { kind: 'index', fields: ['authorId', 'startTime'] },
      { kind: 'index', fields: ['title', 'authorId'], name: 'post_title_author' },
    ]);
    expect(model(schema, 'Tag').indexes).toEqual([
      { kind: 'id', fields: ['id'] },
      { kind: 'unique', fields: ['label'], name: 'tag_label_key' },
    ]);
  });

  it('keeps field order, not alphabetical or declaration order', () => {
    const [, , byAuthor, byTitle] = model(schema, 'Post').indexes;
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
    const view = read(`${viewsGenerator}view Summary {\n  userId Int @unique\n  total  Int\n}\n`);
    expect(view.diagnostics).toEqual([]);
    expect(model(view, 'Summary').primaryKey).toEqual([]);
    expect(model(view, 'Summary').indexes).toEqual([{ kind: 'unique', fields: ['userId'] }]);
  });
});

describe('readPrismaSchema: relations', () => {
  const schema = read(blog);

  it('reads the owning side of a to-one relation with its key fields', () => {
    expect(model(schema, 'Profile').fields.get('user')?.relation).toEqual({ target: 'User', toMany: false, fields: ['userId'], references: ['id'], name: 'ProfileToUser' });
  });

  it('reads the back side of a one-to-one as to-one, with no key fields and the same (default) name', () => {
    expect(model(schema, 'User').fields.get('profile')?.relation).toEqual({ target: 'Profile', toMany: false, fields: [], references: [], name: 'ProfileToUser' });
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

  it("rejects the whole schema when one file does not parse, with Prisma's message and the place", () => {
    // Prisma validates the files as one schema: it reads all of them or none.
    const broken = { path: 'models/broken.prisma', text: 'model Broken {\n  id Int @id @@@\n}\n' };
    const schema = readPrismaSchema([user, broken, post, role]);
    expect(schema.models.size).toBe(0);
    expect(schema.delegates.size).toBe(0);
    expect(schema.files).toEqual(['models/user.prisma', 'models/broken.prisma', 'models/post.prisma', 'enums.prisma']);
    expect(schema.diagnostics).toEqual([
      'Prisma rejects the schema, so the Prisma rules ran without a schema: models/broken.prisma:2: Error validating: This line is not a valid field or attribute definition',
    ]);
  });

  it('reports an unterminated block', () => {
    const schema = readPrismaSchema([{ path: 'cut.prisma', text: 'model Cut {\n  id Int @id\n' }, post]);
    expect(schema.models.size).toBe(0);
    expect(schema.diagnostics).toHaveLength(1);
    expect(schema.diagnostics[0]).toMatch(/^Prisma rejects the schema, so the Prisma rules ran without a schema: cut\.prisma:1: /);
  });

  it('names the file and line of a type no file declares', () => {
    const schema = readPrismaSchema([post, { path: 'user.prisma', text: 'model User {\n  id Int @id\n  team Team\n}\n' }]);
    expect(schema.models.size).toBe(0);
    expect(schema.diagnostics).toEqual([
      'Prisma rejects the schema, so the Prisma rules ran without a schema: user.prisma:3: Type "Team" is neither a built-in type, nor refers to another model, composite type, or enum',
    ]);
  });

  it('rejects a model declared twice, naming the second place', () => {
    const again = { path: 'again.prisma', text: 'model User {\n  id Int @id\n  extra String\n}\n' };
    const schema = readPrismaSchema([user, post, role, again]);
    expect(schema.models.size).toBe(0);
    expect(schema.diagnostics).toEqual([
      'Prisma rejects the schema, so the Prisma rules ran without a schema: again.prisma:1: The model "User" cannot be defined because a model with that name already exists',
    ]);
  });

  it('quotes three errors and counts the rest', () => {
    const fields = ['A', 'B', 'C', 'D', 'E'].map((type, i) => `  f${i} ${type}\n`).join('');
    const [note] = read(`model Many {\n  id Int @id\n${fields}}\n`).diagnostics;
    expect(note?.match(/schema\.prisma:\d+/g)).toEqual(['schema.prisma:3', 'schema.prisma:4', 'schema.prisma:5']);
    expect(note).toMatch(/Type "C" is neither .* \(and 2 more errors\)$/);
  });

  it('never throws, whatever the text', () => {
    for (const text of ['', '}', 'model', 'model {', '"unterminated', 'generator {{{', '\u0000\u0001', 'model A {\n  id Int @id @default(\n}\n']) {
      const schema = readPrismaSchema([{ path: 'x.prisma', text }]);
      expect(schema.models.size, JSON.stringify(text)).toBe(0);
      // Never a silent pass: each says why the rules have no schema.
      expect(schema.diagnostics, JSON.stringify(text)).toHaveLength(1);
    }
    expect(readPrismaSchema([])).toMatchObject({ files: [], diagnostics: [] });
  });
});

describe('readPrismaSchema: composite types', () => {
  it('treats a MongoDB composite type as embedded data, not a relation', () => {
    const mongo = 'datasource db {\n  provider = "mongodb"\n}\n';
    const schema = read(`${mongo}type Address {\n  city String\n}\nmodel Customer {\n  id      String  @id @map("_id")\n  address Address\n  billing Address?\n  history Address[]\n}\n`);
    expect(model(schema, 'Customer').fields.get('address')).toMatchObject({ kind: 'scalar', type: 'Address' });
    expect(model(schema, 'Customer').fields.get('billing')).toMatchObject({ kind: 'scalar', isOptional: true });
    expect(model(schema, 'Customer').fields.get('history')).toMatchObject({ kind: 'scalar', isList: true });
    expect(model(schema, 'Customer').fields.get('history')?.relation).toBeUndefined();
    expect(schema.models.has('Address')).toBe(false);
    expect(schema.delegates.has('address')).toBe(false);
    expect(schema.diagnostics).toEqual([]);
  });
});

describe('readPrismaSchema: every schema Prisma accepts', () => {
  it('reads models documented with /** */ and /// comments', () => {
    const schema = read(
      '/**\n * A booking, with a block doc comment.\n */\nmodel Booking {\n  /** Its key. */\n  id    Int    @id\n  /// Who booked.\n  email String @unique\n}\n',
    );
    expect(schema.diagnostics).toEqual([]);
    expect([...model(schema, 'Booking').fields.keys()]).toEqual(['id', 'email']);
    expect(model(schema, 'Booking').indexes).toEqual([
      { kind: 'id', fields: ['id'] },
      { kind: 'unique', fields: ['email'] },
    ]);
  });

  it('reads @@index(field) without brackets, and sort or length on index fields', () => {
    const schema = read(
      'model Booking {\n  id     Int      @id\n  userId Int\n  start  DateTime\n  title  String\n\n  @@index(userId)\n  @@index([userId, start(sort: Desc)])\n  @@unique(fields: [title, userId(sort: Asc)], name: "titleForUser")\n}\n',
    );
    expect(schema.diagnostics).toEqual([]);
    expect(model(schema, 'Booking').indexes).toEqual([
      { kind: 'id', fields: ['id'] },
      { kind: 'unique', fields: ['title', 'userId'], name: 'titleForUser' },
      { kind: 'index', fields: ['userId'] },
      { kind: 'index', fields: ['userId', 'start'] },
    ]);
  });

  it('puts a compound @@id first, wherever it is declared', () => {
    const schema = read('model Pair {\n  a Int\n  b Int\n  c Int @unique\n\n  @@index([b])\n  @@id([a, b], name: "pair")\n}\n');
    expect(model(schema, 'Pair').primaryKey).toEqual(['a', 'b']);
    expect(model(schema, 'Pair').indexes).toEqual([
      { kind: 'id', fields: ['a', 'b'], name: 'pair' },
      { kind: 'unique', fields: ['c'] },
      { kind: 'index', fields: ['b'] },
    ]);
  });

  it('leaves out @@fulltext, which serves no equality filter', () => {
    const schema = read('datasource db {\n  provider = "mysql"\n}\nmodel Post {\n  id    Int    @id\n  title String\n\n  @@fulltext([title])\n}\n');
    expect(schema.diagnostics).toEqual([]);
    expect(model(schema, 'Post').indexes).toEqual([{ kind: 'id', fields: ['id'] }]);
  });

  it('reads views as models the client can query, keyed or not', () => {
    const schema = read(
      `${viewsGenerator}model User {\n  id Int @id\n}\nview UserStats {\n  userId   Int @unique\n  bookings Int\n  @@map("user_stats")\n}\n`,
    );
    expect(schema.diagnostics).toEqual([]);
    expect(model(schema, 'UserStats')).toMatchObject({ dbName: 'user_stats', primaryKey: [], indexes: [{ kind: 'unique', fields: ['userId'] }] });
    expect(schema.delegates.get('userStats')).toBe('UserStats');
  });

  it('rejects a view without the preview feature, as Prisma does', () => {
    const schema = read('view UserStats {\n  userId Int @unique\n}\n');
    expect(schema.models.size).toBe(0);
    expect(schema.diagnostics).toEqual([
      'Prisma rejects the schema, so the Prisma rules ran without a schema: schema.prisma:1: Error validating: View definitions are only available with the `views` preview feature',
    ]);
  });

  it('reads a Prisma 6 schema, whose datasource still holds the connection URLs Prisma 7 moved out', () => {
    const prisma6 =
      'datasource db {\n  provider          = "postgresql"\n  url               = env("DATABASE_URL")\n  directUrl         = env("DIRECT_URL")\n  shadowDatabaseUrl = env("SHADOW_URL")\n}\n';
    const schema = read(`${prisma6}model User {\n  id Int @id\n}\n`);
    expect(schema.diagnostics).toEqual([]);
    expect([...schema.models.keys()]).toEqual(['User']);
    // Its real errors are reported, at their own lines; the URLs are not among them.
    expect(read(`${prisma6}model User {\n  id   Int @id\n  team Team\n}\n`).diagnostics).toEqual([
      'Prisma rejects the schema, so the Prisma rules ran without a schema: schema.prisma:9: Type "Team" is neither a built-in type, nor refers to another model, composite type, or enum',
    ]);
  });

  it('finds the places Prisma names after characters that take more than one byte or code unit', () => {
    // The engine counts UTF-16 code units: a byte count is 2 off after an em dash, 1 after an emoji.
    const header = '// Bookwell — scheduling for salons 💇\n';
    const prisma6 = `${header}datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n`;
    expect(read(`${prisma6}model User {\n  id Int @id\n}\n`)).toMatchObject({ diagnostics: [], models: new Map([['User', expect.anything()]]) });
    expect(read(`${prisma6}model User {\n  id   Int @id\n  team Team\n}\n`).diagnostics[0]).toContain(': schema.prisma:8: Type "Team"');
  });

  it('says so when the schema declares no model', () => {
    const enumsOnly = read('datasource db {\n  provider = "postgresql"\n}\n\nenum Role {\n  MEMBER\n}\n');
    expect(enumsOnly.models.size).toBe(0);
    expect(enumsOnly.enums.get('Role')).toEqual(['MEMBER']);
    expect(enumsOnly.diagnostics).toEqual(['schema.prisma declares no model, so the Prisma rules ran without a schema']);
    const files = readPrismaSchema([
      { path: 'a.prisma', text: '' },
      { path: 'b.prisma', text: '// nothing yet\n' },
    ]);
    expect(files.diagnostics).toEqual(['the schema (a.prisma, b.prisma) declares no model, so the Prisma rules ran without a schema']);
  });
});

describe('readPrismaSchema: the cache by content', () => {
  const text = 'model Cached {\n  id Int @id\n}\n';

  it('gives the same models for the same files, and fresh lists the caller may extend', () => {
    const first = readPrismaSchema([{ path: 'cached.prisma', text }]);
    first.diagnostics.push('added by a caller');
    first.files.push('added.prisma');
    const second = readPrismaSchema([{ path: 'cached.prisma', text }]);
    expect(second.models).toBe(first.models);
    expect(second.diagnostics).toEqual([]);
    expect(second.files).toEqual(['cached.prisma']);
  });

  it('reads again when a file or its name changes', () => {
    const first = readPrismaSchema([{ path: 'cached.prisma', text }]);
    expect(readPrismaSchema([{ path: 'cached.prisma', text: text.replace('Cached', 'Changed') }]).models.has('Changed')).toBe(true);
    expect(readPrismaSchema([{ path: 'renamed.prisma', text }]).files).toEqual(['renamed.prisma']);
    expect(readPrismaSchema([{ path: 'cached.prisma', text }]).models).toBe(first.models);
  });
});
