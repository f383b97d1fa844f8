// A real Redis for the queue's tests: Debian's `redis-server`, on a loopback port of its own, with
// nothing written to disk. `.ci/run` installs it when it is missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closedPort } from '../../stats/loopback-port.js';

export interface RedisServer {
  url: string;
  /** A Redis command's answer, through `redis-cli` (for looking at what the queue left). */
  cli(...args: string[]): string;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await closedPort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(error.code === 'ENOENT' ? 'redis-server is not installed: `apt-get install redis-server` (Debian), or `brew install redis`; the queue tests need a real one.' : error.message));
    });
    child.stdout?.on('data', () => {
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `redis://127.0.0.1:${port}`,
    cli: (...args) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim(),
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
