import type { OptionsSchema } from '@premortem/core';

export interface Options {
  methods: string[];
  checkPublicReads: boolean;
  limiters: string[];
  authFunctions: string[];
}

export const defaultOptions: Options = {
  methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  checkPublicReads: true,
  limiters: [],
  authFunctions: [],
};

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    methods: {
      type: 'array',
      items: { type: 'string', enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] },
      description: 'HTTP methods that change data: a signed-in caller\'s handler for one of them is reported when it changes many rows (`unlimitedBulkChange`) or, in `strict`, anything at all (`unlimitedWrite`).',
      default: defaultOptions.methods,
    },
    checkPublicReads: {
      type: 'boolean',
      description: 'Also report public handlers for other methods (`GET`, like the embed of the incident) that reach the database, a paid API or a queue; public writes are reported either way.',
      default: defaultOptions.checkPublicReads,
    },
    limiters: {
      type: 'array',
      items: { type: 'string' },
      description:
        'More callees that apply a rate limit, written as called (`guard`, `quota.take`), besides names containing "rateLimit"/"throttle" and the limiter packages the rule knows.',
      default: defaultOptions.limiters,
    },
    authFunctions: {
      type: 'array',
      items: { type: 'string' },
      description: 'More callees that authenticate the caller (`whoami`), besides names containing "auth", "session", "token", "jwt", "currentUser"…',
      default: defaultOptions.authFunctions,
    },
  },
  additionalProperties: false,
};
