// The hooks thread of record-loaded-modules.mjs: each module's URL as it is loaded.
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** @type {string} */
let record = '';

/** @param {{ record: string }} data */
export function initialize(data) {
  record = data.record;
}

/**
 * @param {string} url
 * @param {object} context
 * @param {(url: string, context: object) => Promise<unknown>} next
 * @returns {Promise<unknown>}
 */
export async function load(url, context, next) {
  const result = await next(url, context);
  appendFileSync(record, (url.startsWith('file:') ? fileURLToPath(url) : url) + '\n');
  return result;
}
