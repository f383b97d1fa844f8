import { existsSync } from 'node:fs';
import path from 'node:path';
import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';
import { isInsideFolder } from './canonical-paths.js';
import { mayRead } from './read-boundary.js';
import type { Workspace, WorkspacePackage } from './workspace-packages.js';

/** The calls TypeScript's module and `extends` resolution make of a host. */
export interface ResolutionHost {
  fileExists(file: string): boolean;
  readFile(file: string): string | undefined;
  directoryExists?(folder: string): boolean;
  realpath?(file: string): string;
}

const NODE_MODULES = '/node_modules/';

/**
 * A host on which the workspace's packages are linked into node_modules, as `npm install` or
 * `pnpm install` would link them: `<folder>/node_modules/@acme/db/…` is `packages/db/…`. The
 * link's real path is the package's folder, so TypeScript names every file by where it is. A
 * linked package's package.json is served with its missing build outputs pointed at their
 * sources (see toSourceEntryPoints). Nothing is linked outside the workspace's root.
 *
 * `whereAbsent`: link a package only where node_modules does not hold it already, so that an
 * installed repository resolves exactly as it does without premortem.
 */
export function linkWorkspacePackages<H extends ResolutionHost>(
  host: H,
  workspace: Workspace,
  { whereAbsent }: { whereAbsent: boolean },
): H & Required<Pick<ResolutionHost, 'directoryExists' | 'realpath'>> {
  const rootNodeModules = path.join(workspace.root, 'node_modules');
  const installed = new Map<string, boolean>();
  const isInstalled = (entry: string): boolean => {
    let known = installed.get(entry);
    if (known === undefined) installed.set(entry, (known = mayRead(entry) && existsSync(entry)));
    return known;
  };
  const linked = (file: string): { pkg: WorkspacePackage; file: string } | undefined => {
    const normalized = file.replace(/\\/g, '/');
    const at = normalized.lastIndexOf(NODE_MODULES);
    if (at < 0) return undefined;
    const parts = normalized.slice(at + NODE_MODULES.length).split('/');
    const nameLength = parts[0]?.startsWith('@') ? 2 : 1;
    const pkg = workspace.packages.get(parts.slice(0, nameLength).join('/'));
    if (!pkg || !isInsideFolder(path.resolve(normalized.slice(0, at)), workspace.root)) return undefined;
    if (whereAbsent && isInstalled(normalized.slice(0, at + NODE_MODULES.length) + parts.slice(0, nameLength).join('/'))) return undefined;
    return { pkg, file: path.join(pkg.folder, ...parts.slice(nameLength)) };
  };
  // The host's other members (readDirectory, getCurrentDirectory…) are inherited as they are.
  const wrapped = Object.create(host) as H & Required<Pick<ResolutionHost, 'directoryExists' | 'realpath'>>;
  wrapped.fileExists = (file) => {
    const link = linked(file);
    return link ? host.fileExists(link.file) : host.fileExists(file);
  };
  wrapped.readFile = (file) => {
    const link = linked(file);
    if (!link) return host.readFile(file);
    if (link.file === path.join(link.pkg.folder, 'package.json')) return workspace.sourceManifestText(link.pkg);
    return host.readFile(link.file);
  };
  wrapped.directoryExists = (folder) => {
    if (path.resolve(folder) === rootNodeModules) return true;
    const link = linked(folder);
    const real = link ? link.file : folder;
    return host.directoryExists ? host.directoryExists(real) : mayRead(real) && existsSync(real);
  };
  wrapped.realpath = (file) => {
    const link = linked(file);
    if (link) return link.file;
    return host.realpath ? host.realpath(file) : file;
  };
  return wrapped;
}

/**
 * Lets the Program resolve imports of workspace packages (`@acme/db`, `@acme/db/client`) that
 * TypeScript's own resolution leaves unresolved, as in a repository without node_modules (the
 * review bot's snapshot, CI before install or build): each such import is resolved again on a
 * host where the packages are linked (see linkWorkspacePackages). What TypeScript resolves itself
 * is kept as it is, so a typed run with node_modules is unchanged.
 */
export function resolveUnresolvedWorkspaceImports(tsm: TypeScriptModule, host: ts.CompilerHost, options: ts.CompilerOptions, workspace: Workspace | undefined): void {
  if (!workspace || workspace.packages.size === 0) return;
  const getCanonicalFileName = (file: string): string => host.getCanonicalFileName(file);
  const cache = tsm.createModuleResolutionCache(host.getCurrentDirectory(), getCanonicalFileName, options);
  const linkedCache = tsm.createModuleResolutionCache(host.getCurrentDirectory(), getCanonicalFileName, options);
  const linkedHost = linkWorkspacePackages(host, workspace, { whereAbsent: false });
  host.getModuleResolutionCache = () => cache;
  host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, compilerOptions, containingSourceFile) => {
    const modeOptions = redirectedReference?.commandLine.options ?? compilerOptions;
    const resolved = new Map<string, ts.ResolvedModuleWithFailedLookupLocations>();
    return literals.map((literal) => {
      const mode = tsm.getModeForUsageLocation(containingSourceFile, literal, modeOptions);
      const key = `${mode ?? ''}|${literal.text}`;
      let resolution = resolved.get(key);
      if (!resolution) {
        resolution = tsm.resolveModuleName(literal.text, containingFile, compilerOptions, host, cache, redirectedReference, mode);
        if (!resolution.resolvedModule && workspace.packageOf(literal.text)) {
          const linked = tsm.resolveModuleName(literal.text, containingFile, compilerOptions, linkedHost, linkedCache, redirectedReference, mode).resolvedModule;
          if (linked) resolution = { resolvedModule: asWorkspaceSource(linked, linkedHost.realpath(linked.resolvedFileName)) };
        }
        resolved.set(key, resolution);
      }
      return resolution;
    });
  };
}

/**
 * A workspace package's file is the repository's own source, as with a project reference: not an
 * external library (whose files TypeScript would treat as someone else's), named by its real path
 * (also under `preserveSymlinks`), and with no package id, which TypeScript uses to fold two copies
 * of one npm package into one.
 */
function asWorkspaceSource(resolved: ts.ResolvedModuleFull, realFileName: string): ts.ResolvedModuleFull {
  return {
    resolvedFileName: realFileName,
    extension: resolved.extension,
    isExternalLibraryImport: false,
    ...(resolved.resolvedUsingTsExtension === undefined ? {} : { resolvedUsingTsExtension: resolved.resolvedUsingTsExtension }),
  };
}
