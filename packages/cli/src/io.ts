export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  cwd: string;
  stdout: OutputStream;
  stderr: OutputStream;
  /**
   * Set by the `premortem` process itself (bin.ts): from the analysis on, code loads only from
   * premortem. Left unset where `main` runs inside another program (tests), whose loading it
   * would change.
   */
  guardModules?: boolean;
  /** `--isolate`: analyze in a confined child process. */
  isolate?: boolean;
}

export const ExitCode = { Clean: 0, Findings: 1, Usage: 2 } as const;
