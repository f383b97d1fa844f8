import type { OutputStream } from './io.js';

export interface Progress {
  /** `building`: the Program being built, shown until the first file of it is analyzed. */
  update(done: number, total: number, building?: string): void;
  clear(): void;
}

/**
 * One line on an interactive stderr, silent when stderr is a pipe or file: which Program is being
 * built (the first seconds of a large run, before any file is done), then a file counter.
 */
export function createProgress(stream: OutputStream): Progress {
  if (!stream.isTTY) return { update() {}, clear() {} };
  let lastDraw = 0;
  let drawn = false;
  const draw = (text: string) => {
    lastDraw = Date.now();
    drawn = true;
    stream.write(`\r\u001b[2K${text}`);
  };
  return {
    update(done, total, building) {
      if (building !== undefined) {
        // Said at once: a Program can take many seconds to build.
        draw(`premortem: building the TypeScript program for ${building}… (${done}/${total} files analyzed)`);
        return;
      }
      if (Date.now() - lastDraw < 100 && done < total) return;
      draw(`premortem: analyzed ${done}/${total} files`);
    },
    clear() {
      if (drawn) stream.write('\r\u001b[2K');
    },
  };
}
