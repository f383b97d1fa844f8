import { describe, expect, it } from 'vitest';
import { main } from '../../packages/cli/src/cli.js';
import { createProgress } from '../../packages/cli/src/progress.js';
import { createProject } from '../support/cli.js';

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

  it('says which Program is being built before any file is analyzed, in process and isolated', async () => {
    const dir = createProject({
      'apps/api/tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, types: [] } }),
      'apps/api/server.ts': 'export const port = 3000;\n',
      'apps/web/tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, types: [] } }),
      'apps/web/page.ts': 'export const title = "home";\n',
    });
    for (const isolate of [false, true]) {
      const stderr = stream(true);
      const code = await main(['check', '.'], { cwd: dir, stdout: stream(false), stderr, isolate });
      expect(code).toBe(0);
      const lines = stderr.chunks.map((chunk) => chunk.replace('\r\u001b[2K', '')).filter(Boolean);
      // The first line, before any file is done; then the second Program once the first one's file is.
      expect(lines[0]).toMatch(/^premortem: building the TypeScript program for apps\/(api|web)\/tsconfig\.json \(1 of 2\)… \(0\/2 files analyzed\)$/);
      expect(lines.filter((line) => line.includes('(2 of 2)'))).toEqual([expect.stringMatching(/^premortem: building the TypeScript program for apps\/(api|web)\/tsconfig\.json \(2 of 2\)… \(1\/2 files analyzed\)$/)]);
      expect(lines.at(-1)).toBe('premortem: analyzed 2/2 files');
    }
  });

  it('writes nothing when stderr is not a terminal', () => {
    const out = stream(false);
    const progress = createProgress(out);
    progress.update(1, 3);
    progress.clear();
    expect(out.chunks).toEqual([]);
  });
});
