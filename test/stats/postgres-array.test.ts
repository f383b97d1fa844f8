import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePostgresArray } from '../../packages/cli/src/stats/postgres-array.js';

describe('parsePostgresArray', () => {
  it('reads plain, quoted and NULL elements', () => {
    expect(parsePostgresArray('{}')).toEqual([]);
    expect(parsePostgresArray('{1,2,3}')).toEqual(['1', '2', '3']);
    expect(parsePostgresArray('{accepted,"a,b",NULL,"NULL",null}')).toEqual(['accepted', 'a,b', null, 'NULL', null]);
  });

  it('undoes backslash escapes inside quotes', () => {
    expect(parsePostgresArray(String.raw`{"he said \"hi\"","C:\\temp","{x}"," padded "}`)).toEqual(['he said "hi"', 'C:\\temp', '{x}', ' padded ']);
  });

  it('splits on the element type delimiter, flattens nesting and skips dimension prefixes', () => {
    expect(parsePostgresArray('{(1,1),(0,0);(3,3),(2,2)}', ';')).toEqual(['(1,1),(0,0)', '(3,3),(2,2)']);
    expect(parsePostgresArray('{{1,2},{3,4}}')).toEqual(['1', '2', '3', '4']);
    expect(parsePostgresArray('[0:1]={a,b}')).toEqual(['a', 'b']);
    expect(parsePostgresArray('{ a , "b" }')).toEqual(['a', 'b']);
  });

  it('rejects what is not an array literal, without quoting its contents', () => {
    expect(() => parsePostgresArray('secret-value')).toThrow(/expected \{ at position 0/);
    expect(() => parsePostgresArray('{"secret-value')).toThrow(/unterminated quoted element/);
    expect(() => parsePostgresArray('{a,b} tail')).toThrow(/text after the closing \}/);
    expect(() => parsePostgresArray('{a,,b}')).toThrow(/empty element/);
    expect(() => parsePostgresArray('{"secret-value')).not.toThrow(/secret-value/);
  });
});

describe('parsePostgresArray against PostgreSQL', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reads back what PostgreSQL writes, for text that needs every kind of quoting', async () => {
    const values = ['plain', 'a,b', 'say "hi"', 'back\\slash', '{braces}', 'NULL', 'null', '', ' lead and trail ', 'tab\there', 'line\nbreak', 'ünï©ødé', '\\"', ';'];
    const { rows } = await db.query<{ literal: string }>('SELECT $1::text[]::text AS literal', [values]);
    expect(parsePostgresArray(rows[0]!.literal)).toEqual(values);
    const withNull = await db.query<{ literal: string }>(`SELECT ARRAY['x', NULL, 'NULL']::text AS literal`);
    expect(parsePostgresArray(withNull.rows[0]!.literal)).toEqual(['x', null, 'NULL']);
  });

  it('reads box arrays, whose elements PostgreSQL separates with the type delimiter ;', async () => {
    const { rows } = await db.query<{ literal: string; delimiter: string }>(
      `SELECT ARRAY[box '((0,0),(1,1))', box '((2,2),(3,3))']::text AS literal, (SELECT typdelim FROM pg_type WHERE typname = 'box') AS delimiter`,
    );
    expect(rows[0]!.delimiter).toBe(';');
    expect(parsePostgresArray(rows[0]!.literal, rows[0]!.delimiter)).toEqual(['(1,1),(0,0)', '(3,3),(2,2)']);
  });
});
