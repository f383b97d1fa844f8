import { lstatSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { computeFingerprint } from '../fingerprint.js';
import { READ_ERROR_RULE_ID, type Finding } from '../findings.js';
import { mayRead } from './read-boundary.js';

/** A file premortem was asked to analyze, and why it could not read it. */
export interface UnreadableFile {
  file: string;
  reason: string;
}

/**
 * Why `file` cannot be read as a source file, or undefined when it can. Asked only after a
 * read failed (TypeScript's host swallows the error), so it reads the file once more to get the
 * operating system's own answer; what is not a regular file is never opened, since reading a
 * FIFO would wait forever.
 */
export function describeReadFailure(file: string): string | undefined {
  if (!mayRead(file)) return 'it is outside the folders premortem may read';
  const kind = nonFileKind(file);
  if (kind) return kind;
  try {
    readFileSync(file);
    return undefined;
  } catch (error) {
    return systemMessage(error);
  }
}

/** What a path is when it is not a regular file: a folder, a FIFO, a symbolic link to nowhere. */
export function nonFileKind(file: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && isSymbolicLink(file)) return `it is a symbolic link to ${readlinkSync(file)}, which does not exist`;
    return systemMessage(error);
  }
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'it is a folder, not a file';
  if (stats.isFIFO()) return 'it is a FIFO (named pipe), not a file';
  if (stats.isSocket()) return 'it is a socket, not a file';
  return 'it is a device, not a file';
}

/** `EACCES: permission denied`: Node's message without the call and path it appends. */
export function systemMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message.replace(/, \w+ '.*'$/s, '');
}

function isSymbolicLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * A file that could not be read is a finding, not a note: CI must not pass over a file it was
 * asked to check and could not (ESLint fails on one too). One per file, at its first line; the
 * fingerprint leaves out the reason, so a baseline entry survives EACCES becoming ENOENT.
 */
export function readErrorFinding(unreadable: UnreadableFile, relative: string): Finding {
  return {
    ruleId: READ_ERROR_RULE_ID,
    severity: 'error',
    file: unreadable.file,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    message: `This file could not be read (${unreadable.reason}); no rule could check it. Make it readable, or list it under \`ignore\` in .github/premortem.yml.`,
    fingerprint: computeFingerprint({ ruleId: READ_ERROR_RULE_ID, file: relative, symbolPath: '<module>', snippet: '' }, 0),
  };
}
