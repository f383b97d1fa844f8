import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HOSTED_TYPES, serverConfigFromEnv } from '@premortem/bot';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const required = { APP_ID: '12', PRIVATE_KEY: pem, WEBHOOK_SECRET: 's' };

describe('hosted types from the environment', () => {
  it('are off by default; on, they come from the public npm registry, with the default budget', () => {
    expect(serverConfigFromEnv(required).settings.hostedTypes).toBeUndefined();
    expect(serverConfigFromEnv({ ...required, PREMORTEM_HOSTED_TYPES: 'on' }).settings.hostedTypes).toEqual(DEFAULT_HOSTED_TYPES);
    expect(DEFAULT_HOSTED_TYPES).toMatchObject({ registry: 'https://registry.npmjs.org', timeoutMs: 60_000, maxBytes: 200 * 1024 * 1024, maxPackages: 300 });
  });

  it('take a registry and budgets, and are switched off by PREMORTEM_HOSTED_TYPES=off', () => {
    const config = serverConfigFromEnv({
      ...required,
      PREMORTEM_HOSTED_TYPES: 'on',
      PREMORTEM_NPM_REGISTRY: 'https://npm.example.com/registry/',
      PREMORTEM_HOSTED_TYPES_TIMEOUT_MS: '5000',
      PREMORTEM_HOSTED_TYPES_MAX_BYTES: '1000000',
      PREMORTEM_HOSTED_TYPES_MAX_PACKAGES: '20',
      PREMORTEM_TYPES_CACHE_BYTES: '5000000',
    });
    expect(config.settings.hostedTypes).toMatchObject({ registry: 'https://npm.example.com/registry', timeoutMs: 5000, maxBytes: 1e6, maxPackages: 20, cacheMaxBytes: 5e6 });
    expect(serverConfigFromEnv({ ...required, PREMORTEM_HOSTED_TYPES: 'off' }).settings.hostedTypes).toBeUndefined();
  });

  it('name a malformed variable', () => {
    expect(() => serverConfigFromEnv({ ...required, PREMORTEM_HOSTED_TYPES: 'maybe', PREMORTEM_NPM_REGISTRY: 'file:///etc', PREMORTEM_HOSTED_TYPES_MAX_PACKAGES: '0' })).toThrow(
      /PREMORTEM_HOSTED_TYPES must be on or off, got "maybe"\.\n {2}PREMORTEM_NPM_REGISTRY must be an http\(s\) URL, got "file:\/\/\/etc"\.\n {2}PREMORTEM_HOSTED_TYPES_MAX_PACKAGES must be a whole number ≥ 1, got "0"\./,
    );
  });
});
