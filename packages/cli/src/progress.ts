import type { OutputStream } from './io.js';

/** A one-line counter on an interactive stderr; silent when stderr is a pipe or file. */
export function createProgress(stream: OutputStream): { update(done: number, total: number): void; clear(): void } {
  if (!stream.isTTY) return { update() {}, clear() {} };
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      drawn = true;
      stream.write(`\r\u001b[2Kpremortem: analyzed ${done}/${total} files`);
    },
    clear() {
      if (drawn) stream.write('\r\u001b[2K');
    },
  };
}
