import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';

const bin = path.join(repoRoot, 'packages/cli/bin/premortem.js');

/** Runs the CLI with a reader that has already gone, as `| head -1` is once it has its line. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.destroy();
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that closes the pipe early', () => {
  it('stops the CLI quietly with the SIGPIPE status, not with a crash', async () => {
    const { code, stderr } = await runWithClosedStdout(['check', 'fixtures/calendar-app', '--preset', 'strict']);
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error' event|internal error/);
    expect(code).toBe(141);
  });
});
