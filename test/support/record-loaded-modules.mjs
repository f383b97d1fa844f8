// Preloaded with `node --import` by tests: appends to $PREMORTEM_RECORD_MODULES every file this
// process loads as code, ES modules as they load and CommonJS ones at exit.
import { createRequire, register } from 'node:module';
import { appendFileSync } from 'node:fs';

const record = process.env.PREMORTEM_RECORD_MODULES;
if (record) {
  register('./record-loaded-modules-hooks.mjs', { parentURL: import.meta.url, data: { record } });
  process.once('exit', () => {
    // Every CommonJS module loaded so far, by file: `require.cache` is shared by all requires.
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    if (loaded.length > 0) appendFileSync(record, loaded.join('\n') + '\n');
  });
}
