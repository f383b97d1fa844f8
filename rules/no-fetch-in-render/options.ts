import type { OptionsSchema } from '@premortem/core';

export interface Options {
  extraFetchers: string[];
}

export const defaultOptions: Options = {
  extraFetchers: [],
};

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    extraFetchers: {
      type: 'array',
      items: { type: 'string' },
      description:
        'More callees that send a request, written as called (`request`, `api.get`, `client.send`), for HTTP clients the rule does not know. Project functions that call a known client are followed without this.',
      default: defaultOptions.extraFetchers,
    },
  },
  additionalProperties: false,
};
