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
      description: 'HTTP methods that always need a rate limit: the ones that change data.',
      default: defaultOptions.methods,
    },
    checkPublicReads: {
      type: 'boolean',
      description: 'Also require a limit on `GET` handlers that read the database without any authentication call (public endpoints, like an embed).',
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
