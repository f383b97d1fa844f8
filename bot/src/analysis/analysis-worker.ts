import { parentPort, workerData } from 'node:worker_threads';
import ts from 'typescript';
import path from 'node:path';
import { confineReads, ignoredBy, loadConfig, runAnalysis, selectRules, UsageError } from '@premortem/core';
import { rules } from '@premortem/rules';
import type { AnalysisRequest, WorkerReply } from './analyze-snapshot.js';

// Runs in a worker thread: the analysis is synchronous and CPU-bound, and the bot's HTTP server
// must keep answering webhooks meanwhile. Only data crosses back: findings and query estimates.
function analyze(request: AnalysisRequest): WorkerReply {
  // The snapshot is the pull request's: its tsconfig or config must not make us read our own files.
  confineReads([request.root, path.dirname(ts.getDefaultLibFilePath({}))]);
  try {
    const { config, file } = loadConfig(request.root);
    const enabled = request.withRules ? selectRules(rules, 'recommended', [], config, file) : [];
    const result = runAnalysis({ ts, cwd: request.root, paths: ['.'], rules: enabled, collectQueries: true });
    const ignored = ignoredBy(config, request.root);
    return { ok: true, result: { ...result, findings: result.findings.filter((finding) => !ignored(finding.file)) } };
  } catch (error) {
    // A bad config is the author's to fix and says so; anything else is ours.
    if (error instanceof UsageError) return { ok: false, message: error.message.replaceAll(request.root + '/', '') };
    throw error;
  }
}

parentPort!.postMessage(analyze(workerData as AnalysisRequest));
