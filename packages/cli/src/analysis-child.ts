// The isolated analysis's process (`premortem check --isolate`): see isolated-analysis.ts.
import { serveIsolatedAnalysis } from '@premortem/core';
import { rules } from '@premortem/rules';
import { loadTypeScript } from './load-typescript.js';

serveIsolatedAnalysis(rules, loadTypeScript);
