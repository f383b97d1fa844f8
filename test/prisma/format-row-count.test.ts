import { describe, expect, it } from 'vitest';
import { formatRowCount } from '@premortem/core';

// Messages said "about 1 rows": estimates are rounded first, then given the word that fits.
describe('formatRowCount', () => {
  it('says one row in the singular and every other count in the plural, rounded and grouped', () => {
    expect(formatRowCount(1)).toBe('1 row');
    expect(formatRowCount(1.2)).toBe('1 row');
    expect(formatRowCount(0)).toBe('0 rows');
    expect(formatRowCount(1.6)).toBe('2 rows');
    expect(formatRowCount(12_345.4)).toBe('12,345 rows');
  });
});
