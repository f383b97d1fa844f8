export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  cwd: string;
  stdout: OutputStream;
  stderr: OutputStream;
}

export const ExitCode = { Clean: 0, Findings: 1, Usage: 2 } as const;
