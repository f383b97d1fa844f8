import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { mayRead } from '../engine/read-boundary.js';
import type { TypeScriptModule } from '../rule.js';
import { searchPrismaSchema } from './locate-schema.js';
import { readPrismaSchema, type SchemaSource } from './read-schema.js';
import type { PrismaSchema } from './schema.js';

/** Larger files are not schemas anyone wrote; reading one would stall every run. */
export const MAX_SCHEMA_FILE_BYTES = 5 * 1024 * 1024;

/** A folder's schema as last read, and the files and folders whose change means reading it again. */
interface Loaded {
  schema: PrismaSchema | undefined;
  watched: string[];
  signature: string;
}

const loaded = new Map<string, Loaded>();
const notFound = new Map<string, string[]>();

/**
 * The project's Prisma schema, found and read once per folder while its files stay the same;
 * undefined when there is none. An editor's ESLint server lives for hours: when `schema.prisma`
 * is edited, or a file joins or leaves its folder (or the project's folder), the next Program reads
 * it again. Never throws: files that cannot be read or are too large become diagnostics and the
 * rest is read; a schema Prisma rejects, or with no model, has no models and a diagnostic saying so.
 */
export function loadPrismaSchema(tsm: TypeScriptModule, rootDir: string): PrismaSchema | undefined {
  const key = path.resolve(rootDir);
  const cached = loaded.get(key);
  if (cached && signatureOf(cached.watched) === cached.signature) return cached.schema;
  const { found: location, diagnostics } = searchPrismaSchema(tsm, key);
  let schema: PrismaSchema | undefined;
  notFound.delete(key);
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
  const watched = [...new Set([key, ...(location?.files ?? []).flatMap((file) => [file, path.dirname(file)])])];
  loaded.set(key, { schema, watched, signature: signatureOf(watched) });
  return schema;
}

/** Modification time and size of each path: a folder's time changes when an entry is added or removed. */
function signatureOf(paths: readonly string[]): string {
  return paths
    .map((file) => {
      try {
        const stats = statSync(file);
        return `${stats.mtimeMs}:${stats.size}`;
      } catch {
        return 'gone';
      }
    })
    .join('|');
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
