import path from 'node:path';
import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';
import { toPosixRelative } from './project-root.js';
import { isInsideFolder } from './canonical-paths.js';
import { readsConfined } from './read-boundary.js';

const SHOWN = 3;

/** 18003 "No inputs were found": normal for solution-style configs, and said better by the refusal note. */
const NO_INPUTS = 18003;

/**
 * What went wrong while reading tsconfigs, as notes said once each. A problem in a file that
 * tsconfigs `extend` is told once for that file, naming who extends it, however many of a
 * monorepo's tsconfigs extend it and however many errors its parse gave (a JavaScript file named
 * in `extends` gave one identical note per error per tsconfig, 142 of them).
 */
export class ConfigProblems {
  readonly #own = new Set<string>();
  readonly #extended = new Map<string, { extenders: Set<string>; syntax: string | undefined; messages: Set<string> }>();
  readonly #refused = new Map<string, Set<string>>();

  constructor(
    private readonly tsm: TypeScriptModule,
    private readonly cwd: string,
  ) {}

  /** The errors `parseJsonConfigFileContent` gave for `configPath`. */
  addDiagnostics(configPath: string, diagnostics: readonly ts.Diagnostic[]): void {
    for (const diagnostic of diagnostics) {
      if (diagnostic.code === NO_INPUTS) continue;
      const text = this.tsm.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      const where = diagnostic.file?.fileName;
      if (where === undefined || path.resolve(where) === configPath) {
        this.#own.add(`${this.#relative(configPath)}: ${text}`);
        continue;
      }
      const file = path.resolve(where);
      const entry = this.#extended.get(file) ?? { extenders: new Set<string>(), syntax: undefined, messages: new Set<string>() };
      this.#extended.set(file, entry);
      entry.extenders.add(configPath);
      // 1xxx codes are the JSON parser's: the file is not JSON at all, and TypeScript ignored it whole.
      if (diagnostic.code >= 1000 && diagnostic.code < 2000) {
        if (entry.syntax === undefined && diagnostic.file && diagnostic.start !== undefined) {
          const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
          entry.syntax = `${text.replace(/\.$/, '')} at line ${line + 1}, column ${character + 1}`;
        }
      } else {
        entry.messages.add(text);
      }
    }
  }

  /** Something to say about `configPath` itself. */
  addNote(configPath: string, text: string): void {
    this.#own.add(`${this.#relative(configPath)}: ${text}`);
  }

  /** An `include` of `configPath` reached `folder`, outside the listing boundary. */
  addRefusedListing(configPath: string, folder: string): void {
    const folders = this.#refused.get(configPath) ?? new Set<string>();
    this.#refused.set(configPath, folders.add(folder));
  }

  notes(): string[] {
    const notes = [...this.#own];
    for (const [file, { extenders, syntax, messages }] of this.#extended) {
      const who = `${this.#relative(file)} (the "extends" of ${this.#list([...extenders].sort())})`;
      if (syntax !== undefined) {
        notes.push(`${who} is not a JSON tsconfig (${syntax}), so its settings were ignored. Point "extends" at a .json tsconfig: premortem, like tsc, reads it as JSON and never runs it.`);
      }
      for (const message of messages) notes.push(`${who}: ${message}`);
    }
    const hint = readsConfined() ? '' : ' To analyze files there, pass their folder to premortem as a path.';
    for (const [configPath, folders] of this.#refused) {
      const reached = [...folders].sort();
      notes.push(
        `${this.#relative(configPath)}: "include" reaches ${this.#list(reached)}, outside the repository, which ${reached.length === 1 ? 'was' : 'were'} not listed.${hint}`,
      );
    }
    return notes;
  }

  #relative(file: string): string {
    return toPosixRelative(this.cwd, file) || path.basename(file);
  }

  #list(files: readonly string[]): string {
    // Inside the working folder relative, as every path on stderr; outside it absolute (`/proc`, not `../../../proc`).
    const names = files.map((file) => (isInsideFolder(file, this.cwd) ? this.#relative(file) : file));
    if (names.length === 1) return names[0]!;
    if (names.length <= SHOWN) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    return `${names.slice(0, SHOWN).join(', ')} and ${names.length - SHOWN} more`;
  }
}
