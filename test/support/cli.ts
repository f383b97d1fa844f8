import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { findingKinds, type JsonReport } from '@premortem/core';
import { rules } from '@premortem/rules';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repoRoot, 'packages/cli/bin/premortem.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns the built `premortem` binary, as a user's shell would (as another user with `as`, when the tests run as root). */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}, as?: { uid: number; gid: number }): CliResult {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
    ...as,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Writes a throwaway project outside this repository. Its node_modules holds @types/node (linked
 * from ours: tests make no network calls), so it type-checks like a real Node project. Unless the
 * files hold their own `.github/premortem.yml`, or `everyRule` is false, its config turns every
 * rule on: every kind of finding, with default options. These tests are about what the detectors
 * and fronts do, not about which kinds are measured precise enough for `recommended`.
 */
export function createProject(files: Record<string, string>, { withNodeTypes = true, everyRule = true } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'premortem-project-'));
  created.push(dir);
  const config: Record<string, string> = everyRule && !('.github/premortem.yml' in files) ? { '.github/premortem.yml': EVERY_RULE_CONFIG } : {};
  for (const [name, content] of Object.entries({ ...config, ...files })) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  if (withNodeTypes) {
    mkdirSync(path.join(dir, 'node_modules/@types'), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules/@types/node'), path.join(dir, 'node_modules/@types/node'), 'dir');
  }
  return dir;
}

/** Every rule with its default options and every kind of finding, whatever `recommended` measures. */
const EVERY_RULE_CONFIG = `rules:\n${rules
  .map((rule) => `  ${rule.name}:\n    severity: ${rule.meta.severity === 'error' ? 'error' : 'warn'}\n    options: { kinds: [${findingKinds(rule.meta).join(', ')}] }\n`)
  .join('')}`;

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** Lines carrying `// expect: <rule>` markers, as `file:line`. */
export function expectedMarkers(files: Record<string, string>, marker: string): string[] {
  return Object.entries(files).flatMap(([name, content]) =>
    content.split('\n').flatMap((line, index) => (line.includes(marker) ? [`${name}:${index + 1}`] : [])),
  );
}

export const strictTsconfig = JSON.stringify({
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: true,
    types: ['node'],
  },
  include: ['src'],
});

/** Parses `--format json` output; the contract's shape is the type. */
export function parseReport(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport;
}

/** Like runCli, but leaves the event loop free: for tests that serve something (a database) in-process. */
export function runCliAsync(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
