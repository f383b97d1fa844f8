import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';

/** The OASIS SARIF 2.1.0 schema (rtm.5, the release), as Microsoft's SARIF test utilities ship it. */
export function sarifValidator() {
  const schemaFile = createRequire(import.meta.url).resolve('@microsoft/sarif-matcher-utils/lib/schemas/sarif-2.1.0-rtm.5.json');
  // CommonJS packages: under NodeNext their classes are on `.default`.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajvFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
}
