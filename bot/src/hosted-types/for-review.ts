import type { Log } from '../pipeline/context.js';
import { provideHostedTypes, type HostedTypesReport, type HostedTypesSettings } from './hosted-types.js';

/**
 * Lays out the dependencies' types in a downloaded snapshot before its analysis, logs one line,
 * and returns what the summary's footer adds: how many packages' types were used, or why some or
 * all were not. A failure of its own never fails the review: the analysis goes on bare, and says so.
 */
export async function hostedTypesForReview(root: string, workDir: string, settings: HostedTypesSettings, signal: AbortSignal, log: Log): Promise<string> {
  let report: HostedTypesReport;
  try {
    report = await provideHostedTypes(root, workDir, settings, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    log.warn(`hosted types: not laid out (${error instanceof Error ? error.message : String(error)}); analyzing without them`);
    return ' · Types from dependencies were not available (an error of premortem’s own): findings that depend on them may be missing.';
  }
  log.info(describeReport(report));
  const used = report.packages > 0 ? ` · types of ${report.packages} locked ${report.packages === 1 ? 'dependency' : 'dependencies'}` : '';
  return `${used}${report.note ? ` · ${report.note}` : ''}`;
}

export function describeReport(report: HostedTypesReport): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const skipped = Object.entries(report.skipped).map(([reason, count]) => `${reason} ${count}`);
  return (
    `hosted types: ${report.packages} package(s), ${mb(report.bytes)} of declarations, ${report.fromCache} from cache, ${report.fetched} fetched (${mb(report.downloadedBytes)}), ${report.ms} ms` +
    `${skipped.length > 0 ? `; skipped: ${skipped.join(', ')}` : ''}${report.note ? `; ${report.note}` : ''}`
  );
}
