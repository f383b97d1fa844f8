import { DEFAULT_HOSTED_TYPES, type HostedTypesSettings } from './hosted-types.js';

/**
 * Hosted types' settings from the environment (see bot/README.md): off unless
 * `PREMORTEM_HOSTED_TYPES=on`. Off by default while the findings only types reveal are not yet
 * right often enough on real code (fixtures/realworld/typed-labels). Each problem is pushed to
 * `problems`, as the server's other settings are.
 */
export function hostedTypesFromEnv(env: NodeJS.ProcessEnv, problems: string[]): HostedTypesSettings | undefined {
  const switch_ = env.PREMORTEM_HOSTED_TYPES?.trim().toLowerCase() || 'off';
  if (switch_ !== 'on' && switch_ !== 'off') problems.push(`PREMORTEM_HOSTED_TYPES must be on or off, got "${env.PREMORTEM_HOSTED_TYPES}".`);
  // Each variable is read by its literal name, where the check of bot/.env.example finds it.
  const number = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) problems.push(`${name} must be a whole number ≥ 1, got "${raw}".`);
    return value;
  };
  const registry = env.PREMORTEM_NPM_REGISTRY?.trim() || DEFAULT_HOSTED_TYPES.registry;
  if (!/^https?:\/\/[^/]/.test(registry)) problems.push(`PREMORTEM_NPM_REGISTRY must be an http(s) URL, got "${registry}".`);
  const settings: HostedTypesSettings = {
    ...DEFAULT_HOSTED_TYPES,
    registry: registry.replace(/\/+$/, ''),
    timeoutMs: number('PREMORTEM_HOSTED_TYPES_TIMEOUT_MS', env.PREMORTEM_HOSTED_TYPES_TIMEOUT_MS, DEFAULT_HOSTED_TYPES.timeoutMs),
    maxBytes: number('PREMORTEM_HOSTED_TYPES_MAX_BYTES', env.PREMORTEM_HOSTED_TYPES_MAX_BYTES, DEFAULT_HOSTED_TYPES.maxBytes),
    maxPackages: number('PREMORTEM_HOSTED_TYPES_MAX_PACKAGES', env.PREMORTEM_HOSTED_TYPES_MAX_PACKAGES, DEFAULT_HOSTED_TYPES.maxPackages),
    cacheMaxBytes: number('PREMORTEM_TYPES_CACHE_BYTES', env.PREMORTEM_TYPES_CACHE_BYTES, DEFAULT_HOSTED_TYPES.cacheMaxBytes),
  };
  return switch_ === 'on' ? settings : undefined;
}
