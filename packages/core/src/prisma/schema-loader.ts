import { readFileSync, statSync } from 'node:fs';
import type { TypeScriptModule } from '../rule.js';
import { locatePrismaSchema } from './locate-schema.js';
import { readPrismaSchema, type SchemaSource } from './read-schema.js';
import type { PrismaSchema } from './schema.js';

const MAX_SCHEMA_BYTES = 5 * 1024 * 1024;
const loaded = new Map<string, PrismaSchema | undefined>();

/** The project's Prisma schema, read once per folder per process; undefined when there is none. */
export function loadPrismaSchema(tsm: TypeScriptModule, rootDir: string): PrismaSchema | undefined {
  if (loaded.has(rootDir)) return loaded.get(rootDir);
  const location = locatePrismaSchema(tsm, rootDir);
  let schema: PrismaSchema | undefined;
  if (location) {
    const tooLarge: string[] = [];
    const sources: SchemaSource[] = location.files.flatMap((file) => {
      if (statSync(file).size > MAX_SCHEMA_BYTES) {
        tooLarge.push(`${file} is larger than 5 MB and was not read`);
        return [];
      }
      return [{ path: file, text: readFileSync(file, 'utf8') }];
    });
    schema = readPrismaSchema(sources);
    schema.diagnostics.push(...tooLarge);
  }
  loaded.set(rootDir, schema);
  return schema;
}
