import { describe, expect, it } from 'vitest';
import { createProgress } from '../../packages/cli/src/progress.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, write: (chunk: string) => chunks.push(chunk) };
}

describe('progress on stderr', () => {
  it('draws a counter on a terminal and erases it at the end', () => {
    const out = stream(true);
    const progress = createProgress(out);
    progress.update(1, 3);
    progress.update(3, 3);
    progress.clear();
    expect(out.chunks[0]).toContain('analyzed 1/3 files');
    expect(out.chunks.at(-2)).toContain('analyzed 3/3 files');
    expect(out.chunks.at(-1)).toBe('\r\u001b[2K');
  });

  it('writes nothing when stderr is not a terminal', () => {
    const out = stream(false);
    const progress = createProgress(out);
    progress.update(1, 3);
    progress.clear();
    expect(out.chunks).toEqual([]);
  });
});
