import { createRequire } from 'node:module';

const localRequire = createRequire(import.meta.url);
let requireBesideIt: NodeJS.Require | undefined;

/**
 * A package of typescript-eslint's (its parser, utils, typescript-estree) as the user's
 * `typescript-eslint` loads it. Depending on them ourselves would let a package manager install a
 * second, newer copy beside an older `typescript-eslint`: two parsers, two Programs per file.
 */
export function fromTypescriptEslint<T>(id: string): T {
  return besideTypescriptEslint()(id) as T;
}

/** Where `fromTypescriptEslint(id)` loads `id` from. */
export function resolveFromTypescriptEslint(id: string): string {
  return besideTypescriptEslint().resolve(id);
}

function besideTypescriptEslint(): NodeJS.Require {
  if (!requireBesideIt) {
    let entry: string;
    try {
      entry = localRequire.resolve('typescript-eslint');
    } catch {
      throw new Error('@premortem/eslint-plugin needs typescript-eslint 8 installed beside it: npm install --save-dev typescript-eslint');
    }
    requireBesideIt = createRequire(entry);
  }
  return requireBesideIt;
}
