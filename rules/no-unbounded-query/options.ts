import type { OptionsSchema } from '@premortem/core';

export interface Options {
  smallModels: string[];
  smallTableRows: number;
  warningBelowRows: number;
  suggestedTake: number;
}

export const defaultOptions: Options = {
  smallModels: [],
  smallTableRows: 1000,
  warningBelowRows: 10_000,
  suggestedTake: 100,
};

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    smallModels: {
      type: 'array',
      items: { type: 'string' },
      description: 'Models that stay small whatever the number of customers (lookup tables, settings); reading them whole is fine.',
      default: defaultOptions.smallModels,
    },
    smallTableRows: {
      type: 'integer',
      minimum: 0,
      description:
        'A model whose measured (`premortem stats`) or configured row count is below this is treated as small. Default sizes never make a model small.',
      default: defaultOptions.smallTableRows,
    },
    warningBelowRows: {
      type: 'integer',
      minimum: 0,
      description: 'In the CLI, a finding whose estimate is below this many rows is a warning rather than an error.',
      default: defaultOptions.warningBelowRows,
    },
    suggestedTake: {
      type: 'integer',
      minimum: 1,
      description: 'The page size the "add take" suggestion inserts.',
      default: defaultOptions.suggestedTake,
    },
  },
  additionalProperties: false,
};
