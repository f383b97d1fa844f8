import { realpathSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { PremortemConfig } from './load-config.js';
import { PRODUCTION_SCOPE_DEFAULTS } from './production-scope.js';
import { toPosixRelative } from '../engine/project-root.js';

/**
 * The config's scope as one ordered glob list, gitignore-like (a later pattern wins, `!` brings
 * files back): the defaults unless `scope.defaults` is false, then `scope.exclude`, then
 * `scope.include` negated, so an include beats both.
 */
export function scopePatterns(config: PremortemConfig): string[] {
  const scope = config.scope ?? {};
  return [
    ...(scope.defaults === false ? [] : PRODUCTION_SCOPE_DEFAULTS),
    ...(scope.exclude ?? []),
    ...(scope.include ?? []).map((glob) => `!${glob}`),
  ];
}

/**
 * A test for the files rules report on: those the scope keeps and `ignore` does not name. Paths
 * are matched relative to `root` (the repository root); a file outside it by the path below the
 * folder the two share.
 */
export function inScopeFor(config: PremortemConfig, root: string): (fileName: string) => boolean {
  const rules = scopePatterns(config).map((pattern) => {
    const negated = pattern.startsWith('!');
    return { negated, matches: picomatch(negated ? pattern.slice(1) : pattern, { dot: true }) };
  });
  // `ignore` keeps its own meaning (picomatch's, for a list), and no `include` overrides it.
  const ignore = config.ignore ?? [];
  const ignored = ignore.length > 0 ? picomatch(ignore, { dot: true }) : () => false;
  const relativePath = relativeToRoot(root);
  return (fileName) => {
    const relative = relativePath(fileName);
    if (!relative.startsWith('../') && ignored(relative)) return false;
    const candidate = relative.replace(/^(\.\.\/)+/, '');
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i]!;
      if (rule.matches(candidate)) return rule.negated;
    }
    return true;
  };
}

/** Files arrive under their real paths, so they are made relative to the root's real path too. */
function relativeToRoot(root: string): (fileName: string) => string {
  const realRoot = realPath(root);
  return (fileName) => {
    const absolute = path.resolve(root, fileName);
    const relative = toPosixRelative(realRoot, absolute);
    return relative.startsWith('../') ? toPosixRelative(root, absolute) : relative;
  };
}

function realPath(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    // A root that cannot be resolved is matched as given; its files resolve the same way.
    return folder;
  }
}
