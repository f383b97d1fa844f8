import type { OptionsSchema } from '@premortem/core';

export interface Options {
  ignoreVoid: boolean;
  checkVoidInClientCode: boolean;
  ignoreIIFE: boolean;
  checkCallbacks: boolean;
  checkJsxAttributes: boolean;
  checkStoredPromises: boolean;
  inBrowser: 'error' | 'warning' | 'off';
}

export const defaultOptions: Options = {
  ignoreVoid: true,
  checkVoidInClientCode: false,
  ignoreIIFE: false,
  checkCallbacks: true,
  checkJsxAttributes: false,
  checkStoredPromises: true,
  inBrowser: 'warning',
};

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    ignoreVoid: {
      type: 'boolean',
      description: 'Accept `void promise` as a deliberate "fire and forget". The strict preset turns this off for server code.',
      default: defaultOptions.ignoreVoid,
    },
    checkVoidInClientCode: {
      type: 'boolean',
      description:
        'With `ignoreVoid: false`, also report `void` in browser modules (`"use client"` or .tsx/.jsx files), where an unhandled rejection is logged rather than fatal.',
      default: defaultOptions.checkVoidInClientCode,
    },
    ignoreIIFE: {
      type: 'boolean',
      description: 'Accept an async immediately-invoked function expression as a statement, e.g. `(async () => { … })();`.',
      default: defaultOptions.ignoreIIFE,
    },
    checkCallbacks: {
      type: 'boolean',
      description:
        'Report promise-returning functions passed where the callee ignores the result (`forEach`, timers, event listeners, `process.on`).',
      default: defaultOptions.checkCallbacks,
    },
    checkJsxAttributes: {
      type: 'boolean',
      description: 'Also report async functions passed to void-returning JSX props such as `onClick` (browser code).',
      default: defaultOptions.checkJsxAttributes,
    },
    checkStoredPromises: {
      type: 'boolean',
      description:
        'Report a promise kept in a local variable or private field that is never awaited, returned, passed on or given a rejection handler.',
      default: defaultOptions.checkStoredPromises,
    },
    inBrowser: {
      type: 'string',
      enum: ['error', 'warning', 'off'],
      description:
        'How to report promises dropped in browser code (React hooks, the functions components define, JSX event handlers, `"use client"` modules), where a rejection is logged and lost rather than fatal: as an `error`, a `warning` (the CLI, the Action and the bot honour it; ESLint uses the rule\'s own severity), or `off`.',
      default: defaultOptions.inBrowser,
    },
  },
  additionalProperties: false,
};
