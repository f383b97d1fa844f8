import type { OptionsSchema } from '@premortem/core';

export interface Options {
  maxRetries: number;
  requireJitter: boolean;
  checkAmplification: boolean;
}

export const defaultOptions: Options = {
  maxRetries: 10,
  requireJitter: true,
  checkAmplification: true,
};

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    maxRetries: {
      type: 'integer',
      minimum: 0,
      description:
        'Retries (attempts after the first) above which a bounded retry is still reported. Guidance is about 3 per layer; the default leaves room for the common libraries\' own default of 10.',
      default: defaultOptions.maxRetries,
    },
    requireJitter: {
      type: 'boolean',
      description: 'Report hand-written backoff without randomness (as a warning): clients that fail together retry together.',
      default: defaultOptions.requireJitter,
    },
    checkAmplification: {
      type: 'boolean',
      description: 'Report a retrying function (or a Google API call, which retries by itself) called inside another retry, with the multiplied attempts.',
      default: defaultOptions.checkAmplification,
    },
  },
  additionalProperties: false,
};
