import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ProbotOctokit } from 'probot';
import { snapshotsFolder } from '../work-dir.js';
import { extractTarball, SnapshotRejected, type SnapshotLimits } from './extract-tarball.js';

/** Files the analysis reads; nothing else from the snapshot is written to disk. */
const ANALYZED_FILE = /\.(?:[cm]?[jt]sx?|json|prisma|ya?ml)$/i;
/** Read for hosted types only: one too large to extract is left out rather than refusing the snapshot. */
const YARN_LOCK = /(?:^|\/)yarn\.lock$/;

export interface Snapshot {
  root: string;
  files: number;
  dispose(): void;
}

/**
 * Downloads `ref` of a repository as GitHub's tarball and extracts it safely under `workDir`:
 * streamed, its compressed size capped like its contents, never executed.
 */
export async function downloadSnapshot(
  octokit: ProbotOctokit,
  repository: { owner: string; repo: string; ref: string },
  workDir: string,
  limits: SnapshotLimits,
  signal: AbortSignal,
): Promise<Snapshot> {
  const folder = mkdtempSync(path.join(snapshotsFolder(workDir), `${repository.ref.slice(0, 12)}-`));
  const dispose = () => rmSync(folder, { recursive: true, force: true });
  let body: Readable | undefined;
  try {
    // The request's own deadline holds until the headers; the body is held to the extraction's.
    const response = await octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', {
      ...repository,
      request: { parseSuccessResponseBody: false, signal },
    });
    body = cappedBody(response.data as WebReadableStream<Uint8Array>, limits.maxBytes);
    const extracted = await extractTarball(body, folder, { limits, signal, include: (file: string, size: number) => ANALYZED_FILE.test(file) || (YARN_LOCK.test(file) && size <= limits.maxFileBytes) });
    return { root: extracted.root, files: extracted.files, dispose };
  } catch (error) {
    // A stalled or refused download must not keep its connection.
    body?.destroy();
    dispose();
    throw error;
  }
}

/**
 * The download as a Node stream that fails once it passes `maxBytes`. An abort errors the fetched
 * body with the abort's reason whenever it comes, also after the extraction stopped reading: piped
 * with `pipeline`, that error reaches the capped stream and destroys both, instead of being thrown
 * from a stream nobody listens to and taking the process down.
 */
export function cappedBody(download: WebReadableStream<Uint8Array>, maxBytes: number): Readable {
  // The error reaches whoever reads the returned stream; the callback only marks it as handled.
  return pipeline(Readable.fromWeb(download), capBytes(maxBytes), () => undefined);
}

/** A gzip bomb is stopped by the extractor's limits; an oversized download is stopped here. */
function capBytes(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(new SnapshotRejected('too-large', `The repository's archive is larger than ${Math.round(maxBytes / 1e6)} MB, the most premortem downloads.`));
      else callback(null, chunk);
    },
  });
}
