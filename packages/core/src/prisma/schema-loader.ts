import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { mayRead } from '../engine/read-boundary.js';
import type { TypeScriptModule } from '../rule.js';
import { searchPrismaSchema } from './locate-schema.js';
import { readPrismaSchema, type SchemaSource } from './read-schema.js';
import type { PrismaSchema } from './schema.js';

/** Larger files are not schemas anyone wrote; reading one would stall every run. */
export const MAX_SCHEMA_FILE_BYTES = 5 * 1024 * 1024;

const loaded = new Map<string, PrismaSchema | undefined>();
const notFound = new Map<string, string[]>();

/**
 * The project's Prisma schema, found and read once per folder per process; undefined when there
 * is none. Never throws: files that cannot be read or are too large become diagnostics and the
 * rest is read; a schema Prisma rejects, or with no model, has no models and a diagnostic saying so.
 */
export function loadPrismaSchema(tsm: TypeScriptModule, rootDir: string): PrismaSchema | undefined {
  const key = path.resolve(rootDir);
  if (loaded.has(key)) return loaded.get(key);
  const { found: location, diagnostics } = searchPrismaSchema(tsm, key);
  let schema: PrismaSchema | undefined;
  if (!location && diagnostics.length > 0) notFound.set(key, diagnostics);
  if (location) {
    const problems: string[] = [];
    const sources = location.files.flatMap((file) => {
      const source = readSource(file);
      if (typeof source === 'string') problems.push(source);
      return typeof source === 'string' ? [] : [source];
    });
    schema = readPrismaSchema(sources);
    schema.diagnostics.unshift(...diagnostics, ...problems);
  }
  loaded.set(key, schema);
  return schema;
}

/** The file's text, or why it was not read. */
function readSource(file: string): SchemaSource | string {
  if (!mayRead(file)) return `${file} is outside the repository and was not read`;
  try {
    const size = statSync(file).size;
    if (size > MAX_SCHEMA_FILE_BYTES) return `${file} is ${(size / 1024 / 1024).toFixed(1)} MB, over the 5 MB limit, and was not read`;
    return { path: file, text: readFileSync(file, 'utf8') };
  } catch (error) {
    return `${file} could not be read (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * Why the folders that `loadPrismaSchema` searched have no schema, when a source pointed nowhere;
 * else empty. Each note once, however many folders share it.
 */
export function prismaSchemaSearchNotes(...rootDirs: string[]): readonly string[] {
  return [...new Set(rootDirs.flatMap((rootDir) => notFound.get(path.resolve(rootDir)) ?? []))];
}
