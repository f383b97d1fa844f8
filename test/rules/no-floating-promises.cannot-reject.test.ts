import { describe, expect, it } from 'vitest';
import { findingsOf } from '../support/lint-text.js';

// "Cannot reject" is decided once per function, from its body, and used for direct calls,
// functions passed by name, `.then` callbacks and `void`. Each safe case has its unsafe twin.
const findings = (code: string, options?: object) => findingsOf('no-floating-promises', code, options);

const prelude = `
declare function send(event: string): Promise<void>;
declare function report(error: unknown): Promise<void>;
`;
/** A fire-and-forget logger: every await inside a try whose catch only logs. */
const safeLog = `async function log(event: string): Promise<void> {
  try {
    await send(event);
  } catch (error) {
    console.error(error);
  }
}
`;
/** The same logger with an await outside the try: a failure of `send` rejects. */
const unsafeLog = `async function log(event: string): Promise<void> {
  await send('before');
  try {
    await send(event);
  } catch (error) {
    console.error(error);
  }
}
`;

const cases: { valid: { name: string; code: string; options?: object[] }[]; invalid: { name: string; code: string; options?: object[]; errors: { messageId: string; line: number }[] }[] } = {
  valid: [
    { name: 'a direct call of a function whose awaits are all caught', code: `${prelude}${safeLog}log('x');` },
    { name: 'passed by name to setInterval', code: `${prelude}${safeLog}setInterval(log, 1000);` },
    { name: 'an async function with no await and no throw', code: `${prelude}let count = 0;\nasync function bump(): Promise<void> { count += 1; }\nbump();` },
    { name: 'a function returning a call that cannot reject', code: `${prelude}${safeLog}function track(): Promise<void> { return log('t'); }\ntrack();` },
    { name: 'a function returning a caught chain', code: `${prelude}function fire(): Promise<void> { return send('x').catch(() => undefined); }\nfire();` },
    {
      name: 'a method that catches everything, called on this',
      code: `${prelude}class Tracker {\n  private async emit(e: string) { try { await send(e); } catch { /* best effort */ } }\n  run() { this.emit('run'); }\n}`,
    },
    { name: 'then on a safe call with a callback that cannot reject', code: `${prelude}${safeLog}let done = false;\nlog('x').then(() => { done = true; });` },
    { name: 'an await in the catch block of a call that cannot reject', code: `${prelude}${safeLog}async function run() { try { await send('a'); } catch (e) { await log(String(e)); } }\nrun();` },
    { name: 'a nested try in the catch block catches its await', code: `${prelude}async function run() { try { await send('a'); } catch (e) { try { await report(e); } catch { /* give up */ } } }\nrun();` },
    { name: 'void on a call that cannot reject, even where void is reported', code: `${prelude}${safeLog}void log('x');`, options: [{ ignoreVoid: false }] },
    { name: 'stored and never handled, but it cannot reject', code: `${prelude}${safeLog}function f() { const pending = log('x'); }` },
    { name: 'an async executor that hands every failure to reject', code: `${prelude}export const done = new Promise<void>(async (resolve, reject) => { try { await send('a'); resolve(); } catch (e) { reject(e); } });` },
  ],
  invalid: [
    { name: 'an await outside the try', code: `${prelude}${unsafeLog}log('x');`, errors: [{ messageId: 'floatingAtStart', line: 12 }] },
    { name: 'passed by name to setInterval, with an await outside the try', code: `${prelude}${unsafeLog}setInterval(log, 1000);`, errors: [{ messageId: 'misusedCallback', line: 12 }] },
    {
      name: 'a catch that rethrows',
      code: `${prelude}async function log(e: string) { try { await send(e); } catch (error) { throw new Error('failed', { cause: error }); } }\nlog('x');`,
      errors: [{ messageId: 'floatingAtStart', line: 5 }],
    },
    { name: 'a throw outside any try', code: `${prelude}async function check(ok: boolean) { if (!ok) throw new Error('no'); }\ncheck(false);`, errors: [{ messageId: 'floatingAtStart', line: 5 }] },
    { name: 'a function returning a call that can reject', code: `${prelude}${unsafeLog}function track(): Promise<void> { return log('t'); }\ntrack();`, errors: [{ messageId: 'floatingAtStart', line: 13 }] },
    { name: 'a caught chain whose handler throws', code: `${prelude}function fire(): Promise<void> { return send('x').catch((e) => { throw e; }); }\nfire();`, errors: [{ messageId: 'floatingAtStart', line: 5 }] },
    { name: 'a promise returned from inside a try is not under its catch', code: `${prelude}async function run() { try { return send('a'); } catch { return undefined; } }\nrun();`, errors: [{ messageId: 'floatingAtStart', line: 5 }] },
    { name: 'an await in the catch block that can reject', code: `${prelude}async function run() { try { await send('a'); } catch (e) { await report(e); } }\nrun();`, errors: [{ messageId: 'floatingAtStart', line: 5 }] },
    { name: 'a finally block that awaits', code: `${prelude}async function run() { try { await send('a'); } catch { /* ignore */ } finally { await send('done'); } }\nrun();`, errors: [{ messageId: 'floatingAtStart', line: 5 }] },
    { name: 'then on a safe call with a callback that throws', code: `${prelude}${safeLog}log('x').then(() => { throw new Error('after'); });`, errors: [{ messageId: 'floatingThen', line: 11 }] },
    { name: 'a recursive function is not assumed safe', code: `${prelude}async function poll(): Promise<void> { return poll(); }\npoll();`, errors: [{ messageId: 'floatingAtStart', line: 5 }] },
    { name: 'a library function, whose body is unknown', code: `${prelude}send('x');`, errors: [{ messageId: 'floatingAtStart', line: 4 }] },
  ],
};

describe('no-floating-promises: callees that cannot reject', () => {
  it.each(cases.valid)('reports nothing: $name', ({ code, options }) => {
    expect(findings(code, options?.[0])).toEqual([]);
  });
  it.each(cases.invalid)('reports: $name', ({ code, options, errors }) => {
    expect(findings(code, options?.[0])).toEqual(errors.map((e) => `${e.line}:${e.messageId}`));
  });
});
