import { extractTarball, SnapshotRejected, type SnapshotLimits } from '../snapshot/extract-tarball.js';
import { PackageSkipped } from './fetch-tarball.js';

/** What a Program needs of a package: its manifests (for `types`, `exports`, `type`) and its declaration files. Nothing that runs. */
export function isDeclarationOrManifest(relativePath: string): boolean {
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  return name === 'package.json' || /\.d\.[cm]?ts$/i.test(name);
}

export const PACKAGE_EXTRACT_LIMITS: Readonly<SnapshotLimits> = Object.freeze({
  maxFiles: 50_000,
  maxBytes: 100 * 1024 * 1024,
  maxFileBytes: 20 * 1024 * 1024,
  timeoutMs: 60_000,
});

/**
 * Writes a verified package tarball's `package.json` files and declarations into `destination`
 * (empty), its top folder (`package/`) stripped, with the snapshot extractor's guards: paths out of
 * the folder or links pointing outside refuse the whole package, other links and devices are never
 * created, every file is written 0644 whatever the archive says. Returns the bytes written.
 */
export async function extractDeclarations(tarball: Buffer, destination: string, signal: AbortSignal, limits: SnapshotLimits = PACKAGE_EXTRACT_LIMITS): Promise<number> {
  try {
    const extracted = await extractTarball(tarball, destination, { limits, signal, include: isDeclarationOrManifest });
    return extracted.bytes;
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof SnapshotRejected) throw new PackageSkipped('unsafe-archive', error.message.replaceAll('repository snapshot', 'package').replaceAll('the repository', 'the package'));
    throw error;
  }
}
