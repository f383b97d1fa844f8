// The hooks thread of record-loaded-modules.mjs: each module's URL as it is loaded.
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let record;
export function initialize(data) {
  record = data.record;
}

export async function load(url, context, next) {
  const result = await next(url, context);
  appendFileSync(record, (url.startsWith('file:') ? fileURLToPath(url) : url) + '\n');
  return result;
}
