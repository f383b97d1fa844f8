import type { OptionsSchema } from '@premortem/core';

export interface Options {
  shells: string[];
  layoutPages: number;
  cheapLookups: 'ignore' | 'warn';
  extraHooks: string[];
  extraFetchers: string[];
}

export const defaultOptions: Options = {
  shells: ['**/{Shell,AppShell,app-shell,shell}.{tsx,jsx}'],
  layoutPages: 10,
  cheapLookups: 'ignore',
  extraHooks: [],
  extraFetchers: [],
};

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    shells: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Globs, relative to the project root (the tsconfig folder), of custom shells that every page renders inside; their exported components are entry points. Next.js root layouts and `pages/_app` are always entry points.',
      default: defaultOptions.shells,
    },
    layoutPages: {
      type: 'integer',
      minimum: 1,
      description: 'A nested Next.js layout (not the root one) counts as a shell when at least this many pages render inside it.',
      default: defaultOptions.layoutPages,
    },
    cheapLookups: {
      type: 'string',
      enum: ['ignore', 'warn'],
      description:
        'What to do with a fetch on every page whose server side is in the project and only reads bounded rows (one row by unique key, a small `take`): `ignore` it, or `warn`.',
      default: defaultOptions.cheapLookups,
    },
    extraHooks: {
      type: 'array',
      items: { type: 'string' },
      description: 'More hook names, from packages, that fetch when they mount (`useMeQuery`); an `enabled` option gates them as it does `useQuery`.',
      default: defaultOptions.extraHooks,
    },
    extraFetchers: {
      type: 'array',
      items: { type: 'string' },
      description: 'More callees that send a request, written as called (`request`, `api.get`), for effects that fetch through an HTTP client the rule does not know.',
      default: defaultOptions.extraFetchers,
    },
  },
  additionalProperties: false,
};
