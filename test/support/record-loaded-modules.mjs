// Preloaded with `node --import` by tests: appends to $PREMORTEM_RECORD_MODULES every file this
// process loads as code, ES modules as they load and CommonJS ones at exit.
import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';

const record = process.env.PREMORTEM_RECORD_MODULES;
if (record) {
  register('./record-loaded-modules-hooks.mjs', { parentURL: import.meta.url, data: { record } });
  process.once('exit', () => {
    const loaded = Object.keys(Module._cache);
    if (loaded.length > 0) appendFileSync(record, loaded.join('\n') + '\n');
  });
}
