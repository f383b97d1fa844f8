import path from 'node:path';
import type { ProgramQueries } from '../compiler-surface.js';

/** The folder a Program belongs to: its tsconfig's, or the folder it was created in. */
export function getProgramRoot(program: ProgramQueries): string {
  const configFile = program.getCompilerOptions().configFilePath;
  return typeof configFile === 'string' ? path.dirname(configFile) : program.getCurrentDirectory();
}

/**
 * A file's path segments below the Program's folder, so that folders above the project (a home
 * folder called `app`) never look like Next.js's `app/`.
 */
export function projectPathSegments(program: ProgramQueries, fileName: string): string[] {
  const relative = path.relative(getProgramRoot(program), fileName).split(path.sep).join('/');
  return (relative.startsWith('../') ? fileName : relative).split('/').filter(Boolean);
}
