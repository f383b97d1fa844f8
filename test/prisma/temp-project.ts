import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A real folder under the system temp dir holding `files` (path → text); removed after the file's tests. */
export function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'premortem-prisma-'));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Paths relative to `dir`, with `/`, for readable assertions. */
export function relativeTo(dir: string, files: readonly string[] | undefined): string[] | undefined {
  return files?.map((file) => path.relative(dir, file).split(path.sep).join('/'));
}

export const tinySchema = (model = 'A') => `model ${model} {\n  id Int @id\n}\n`;
