import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseStatisticsError, readDatabaseStatistics, type DatabaseStatisticsFailure } from '../../packages/cli/src/stats/read-database-statistics.js';
import { startFakePostgres, type FakeBehaviour, type FakePostgres } from './fake-postgres.js';
import { closedPort } from './loopback-port.js';

// "s3cr@t:pw" percent-encoded: neither form may appear in any message.
const PASSWORD = 's3cr@t:pw';
const ENCODED = 's3cr%40t%3Apw';

let fake: FakePostgres | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function fakeServer(behaviour: FakeBehaviour): Promise<number> {
  fake = await startFakePostgres(behaviour);
  return fake.port;
}

/** Runs the read, expecting it to fail; returns the error and how long it took. */
async function failing(url: string, options: Parameters<typeof readDatabaseStatistics>[1] = {}): Promise<{ error: DatabaseStatisticsError; ms: number }> {
  const started = performance.now();
  const error: unknown = await readDatabaseStatistics(url, options).then(
    () => new Error('expected readDatabaseStatistics to fail'),
    (caught: unknown) => caught,
  );
  const ms = performance.now() - started;
  if (!(error instanceof DatabaseStatisticsError)) throw error;
  // Whatever went wrong, the connection was closed, not left to the server.
  if (fake) {
    const server = fake;
    await expect.poll(() => server.connections().closedByClient, { timeout: 1_000 }).toBe(server.connections().accepted);
  }
  expect(error.message).not.toContain(PASSWORD);
  expect(error.message).not.toContain(ENCODED);
  return { error, ms };
}

function expectFailure(error: DatabaseStatisticsError, failure: DatabaseStatisticsFailure, message: RegExp): void {
  expect(error.failure).toBe(failure);
  expect(error.message).toMatch(message);
}

describe('readDatabaseStatistics failures', () => {
  it('says nothing is listening when the port is closed, at once', async () => {
    const port = await closedPort();
    const { error, ms } = await failing(`postgres://app:${ENCODED}@127.0.0.1:${port}/shop`);
    expectFailure(error, 'unreachable', new RegExp(`^Cannot connect to postgres://app@127\\.0\\.0\\.1:${port}/shop: nothing is listening on 127\\.0\\.0\\.1:${port}\\. Check that PostgreSQL is running`));
    expect(ms).toBeLessThan(2_000);
  });

  it('gives up on a server that accepts the connection but never answers, after the connection timeout', async () => {
    const port = await fakeServer('silent');
    const { error, ms } = await failing(`postgres://app:${ENCODED}@127.0.0.1:${port}/shop`, { connectTimeoutMs: 300 });
    expectFailure(error, 'timeout', /no answer from 127\.0\.0\.1:\d+ within 0\.3 s\. Check the host and port, and that no firewall/);
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(3_000);
  });

  it('reports a rejected login without the password the client sent', async () => {
    const port = await fakeServer('reject-password');
    const { error } = await failing(`postgres://app:${ENCODED}@127.0.0.1:${port}/shop`);
    // The secret really went through the code: pg decoded it and sent it.
    expect(fake?.passwords).toEqual([PASSWORD]);
    expectFailure(error, 'login-failed', /the server rejected the password for user "app"\. Check the user and password in the URL/);
  });

  it('scrubs the password even when the server repeats it', async () => {
    const port = await fakeServer('echo-password');
    const { error } = await failing(`postgres://app:${ENCODED}@127.0.0.1:${port}/shop`);
    expect(fake?.passwords).toEqual([PASSWORD]);
    expectFailure(error, 'failed', /internal error while checking "\*\*\*" \(XX000\)/);
  });

  it('names the database that does not exist', async () => {
    const port = await fakeServer('missing-database');
    const { error } = await failing(`postgres://app:${ENCODED}@127.0.0.1:${port}/nope`);
    expectFailure(error, 'missing-database', /database "nope" does not exist on that server\. Check the database name at the end of the URL\./);
  });

  it('stops waiting for a server that logs in and then never answers a query', async () => {
    const port = await fakeServer('hang-after-login');
    const { error, ms } = await failing(`postgres://app:${ENCODED}@127.0.0.1:${port}/shop`, { statementTimeoutMs: 300 });
    expect(fake?.connections().accepted).toBe(1);
    expectFailure(error, 'timeout', /^Reading statistics from postgres:\/\/app@127\.0\.0\.1:\d+\/shop failed: a catalog query took longer than 0\.3 s/);
    expect(ms).toBeLessThan(4_000);
  });

  it('hangs up on a server that does not acknowledge the goodbye, instead of waiting forever', async () => {
    const port = await fakeServer('fail-queries-then-linger');
    const { error, ms } = await failing(`postgres://app:${ENCODED}@127.0.0.1:${port}/shop`);
    expectFailure(error, 'failed', /failed: the fake server fails every query \(XX000\)\.$/);
    // About the one-second grace given to end(), then the socket is dropped.
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(3_000);
  });

  it('rejects a URL that is not PostgreSQL before connecting to anything', async () => {
    const { error, ms } = await failing(`mysql://app:${ENCODED}@127.0.0.1:3306/shop`);
    expectFailure(error, 'invalid-url', /for MySQL; premortem stats reads PostgreSQL only/);
    expect(ms).toBeLessThan(100);
    const garbage = await failing(`app:${PASSWORD} at localhost`);
    expectFailure(garbage.error, 'invalid-url', /not a valid URL|does not start with postgres:\/\//);
  });
});
