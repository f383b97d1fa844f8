// The process a snapshot is analyzed in: confined by Node's permission model, no token in its
// environment, code loaded only from premortem (see analyze-snapshot.ts and isolated-analysis.ts).
import { createRequire } from 'node:module';
import { serveIsolatedAnalysis, type TypeScriptModule } from '@premortem/core';
import { rules } from '@premortem/rules';

const require = createRequire(import.meta.url);
serveIsolatedAnalysis(rules, () => require('typescript') as TypeScriptModule);
