import { statSync } from 'node:fs';
import path from 'node:path';
import type { PackageManifest } from './workspace-manifest.js';

/** The package.json fields that name a package's files for module resolution. */
const ENTRY_FIELDS = ['exports', 'types', 'typings', 'main', 'module', 'typesVersions'];
const CODE_EXTENSION = /\.(?:d\.[cm]?ts|[cm]?[jt]sx?)$/;
/** Source files a build output may come from, in the order TypeScript prefers them. */
const SOURCE_FILES = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.tsx', '/index.js'];

/**
 * A workspace package's package.json as module resolution should see it before the package is
 * built: each entry point (`exports` with any conditions and subpath patterns, `types`, `main`,
 * `module`, `typesVersions`) that names a file which does not exist (`./dist/index.d.ts`) is
 * pointed at the source it is built from, when one exists: the same path below `src/` or below
 * the package, the build folder left out (`./dist/src/client.js` → `./src/client.ts`). Entry
 * points that exist are kept, so a built package resolves as it does with node_modules. A
 * package with no usable entry point gets `types` at its `src/index.ts`. TypeScript then applies
 * its own rules (conditions, patterns, extension substitution) to the result.
 */
export function toSourceEntryPoints(folder: string, manifest: PackageManifest): PackageManifest {
  const mapped: PackageManifest = { ...manifest };
  let changed = false;
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const source = toSourceTarget(folder, value);
      if (source !== undefined && source !== value) changed = true;
      return source ?? value;
    }
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, rewrite(inner)]));
    return value;
  };
  for (const field of ENTRY_FIELDS) if (field in manifest) mapped[field] = rewrite(manifest[field]);
  const hasEntry = ['exports', 'types', 'typings', 'main'].some((field) => field in mapped);
  if (!hasEntry || (!('exports' in mapped) && !['types', 'typings', 'main'].some((field) => isEntryFile(folder, mapped[field])))) {
    const index = ['src/index.ts', 'src/index.tsx', 'index.ts', 'index.tsx'].find((candidate) => isFile(path.join(folder, candidate)));
    if (index !== undefined) {
      mapped['types'] = `./${index}`;
      changed = true;
    }
  }
  return changed ? mapped : manifest;
}

/** A relative file target that does not exist, mapped to its source; undefined when it stands or none is found. */
function toSourceTarget(folder: string, target: string): string | undefined {
  const relative = path.posix.normalize(target.replace(/\\/g, '/'));
  if (relative.startsWith('../') || path.posix.isAbsolute(relative) || /^[a-z]+:/i.test(relative)) return undefined;
  const extension = CODE_EXTENSION.exec(relative)?.[0] ?? '';
  // Data files (`./package.json`, styles) are not built from sources.
  if (extension === '' && /\.[a-z]+$/i.test(relative)) return undefined;
  const segments = relative.slice(0, relative.length - extension.length).split('/');
  if (relative.includes('*')) {
    // A pattern cannot be checked file by file: it is mapped when the folder it names is missing.
    if (isFolder(path.join(folder, patternFolder(relative)))) return undefined;
    const candidate = sourceStems(segments).find((stem) => stem.includes('*') && isFolder(path.join(folder, patternFolder(stem))));
    // `.js`, so that TypeScript tries `.ts`, `.tsx` and `.d.ts` for each file the pattern matches.
    return candidate === undefined ? undefined : `./${candidate}${extension === '' ? '' : '.js'}`;
  }
  if (isFile(path.join(folder, relative))) return undefined;
  for (const candidate of sourceStems(segments)) {
    for (const suffix of SOURCE_FILES) {
      if (isFile(path.join(folder, candidate + suffix))) return `./${candidate}${suffix}`;
    }
  }
  return undefined;
}

/** The folder a subpath pattern's matches live in: `dist/*.js` → `dist`, `dist/x-*` → `dist`. */
function patternFolder(pattern: string): string {
  return path.posix.dirname(pattern.slice(0, pattern.indexOf('*')) + 'x');
}

/** `dist/src/client` → `src/dist/src/client`, `src/src/client`, `src/client`, `client`, `dist/src/client`: where its source may be. */
function sourceStems(segments: readonly string[]): string[] {
  const stems: string[] = [`src/${segments.join('/')}`];
  for (let dropped = 1; dropped < segments.length; dropped++) {
    const rest = segments.slice(dropped).join('/');
    stems.push(`src/${rest}`, rest);
  }
  // The target's own path with a source extension: `./index.d.ts` built from `./index.ts`.
  stems.push(segments.join('/'));
  return [...new Set(stems)];
}

function isEntryFile(folder: string, value: unknown): boolean {
  return typeof value === 'string' && isFile(path.join(folder, value));
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function isFolder(folder: string): boolean {
  try {
    return statSync(folder).isDirectory();
  } catch {
    return false;
  }
}
