import ssri from 'ssri';
import type { LockedPackage } from './locked-package.js';

/** Why one package was not used; its message goes to the log. */
export class PackageSkipped extends Error {
  constructor(
    readonly reason: 'no-integrity' | 'integrity-mismatch' | 'not-found' | 'too-large' | 'download-failed' | 'unsafe-archive' | 'budget',
    message: string,
  ) {
    super(message);
  }
}

export interface TarballLimits {
  /** Largest tarball downloaded, compressed. */
  maxBytes: number;
  timeoutMs: number;
}

/**
 * Where the locked version's tarball is on `registry`: the lockfile's own `resolved` when it points
 * there, else the registry's standard path. A `resolved` elsewhere (another registry, git, a file)
 * is never followed: the bot talks to one registry only.
 */
export function tarballUrl(pkg: LockedPackage, registry: string): string {
  const base = registry.replace(/\/+$/, '');
  if (pkg.resolved?.startsWith(`${base}/`)) return pkg.resolved;
  const basename = pkg.name.startsWith('@') ? pkg.name.slice(pkg.name.indexOf('/') + 1) : pkg.name;
  return `${base}/${pkg.name}/-/${basename}-${encodeURIComponent(pkg.version)}.tgz`;
}

/**
 * The locked tarball's bytes, verified against the lockfile's integrity before anyone looks inside.
 * Throws PackageSkipped when there is no integrity to check, the bytes do not match it, or the
 * download fails or grows past `maxBytes`; the analysis' own abort propagates as it is.
 */
export async function fetchVerifiedTarball(pkg: LockedPackage, registry: string, limits: TarballLimits, signal: AbortSignal): Promise<Buffer> {
  const integrity = pkg.integrity ? ssri.parse(pkg.integrity) : undefined;
  if (!integrity || !integrity.pickAlgorithm()) {
    throw new PackageSkipped('no-integrity', `${pkg.name}@${pkg.version}: the lockfile has no integrity hash to verify it against`);
  }
  const url = tarballUrl(pkg, registry);
  const bytes = await download(url, limits, AbortSignal.any([signal, AbortSignal.timeout(limits.timeoutMs)]), signal);
  if (ssri.checkData(bytes, integrity) === false) {
    throw new PackageSkipped('integrity-mismatch', `${pkg.name}@${pkg.version}: the registry's tarball does not match the lockfile's integrity`);
  }
  return bytes;
}

async function download(url: string, limits: TarballLimits, signal: AbortSignal, analysis: AbortSignal): Promise<Buffer> {
  try {
    const response = await fetch(url, { signal, redirect: 'error', headers: { accept: 'application/octet-stream' } });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new PackageSkipped(response.status === 404 ? 'not-found' : 'download-failed', `${url}: HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > limits.maxBytes) {
      await response.body.cancel();
      throw tooLarge(url, limits.maxBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > limits.maxBytes) throw tooLarge(url, limits.maxBytes);
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  } catch (error) {
    if (analysis.aborted) throw analysis.reason;
    if (error instanceof PackageSkipped) throw error;
    throw new PackageSkipped('download-failed', `${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function tooLarge(url: string, maxBytes: number): PackageSkipped {
  return new PackageSkipped('too-large', `${url}: larger than ${Math.round(maxBytes / 1e6)} MB`);
}
