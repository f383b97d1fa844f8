import type { EngineDiagnostic, SchemaFiles } from './schema-engine.js';

/**
 * Prisma 7 moved connection URLs out of the schema: its engine rejects the `url`, `directUrl` and
 * `shadowDatabaseUrl` that every Prisma 5 or 6 schema has ("The datasource property `url` is no
 * longer supported in schema files"). They name a database, not a table, so premortem reads such
 * a schema as Prisma 6 would: with exactly the spans the engine names blanked out.
 */
const REMOVED_URL_PROPERTY = /^The datasource property `(?:url|directUrl|shadowDatabaseUrl)` is no longer supported in schema files\b/;

/** True for Prisma 7's error on a connection URL that Prisma 6 required. */
export function isRemovedDatasourceUrl(error: EngineDiagnostic): boolean {
  return REMOVED_URL_PROPERTY.test(error.text);
}

/** The files with each diagnostic's span replaced by spaces, so every other place keeps its line and column. */
export function blankSpans(files: SchemaFiles, diagnostics: readonly EngineDiagnostic[]): SchemaFiles {
  return files.map(([name, text]) => {
    let blanked = text;
    for (const { file_name, start, end } of diagnostics) {
      if (file_name === name) blanked = blanked.slice(0, start) + ' '.repeat(end - start) + blanked.slice(end);
    }
    return [name, blanked] as const;
  });
}
