import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, serverConfigFromEnv } from '@premortem/bot';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('serverConfigFromEnv', () => {
  it('names every missing or malformed variable at once', () => {
    expect(() => serverConfigFromEnv({ APP_ID: 'abc', PORT: '0', PREMORTEM_MAX_FILES: 'many' })).toThrow(
      new ConfigurationError(
        'premortem bot: cannot start:\n' +
          '  WEBHOOK_SECRET is not set: the webhook secret set on the GitHub App; webhooks without a valid signature are refused.\n' +
          '  PRIVATE_KEY (the .pem contents) or PRIVATE_KEY_PATH (its path) is not set.\n' +
          '  APP_ID must be a number, got "abc".\n' +
          '  PORT must be a whole number ≥ 1, got "0".\n' +
          '  PREMORTEM_MAX_FILES must be a whole number ≥ 1, got "many".',
      ),
    );
  });

  it('reads a key given as base64, the limits, and an Enterprise host', () => {
    const config = serverConfigFromEnv({
      APP_ID: '12',
      PRIVATE_KEY: Buffer.from(pem).toString('base64'),
      WEBHOOK_SECRET: 's',
      GHE_HOST: 'github.example.com',
      PREMORTEM_MAX_FILES: '500',
      PREMORTEM_WRITE_INTERVAL_MS: '2000',
    });
    expect(config.privateKey).toBe(pem);
    expect(config.baseUrl).toBe('https://github.example.com/api/v3');
    expect(config.settings.snapshotLimits?.maxFiles).toBe(500);
    expect(config.requestPolicy.writeIntervalMs).toBe(2000);
    expect({ port: config.port, path: config.webhookPath }).toEqual({ port: 3000, path: '/api/github/webhooks' });
  });

  it('refuses a key that is not one', () => {
    expect(() => serverConfigFromEnv({ APP_ID: '1', PRIVATE_KEY: 'hunter2', WEBHOOK_SECRET: 's' })).toThrow('PRIVATE_KEY is not a PEM private key (nor base64 of one).');
  });

  it('sets up the queue on Redis only with REDIS_URL; a worker needs it, and no webhook secret', () => {
    const required = { APP_ID: '1', PRIVATE_KEY: pem, WEBHOOK_SECRET: 's' };
    expect(serverConfigFromEnv({ ...required, PREMORTEM_JOB_ATTEMPTS: '9' }).queue).toBeUndefined();
    const queued = serverConfigFromEnv({ ...required, REDIS_URL: 'redis://:pw@cache:6380/2', PREMORTEM_INSTALLATION_CONCURRENCY: '3' });
    expect(queued.queue).toMatchObject({ url: 'redis://:pw@cache:6380/2', prefix: 'premortem', attempts: 4, installationConcurrency: 3, workerConcurrency: 1 });
    expect(() => serverConfigFromEnv({ APP_ID: '1', PRIVATE_KEY: pem }, 'worker')).toThrow(
      new ConfigurationError('premortem bot: cannot start:\n  REDIS_URL is not set: the Redis the web process queues reviews on, e.g. redis://redis:6379.'),
    );
    expect(serverConfigFromEnv({ APP_ID: '1', PRIVATE_KEY: pem, REDIS_URL: 'rediss://cache:6380' }, 'worker').queue?.url).toBe('rediss://cache:6380');
    expect(() => serverConfigFromEnv({ ...required, REDIS_URL: 'http://cache', PREMORTEM_REDIS_PREFIX: 'a:b', PREMORTEM_JOB_LOCK_MS: '10' })).toThrow(
      new ConfigurationError(
        'premortem bot: cannot start:\n' +
          '  REDIS_URL must be a redis:// or rediss:// URL.\n' +
          '  PREMORTEM_JOB_LOCK_MS must be a whole number ≥ 1000, got "10".\n' +
          '  PREMORTEM_REDIS_PREFIX may not hold spaces, \':\' or braces, got "a:b".',
      ),
    );
  });
});
