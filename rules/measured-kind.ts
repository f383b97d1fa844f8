import type { PrecisionClass } from '@premortem/core';

/** One kind of finding as the labels measured it: rules/measured-precision.ts holds one per kind. */
export interface MeasuredKind {
  tp: number;
  fp: number;
  debatable: number;
  class: PrecisionClass;
}
