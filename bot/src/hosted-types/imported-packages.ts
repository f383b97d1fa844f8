import { builtinModules } from 'node:module';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { isPackageName } from './locked-package.js';
import { readCapped } from './read-lockfiles.js';

const SOURCE_FILE = /\.(?:[cm]?[jt]sx?)$/i;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);
const BUILTINS = new Set(builtinModules);

export interface ScanLimits {
  maxFiles: number;
  maxFileBytes: number;
}

/** Package names a folder's files import, keyed by the folder (relative to the root, '' for the root), since that is where resolution starts. */
export type ImportsByFolder = Map<string, Set<string>>;

/**
 * The packages the source files under `root` import, read with TypeScript's own pre-processor
 * (imports, exports, `require`, `import()`, `import x = require()`, `/// <reference types>`), never
 * run. Files past the limits are not read; what they import is simply not asked for.
 */
export async function importedPackages(root: string, limits: ScanLimits): Promise<ImportsByFolder> {
  const byFolder: ImportsByFolder = new Map();
  let files = 0;
  const pending = [''];
  while (pending.length > 0 && files < limits.maxFiles) {
    const folder = pending.pop()!;
    const entries = await readdir(path.join(root, folder), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const relative = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) pending.push(relative);
      if (!entry.isFile() || !SOURCE_FILE.test(entry.name) || ++files > limits.maxFiles) continue;
      const text = await readCapped(path.join(root, relative), limits.maxFileBytes).catch(() => undefined);
      if (text === undefined) continue;
      const names = packagesImportedBy(text);
      // JSX compiles to imports of `react/jsx-runtime` (TypeScript's default jsxImportSource) that no line of the file shows.
      if (/x$/i.test(entry.name)) names.push('react');
      if (names.length === 0) continue;
      const into = byFolder.get(folder) ?? byFolder.set(folder, new Set()).get(folder)!;
      for (const name of names) into.add(name);
    }
  }
  return byFolder;
}

/** The package names one file's text imports, `@types/<name>` for its `/// <reference types>`; builtins and relative paths left out. */
export function packagesImportedBy(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  const names = new Set<string>();
  for (const imported of info.importedFiles) {
    const name = packageOf(imported.fileName);
    if (name) names.add(name);
  }
  for (const reference of info.typeReferenceDirectives) {
    const name = packageOf(reference.fileName);
    if (name) names.add(name.startsWith('@types/') ? name : typesPackageOf(name));
  }
  return [...names];
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; undefined for relative, absolute, builtin, `#imports` and URL specifiers. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier)) return undefined;
  const segments = specifier.split('/');
  const name = specifier.startsWith('@') ? segments.slice(0, 2).join('/') : segments[0]!;
  if (BUILTINS.has(name) || !isPackageName(name)) return undefined;
  return name;
}

/** The package `@types/name` (`@types/scope__name`) types: `name` (`@scope/name`). */
export function untypedName(typesName: string): string {
  const bare = typesName.slice('@types/'.length);
  return bare.includes('__') ? `@${bare.replace('__', '/')}` : bare;
}

/** Where DefinitelyTyped keeps a package's types: `@types/name`, `@types/scope__name`. */
export function typesPackageOf(name: string): string {
  return `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
}
