import { createHash } from 'node:crypto';

export interface FingerprintInput {
  ruleId: string;
  /** Path relative to the project root, with forward slashes. */
  file: string;
  /** Where the finding sits, e.g. `BookingService.cancel` (see getEnclosingSymbolPath). */
  symbolPath: string;
  /** The reported code; whitespace is folded so reformatting does not change the fingerprint. */
  snippet: string;
}

/**
 * Stable across unrelated edits: built from the rule, the file, the enclosing declaration and
 * the reported code, never from line numbers. Identical findings in one symbol are told apart
 * by their order (`occurrence`).
 */
export function computeFingerprint(input: FingerprintInput, occurrence: number): string {
  const normalized = input.snippet.replace(/\s+/g, ' ').trim();
  return createHash('sha256')
    .update([input.ruleId, input.file, input.symbolPath, normalized, String(occurrence)].join('\0'))
    .digest('hex')
    .slice(0, 32);
}

/** Numbers repeated inputs in order, so each gets its own fingerprint. */
export class FingerprintCounter {
  private readonly seen = new Map<string, number>();

  next(input: FingerprintInput): string {
    const key = [input.ruleId, input.file, input.symbolPath, input.snippet.replace(/\s+/g, ' ').trim()].join('\0');
    const occurrence = this.seen.get(key) ?? 0;
    this.seen.set(key, occurrence + 1);
    return computeFingerprint(input, occurrence);
  }
}
