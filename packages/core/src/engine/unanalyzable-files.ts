import path from 'node:path';
import type ts from 'typescript';
import { measureNesting } from '../ast/nesting-depth.js';
import type { TypeScriptModule } from '../rule.js';

/**
 * Deeper than this (in `measureNesting`'s levels), a file is left out of its Program. TypeScript's
 * parser, binder and checker recurse once per level. Measured in fresh processes (code not yet
 * optimized, so stack frames at their largest; every shape is in docs/benchmarks.md#deep-files):
 * the binder, which binds the whole Program at once, first overflowed at 836 levels (an
 * `a || b || …` chain, which the parser reads in a loop), the checker at 416 (`f(f(f(…)))`, when
 * a rule asks its type). The parser overflows too (at 540 levels on nested type arguments), but
 * that throws out of the parse, which is caught below. Real code nests a few dozen levels (27 at
 * most in the 4,000-file benchmark project); past 300 it is generated or hostile.
 */
export const MAX_NESTING_DEPTH = 300;

/** Why no rule checked a file, for its `premortem/analysis-error` finding. */
export interface AnalysisFailure {
  /** Stable across edits of the file: it goes into the finding's fingerprint. */
  reason: 'too-deep' | 'parser-failed' | 'out-of-stack';
  /** One sentence: what happened. */
  message: string;
  /** 1-based, in the file as written. */
  line: number;
  column: number;
}

/** Keyed by the empty file that stands in for the original in the Program (and in later ones). */
const unanalyzable = new WeakMap<ts.SourceFile, AnalysisFailure>();

/** Why `sourceFile` is an empty stand-in for a file premortem could not analyze, if it is one. */
export function getUnanalyzableFile(sourceFile: ts.SourceFile): AnalysisFailure | undefined {
  return unanalyzable.get(sourceFile);
}

/**
 * Wraps the host's `getSourceFile` so that a file TypeScript's parser throws on, or that nests
 * deeper than `MAX_NESTING_DEPTH`, enters the Program as an empty file: binding the Program
 * (which recurses through every file) would otherwise overflow the stack and lose every file's
 * findings. The empty file remembers why (`getUnanalyzableFile`). The depth is measured once per
 * parse, on an explicit stack.
 */
export function guardSourceFiles(tsm: TypeScriptModule, host: ts.CompilerHost, options: ts.CompilerOptions): void {
  const parse = host.getSourceFile.bind(host);
  // TypeScript's own lib files nest a dozen levels at most, and lib.dom.d.ts alone would cost 15 ms.
  // TypeScript names files with forward slashes on every platform.
  const libFolder = path.posix.dirname(tsm.getDefaultLibFilePath(options)) + '/';
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) => {
    let sourceFile: ts.SourceFile | undefined;
    try {
      sourceFile = parse(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
    } catch (error) {
      // The host read the file before the parser threw; reading it again is for this rare file only.
      const text = host.readFile(fileName) ?? '';
      return standIn(tsm, fileName, text, languageVersionOrOptions, { reason: 'parser-failed', message: describeParserFailure(error), line: 1, column: 1 });
    }
    if (!sourceFile || fileName.startsWith(libFolder)) return sourceFile;
    const nesting = measureNesting(tsm, sourceFile, MAX_NESTING_DEPTH);
    if (!nesting.firstTooDeep) return sourceFile;
    const at = sourceFile.getLineAndCharacterOfPosition(nesting.firstTooDeep.getStart(sourceFile));
    return standIn(tsm, fileName, sourceFile.text, languageVersionOrOptions, {
      reason: 'too-deep',
      message: `This file nests ${nesting.depth.toLocaleString('en-US')} levels deep, more than premortem can analyze (limit ${MAX_NESTING_DEPTH})`,
      line: at.line + 1,
      column: at.character + 1,
    });
  };
}

/**
 * A file with no code, only the original's leading comments: a generated file's banner
 * (`@generated`) still marks it as generated, so it is skipped as such rather than reported.
 */
function standIn(
  tsm: TypeScriptModule,
  fileName: string,
  text: string,
  languageVersionOrOptions: ts.ScriptTarget | ts.CreateSourceFileOptions,
  why: AnalysisFailure,
): ts.SourceFile {
  const header = tsm.getLeadingCommentRanges(text, 0)?.at(-1)?.end ?? 0;
  const empty = tsm.createSourceFile(fileName, text.slice(0, header), languageVersionOrOptions, false);
  unanalyzable.set(empty, why);
  return empty;
}

/** What TypeScript's parser threw, as the first half of a sentence. */
export function describeParserFailure(error: unknown): string {
  if (isStackOverflow(error)) return "TypeScript's parser ran out of stack on this file (it nests too deeply)";
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return `TypeScript's parser failed on this file (${reason})`;
}

/** V8's RangeError for a full call stack: the one error a deep but valid input can cause. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
