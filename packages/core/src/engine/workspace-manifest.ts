import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { mayRead } from './read-boundary.js';

/** A package.json or pnpm-workspace.yaml is a few kilobytes; past this it is not one anyone wrote. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** A package.json, as data: only the fields module resolution and the workspace graph read. */
export type PackageManifest = Record<string, unknown>;

/** A file read as data: its value, or why it could not be (absent files are `undefined`). */
export type ManifestRead<T> = { value: T } | { problem: string } | undefined;

/** A regular file's text, size-limited and inside the read boundary; never followed into a FIFO. */
function readSmallFile(file: string): ManifestRead<string> {
  if (!mayRead(file)) return undefined;
  let size: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) return undefined;
    size = stats.size;
  } catch {
    return undefined;
  }
  if (size > MAX_MANIFEST_BYTES) return { problem: `is ${(size / 1024 / 1024).toFixed(1)} MB, over the 1 MB limit, and was not read` };
  try {
    return { value: readFileSync(file, 'utf8') };
  } catch (error) {
    return { problem: `could not be read (${firstLine(error)})` };
  }
}

/** `folder/package.json` parsed as JSON (never run), or why it could not be. */
export function readPackageManifest(folder: string): ManifestRead<PackageManifest> {
  const read = readSmallFile(path.join(folder, 'package.json'));
  if (!read || 'problem' in read) return read;
  try {
    const value: unknown = JSON.parse(read.value);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { value: value as PackageManifest };
    return { problem: 'is not a JSON object' };
  } catch (error) {
    return { problem: `is not valid JSON (${firstLine(error)})` };
  }
}

/**
 * The workspace globs a folder declares: `pnpm-workspace.yaml` `packages:` first (pnpm ignores
 * package.json `workspaces`), else package.json `workspaces` (npm and yarn: an array, or yarn's
 * `{ packages: [...] }`). `undefined` when the folder declares none.
 */
export function readWorkspacePatterns(folder: string): ManifestRead<string[]> {
  const yamlFile = readSmallFile(path.join(folder, 'pnpm-workspace.yaml'));
  if (yamlFile) {
    if ('problem' in yamlFile) return { problem: `pnpm-workspace.yaml ${yamlFile.problem}` };
    let parsed: unknown;
    try {
      // Aliases are capped (the library's default is 100): a YAML alias bomb cannot balloon.
      parsed = parseYaml(yamlFile.value, { maxAliasCount: 100 });
    } catch (error) {
      return { problem: `pnpm-workspace.yaml is not valid YAML (${firstLine(error)})` };
    }
    const packages = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>)['packages'] : undefined;
    // pnpm with no `packages:` takes every folder with a package.json.
    if (packages === undefined || packages === null) return { value: ['**'] };
    return asPatterns(packages, 'pnpm-workspace.yaml `packages`');
  }
  const manifest = readPackageManifest(folder);
  if (!manifest || 'problem' in manifest) return manifest && { problem: `package.json ${manifest.problem}` };
  const workspaces = manifest.value['workspaces'];
  if (workspaces === undefined) return undefined;
  const list = Array.isArray(workspaces) ? workspaces : typeof workspaces === 'object' && workspaces !== null ? (workspaces as Record<string, unknown>)['packages'] : workspaces;
  return asPatterns(list, 'package.json `workspaces`');
}

function asPatterns(value: unknown, what: string): ManifestRead<string[]> {
  if (!Array.isArray(value)) return { problem: `${what} is not a list of globs and was ignored` };
  return { value: value.filter((pattern): pattern is string => typeof pattern === 'string' && pattern.trim() !== '').map((pattern) => pattern.trim()) };
}

/** Whether `folder` declares a workspace: a `pnpm-workspace.yaml`, or a package.json with `workspaces`. */
export function declaresWorkspaces(folder: string): boolean {
  if (!mayRead(folder)) return false;
  try {
    if (statSync(path.join(folder, 'pnpm-workspace.yaml')).isFile()) return true;
  } catch {
    // No pnpm workspace here; a package.json may still declare one.
  }
  const read = readSmallFile(path.join(folder, 'package.json'));
  // The cheap test first: most package.json files never mention workspaces.
  if (!read || 'problem' in read || !read.value.includes('"workspaces"')) return false;
  try {
    const value: unknown = JSON.parse(read.value);
    return typeof value === 'object' && value !== null && 'workspaces' in value;
  } catch {
    return false;
  }
}

/** A parser's message on one line of a note: the YAML parser's goes on to quote the file. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n', 1)[0] ?? message).trim();
}
