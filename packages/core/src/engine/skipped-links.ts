import { readlinkSync } from 'node:fs';
import { toPosixRelative } from './project-root.js';

const SHOWN = 5;

/**
 * Symbolic links left unfollowed because they lead outside the folders being analyzed (or, for
 * a tsconfig's `include`, outside the repository). Both the source search and TypeScript's
 * `include` expansion meet the same links; each is told once, in one note.
 */
export class SkippedLinks {
  readonly #links = new Set<string>();

  add(link: string): void {
    this.#links.add(link);
  }

  /** One note naming the links (the first few, then a count), or undefined when none was skipped. */
  note(cwd: string): string | undefined {
    const links = [...this.#links].sort();
    if (links.length === 0) return undefined;
    const named = links.slice(0, SHOWN).map((link) => `${toPosixRelative(cwd, link)} → ${linkTarget(link)}`);
    if (links.length === 1) {
      return `The symbolic link ${named[0]} leads outside the analyzed folders and was not followed. To analyze what it points to, pass that path to premortem too.`;
    }
    const more = links.length > SHOWN ? ` and ${links.length - SHOWN} more` : '';
    return `${links.length} symbolic links lead outside the analyzed folders and were not followed: ${named.join(', ')}${more}. To analyze what they point to, pass those paths to premortem too.`;
  }
}

function linkTarget(link: string): string {
  try {
    return readlinkSync(link);
  } catch {
    return '?';
  }
}
