import type { OptionsSchema } from '@premortem/core';

export interface Options {
  checkWrites: boolean;
  allowFixedArrays: boolean;
}

export const defaultOptions: Options = {
  checkWrites: true,
  allowFixedArrays: true,
};

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    checkWrites: {
      type: 'boolean',
      description: 'Also report writes (`create`, `update`, `delete`…) made once per element; `createMany`/`updateMany` or one `$transaction` usually replace them.',
      default: defaultOptions.checkWrites,
    },
    allowFixedArrays: {
      type: 'boolean',
      description: 'Accept loops over constants written in the code: an array literal or `const` array (`for (const s of ["a", "b"])`), the values of an enum or of a `const` object (`Object.values(Role)`). Their length does not grow with the data.',
      default: defaultOptions.allowFixedArrays,
    },
  },
  additionalProperties: false,
};
