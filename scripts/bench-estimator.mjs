// Checks premortem's query-cost estimates against PostgreSQL's planner on the fixture app.
//
//   npm run bench:estimator               PGlite (PostgreSQL 17 in WebAssembly), nothing to install
//   PREMORTEM_PG_URL=postgres://… npm run bench:estimator   also a real server (e.g. Debian's postgresql)
//
// It creates the fixture schema's tables, seeds skewed data (a few users own most bookings, most
// users have a handful), runs ANALYZE, reads the statistics the way `premortem stats` does, then,
// for every read query in the fixture app and in fixtures/estimator-shapes (OR, NOT, `in` lists
// and relation filters on the same schema), prints premortem's estimate, the planner's
// generic-plan estimate (EXPLAIN (GENERIC_PLAN), the plan a prepared Prisma query gets) and the
// actual rows for a typical and for the heaviest value. A benchmark, not a test: it asserts nothing.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import {
  estimateQuery,
  getPrismaCallSite,
  getQueryShape,
  loadPrismaSchema,
  TableStatistics,
} from '@premortem/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixture = path.join(root, 'fixtures/calendar-app');
/** Bench-only query shapes on the fixture app's schema, which its prisma.config.ts points at. */
const shapes = path.join(root, 'fixtures/estimator-shapes');
const READS = new Set(['findMany', 'findFirst', 'findFirstOrThrow', 'findUnique', 'findUniqueOrThrow']);
const SQL_TYPES = { Int: 'int', BigInt: 'bigint', String: 'text', Boolean: 'boolean', DateTime: 'timestamptz', Float: 'float8', Decimal: 'numeric', Json: 'jsonb' };
/** Rows per model; the owner of each foreign key is skewed (see seedSql). */
const SIZES = { User: 5000, Team: 200, Membership: 8000, EventType: 15000, Booking: 300000, Attendee: 600000, Credential: 6000, Session: 20000 };

const schema = loadPrismaSchema(ts, fixture);
if (!schema) throw new Error('fixture schema not found');

/** @param {{ exec(sql: string): Promise<unknown>, query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>, explain(sql: string, values: unknown[]): Promise<unknown> }} db */
async function run(label, db) {
  for (const model of schema.models.values()) await db.exec(createTableSql(model));
  for (const model of schema.models.values()) await db.exec(seedSql(model));
  await db.exec('ANALYZE');
  const stats = new TableStatistics(await readStats(db), {});
  for (const [folder, title] of [[fixture, 'fixture app'], [shapes, 'query shapes']]) {
    const rows = [];
    for (const site of querySites(folder)) {
      const shape = getQueryShape(ts, schema, site.model, site.args);
      const sql = toSql(site, shape);
      if (!sql) continue;
      const estimate = estimateQuery(schema, stats, site.model, site.operation, shape).returnedRows;
      const explained = await db.explain(sql.text, await paramValues(db, sql, 'typical'));
      const planner = Math.round((typeof explained === 'string' ? JSON.parse(explained) : explained)[0].Plan['Plan Rows']);
      const typical = await actualRows(db, sql, 'typical');
      const heaviest = await actualRows(db, sql, 'heaviest');
      rows.push({ where: site.where, query: `${site.model.name}.${site.operation}`, estimate, planner, typical, heaviest });
    }
    report(`${label}: ${title}`, rows);
  }
}

/** Read calls of the fixture's own files, named by file and line (and by function in the shapes). */
function* querySites(fixture) {
  const config = ts.readConfigFile(path.join(fixture, 'tsconfig.json'), ts.sys.readFile).config;
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, fixture);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const checker = program.getTypeChecker();
  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || sourceFile.fileName.includes('/generated/') || !sourceFile.fileName.startsWith(fixture)) continue;
    const found = [];
    const visit = (node) => {
      if (ts.isCallExpression(node)) {
        const site = getPrismaCallSite({ ts, checker, schema }, node);
        if (site && READS.has(site.operation) && site.argsKnown) {
          const { line } = sourceFile.getLineAndCharacterOfPosition(site.callee.getStart(sourceFile));
          const name = fixture === shapes ? ` ${enclosingFunctionName(node)}` : '';
          found.push({ ...site, where: `${path.relative(fixture, sourceFile.fileName)}:${line + 1}${name}` });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    yield* found;
  }
}

function enclosingFunctionName(node) {
  for (let up = node.parent; up; up = up.parent) if (ts.isFunctionDeclaration(up) && up.name) return up.name.text;
  return '';
}

function quote(name) {
  return `"${name.replaceAll('"', '""')}"`;
}

export function createTableSql(model) {
  const columns = [...model.fields.values()]
    .filter((f) => f.kind !== 'relation' && !f.isList)
    .map((f) => `${quote(f.dbName)} ${f.kind === 'enum' ? 'text' : (SQL_TYPES[f.type] ?? 'text')}`);
  const column = (field) => quote(model.fields.get(field)?.dbName ?? field);
  const indexes = model.indexes.map((index, i) => {
    const cols = index.fields.map(column).join(', ');
    if (index.kind === 'id') return `ALTER TABLE ${quote(model.dbName)} ADD PRIMARY KEY (${cols});`;
    return `CREATE ${index.kind === 'unique' ? 'UNIQUE ' : ''}INDEX ${quote(`${model.dbName}_${i}`)} ON ${quote(model.dbName)} (${cols});`;
  });
  return `CREATE TABLE ${quote(model.dbName)} (${columns.join(', ')}); ${indexes.join(' ')}`;
}

/** Row g of a model; a foreign key points at one of 5 heavy owners half the time, else at any owner. */
export function seedSql(model) {
  const rows = SIZES[model.name] ?? 1000;
  const fields = [...model.fields.values()].filter((f) => f.kind !== 'relation' && !f.isList);
  const uniqueTogether = new Set(model.indexes.filter((i) => i.kind !== 'index').flatMap((i) => i.fields));
  const values = fields.map((f) => {
    const owner = [...model.fields.values()].find((r) => r.relation && !r.relation.toMany && r.relation.fields.includes(f.name))?.relation?.target;
    if (owner && !uniqueTogether.has(f.name)) {
      const n = SIZES[owner] ?? 1000;
      return `CASE WHEN random() < 0.5 THEN 1 + (g % 5) ELSE 1 + floor(random() * ${n})::int END`;
    }
    if (f.kind === 'enum') {
      const options = schema.enums.get(f.type) ?? ['A'];
      return `(ARRAY[${options.map((o) => `'${o}'`).join(',')}])[1 + (g % ${options.length})]`;
    }
    switch (f.type) {
      case 'Int': return owner ? `1 + (g % ${SIZES[owner] ?? 1000})` : 'g';
      case 'BigInt': return 'g';
      case 'Boolean': return 'g % 2 = 0';
      case 'DateTime': return `now() - (g || ' minutes')::interval`;
      case 'Float': case 'Decimal': return 'g * 1.5';
      case 'Json': return `'{}'::jsonb`;
      default: return `'${f.name}-' || g`;
    }
  });
  return `INSERT INTO ${quote(model.dbName)} (${fields.map((f) => quote(f.dbName)).join(', ')}) SELECT ${values.join(', ')} FROM generate_series(1, ${rows}) g ON CONFLICT DO NOTHING`;
}

async function readStats(db) {
  const models = {};
  for (const model of schema.models.values()) {
    const [{ rows }] = (await db.query(`SELECT reltuples::float8 AS rows FROM pg_class WHERE relname = $1`, [model.dbName])).rows;
    const columns = {};
    for (const row of (await db.query(`SELECT attname, n_distinct::float8 AS nd, null_frac::float8 AS nf, most_common_vals::text::text[] AS v, most_common_freqs::float8[] AS f FROM pg_stats WHERE tablename = $1`, [model.dbName])).rows) {
      const field = [...model.fields.values()].find((f) => f.dbName === row.attname);
      if (field) columns[field.name] = { nDistinct: row.nd, nullFraction: row.nf, mostCommon: (row.v ?? []).map((value, i) => ({ value, frequency: row.f[i] })) };
    }
    models[model.name] = { table: model.dbName, rows, columns };
  }
  return { version: 1, generatedAt: new Date().toISOString(), database: 'bench', models, unmappedTables: [] };
}

/** `SELECT … WHERE col = $1 … LIMIT n` for the shape; undefined when a filter has no SQL here. */
function toSql(site, shape) {
  const model = site.model;
  const params = [];
  const where = conjunctionSql(model, shape.filters, params);
  if (where === undefined) return undefined;
  const single = site.operation !== 'findMany';
  const limit = single ? 1 : shape.take.kind === 'literal' ? shape.take.value : undefined;
  const text = `SELECT * FROM ${quote(model.dbName)}${shape.filters.length ? ` WHERE ${where}` : ''}${limit ? ` LIMIT ${limit}` : ''}`;
  return { text, params };
}

/** Filters that must all hold, on `model`'s table; undefined when one has no SQL form here (patterns). */
function conjunctionSql(model, filters, params) {
  const clauses = [];
  for (const filter of filters) {
    const clause = filter.kind === 'other' ? combinationSql(model, filter.combination, params) : fieldSql(model, filter, params);
    if (clause === undefined) return undefined;
    clauses.push(clause);
  }
  return clauses.length ? clauses.join(' AND ') : 'TRUE';
}

function fieldSql(model, filter, params) {
  const field = model.fields.get(filter.field);
  if (!field || filter.kind === 'pattern') return undefined;
  const column = quote(field.dbName);
  const param = (literal, list = false) => {
    params.push({ model, field, literal, list });
    return `$${params.length}`;
  };
  switch (filter.kind) {
    case 'equals': return `${column} = ${param(filter.literal)}`;
    case 'not': return `${column} <> ${param(filter.literal)}`;
    // Prisma binds a written-out list one parameter per value; a list known at run time is one array.
    case 'in': return filter.count === undefined ? `${column} = ANY(${param(undefined, true)})` : `${column} IN (${Array.from({ length: filter.count }, (_, i) => param(filter.literals?.[i])).join(', ')})`;
    default: return `${column} > ${param()}`;
  }
}

function combinationSql(model, combination, params) {
  if (!combination) return undefined;
  if (combination.kind === 'relation') return relationSql(model, combination, params);
  const branches = combination.branches.map((branch) => (branch ? conjunctionSql(model, branch, params) : undefined));
  if (branches.some((branch) => branch === undefined)) return undefined;
  return combination.kind === 'or' ? `(${branches.map((b) => `(${b})`).join(' OR ')})` : branches.map((b) => `NOT (${b})`).join(' AND ');
}

/**
 * Relation filters as Prisma writes them: the key of the side filtered `IN` (or `NOT IN`) the keys
 * of the matching rows of the other side, `IS NOT NULL` (`every` matches the children that fail).
 */
function relationSql(model, filter, params) {
  const relation = model.fields.get(filter.relation)?.relation;
  if (!relation || !filter.filters) return undefined;
  const target = filter.target;
  const holdsKey = relation.fields.length > 0;
  const back = holdsKey ? undefined : [...target.fields.values()].find((f) => f.relation?.target === model.name && f.relation.name === relation.name && f.relation.fields.length > 0)?.relation;
  if (!holdsKey && !back) return undefined;
  const columns = (m, fields) => fields.map((f) => quote(m.fields.get(f)?.dbName ?? f)).join(', ');
  const [outer, inner] = holdsKey ? [columns(model, relation.fields), columns(target, relation.references)] : [columns(model, back.references), columns(target, back.fields)];
  const matching = conjunctionSql(target, filter.filters, params);
  if (matching === undefined) return undefined;
  const negated = filter.quantifier === 'none' || filter.quantifier === 'every' || filter.quantifier === 'isNot';
  const condition = filter.quantifier === 'every' ? `NOT (${matching})` : `(${matching})`;
  return `(${outer}) ${negated ? 'NOT IN' : 'IN'} (SELECT ${inner} FROM ${quote(target.dbName)} WHERE ${condition} AND ${inner} IS NOT NULL)`;
}

/** Runs the query with a typical (median-frequency) or the most frequent value of each parameter. */
async function actualRows(db, sql, which) {
  const values = await paramValues(db, sql, which);
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM (${sql.text}) q`, values);
  return rows[0].n;
}

async function paramValues(db, sql, which) {
  const values = [];
  for (const param of sql.params) {
    if (param.literal !== undefined) { values.push(param.literal); continue; }
    const column = quote(param.field.dbName);
    const table = quote(param.model.dbName);
    const order = which === 'heaviest' ? 'DESC' : 'ASC';
    const { rows } = await db.query(`SELECT ${column}::text AS v FROM (SELECT ${column}, count(*) c FROM ${table} GROUP BY 1 ORDER BY c ${order} OFFSET ${which === 'heaviest' ? 0 : `(SELECT count(DISTINCT ${column}) / 2 FROM ${table})`} LIMIT 1) s`);
    const value = rows[0]?.v ?? '0';
    values.push(param.list ? `{${value}}` : value);
  }
  return values;
}

/**
 * The planner's generic plan, the one a prepared Prisma query gets: EXPLAIN (GENERIC_PLAN) on
 * PostgreSQL 16+, else a prepared statement with plan_cache_mode = force_generic_plan.
 */
async function explainGeneric(client, text, values) {
  const { rows } = await client.query('SHOW server_version_num');
  if (Number(rows[0].server_version_num) >= 160000) {
    return Object.values((await client.query(`EXPLAIN (FORMAT JSON, GENERIC_PLAN) ${text}`)).rows[0])[0];
  }
  await client.query('SET plan_cache_mode = force_generic_plan');
  await client.query(`PREPARE premortem_q AS ${text}`);
  try {
    const literals = values.map((v) => `'${String(v).replaceAll("'", "''")}'`).join(', ');
    return Object.values((await client.query(`EXPLAIN (FORMAT JSON) EXECUTE premortem_q${values.length ? `(${literals})` : ''}`)).rows[0])[0];
  } finally {
    await client.query('DEALLOCATE premortem_q');
  }
}

function report(label, rows) {
  const within = rows.filter((r) => Math.max(r.estimate, 1) / Math.max(r.planner, 1) <= 4 && Math.max(r.planner, 1) / Math.max(r.estimate, 1) <= 4);
  console.log(`\n## ${label}\n`);
  console.log('| query | site | premortem | planner | actual (typical) | actual (heaviest) | ratio |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const ratio = Math.max(r.estimate, 1) / Math.max(r.planner, 1);
    console.log(`| ${r.query} | ${r.where} | ${r.estimate} | ${r.planner} | ${r.typical} | ${r.heaviest} | ${ratio.toFixed(2)} |`);
  }
  console.log(`\n${within.length} of ${rows.length} queries (${Math.round((100 * within.length) / rows.length)}%) within a factor of 4 of the planner.`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

async function main() {
const lite = await PGlite.create();
await run('PGlite (PostgreSQL 17, WebAssembly)', {
  exec: (text) => lite.exec(text),
  query: (text, params) => lite.query(text, params),
  // GENERIC_PLAN takes $n placeholders without values: the simple query protocol, not a prepared one.
  explain: async (text) => Object.values((await lite.exec(`EXPLAIN (FORMAT JSON, GENERIC_PLAN) ${text}`))[0].rows[0])[0],
});
await lite.close();

if (process.env.PREMORTEM_PG_URL) {
  const client = new pg.Client({ connectionString: process.env.PREMORTEM_PG_URL });
  await client.connect();
  await client.query('CREATE SCHEMA IF NOT EXISTS premortem_bench; SET search_path TO premortem_bench');
  try {
    await run(`PostgreSQL server (${process.env.PREMORTEM_PG_URL.replace(/:[^:@/]+@/, ':***@')})`, {
      exec: (text) => client.query(text),
      query: (text, params) => client.query(text, params),
      explain: (text, values) => explainGeneric(client, text, values),
    });
  } finally {
    await client.query('DROP SCHEMA premortem_bench CASCADE');
    await client.end();
  }
}
}
