export { createApp, DEFAULT_SETTINGS, type PremortemApp } from './app.js';
export { startServer, type RunningBot } from './start-server.js';
export { serverConfigFromEnv, ConfigurationError, type ServerConfig } from './settings-from-env.js';
export { requestPolicyPlugin, retryDelay, DEFAULT_REQUEST_POLICY, type RequestPolicy } from './github/request-policy.js';
export { ReviewQueue, Superseded, type ReviewJob } from './queue.js';
export { createOctokitClass } from './octokit.js';
export { analyzeSnapshot, AnalysisFailed, DEFAULT_ANALYSIS_LIMITS } from './analysis/analyze-snapshot.js';
export { completeCheckRun, startCheckRun } from './pipeline/check-run.js';
export type { ReviewContext, ReviewSettings, ReviewTarget } from './pipeline/context.js';
