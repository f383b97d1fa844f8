import path from 'node:path';
import { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } from 'node-sarif-builder';
import type { Log, Result } from 'sarif';
import type { Finding } from '../findings.js';
import { ENGINE_FINDINGS } from '../findings.js';
import { ruleDocsUrl } from '../docs-url.js';
import { ruleId, type RuleDefinition } from '../rule.js';

export interface SarifOptions {
  /** Paths in the log are relative to this folder (the repository root, as code scanning expects). */
  root: string;
  version: string;
}

const TOOL_URL = 'https://github.com/premortem/premortem';
/** The key code scanning uses to follow a result across commits; versioned so the recipe can change. */
export const FINGERPRINT_KEY = 'premortem/v1';

/**
 * SARIF 2.1.0 for code scanning: every rule with its help link, one result per finding with its
 * fingerprint in `partialFingerprints`, and a finding's `path` (mount chain, call chain) as a
 * code flow.
 */
export function toSarif(findings: readonly Finding[], rules: readonly RuleDefinition[], options: SarifOptions): Log {
  // A URI reference: `app/api/[uid]/route.ts` must be spelled `app/api/%5Buid%5D/route.ts`.
  const relative = (file: string) => path.relative(options.root, path.resolve(options.root, file)).split(path.sep).map(encodeURIComponent).join('/');
  const run = new SarifRunBuilder().initSimple({ toolDriverName: 'premortem', toolDriverVersion: options.version, url: TOOL_URL });
  const ids: string[] = [];
  for (const rule of rules) {
    const builder = new SarifRuleBuilder().initSimple({ ruleId: ruleId(rule), shortDescriptionText: rule.meta.description, helpUri: ruleDocsUrl(rule.name) });
    builder.rule.name = rule.name;
    builder.rule.defaultConfiguration = { level: rule.meta.severity };
    run.addRule(builder);
    ids.push(ruleId(rule));
  }
  // The engine's own findings about a file (it does not parse, cannot be read or analyzed), when present.
  for (const [id, description] of Object.entries(ENGINE_FINDINGS)) {
    if (!findings.some((f) => f.ruleId === id)) continue;
    run.addRule(new SarifRuleBuilder().initSimple({ ruleId: id, shortDescriptionText: description }));
    ids.push(id);
  }
  for (const finding of findings) {
    const builder = new SarifResultBuilder().initSimple({
      level: finding.severity,
      messageText: finding.message,
      ruleId: finding.ruleId,
      fileUri: relative(finding.file),
      startLine: finding.line,
      startColumn: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
    });
    const result: Result = builder.result;
    if (ids.includes(finding.ruleId)) result.ruleIndex = ids.indexOf(finding.ruleId);
    result.partialFingerprints = { [FINGERPRINT_KEY]: finding.fingerprint };
    if (finding.path?.length) {
      result.codeFlows = [
        {
          threadFlows: [
            {
              locations: finding.path.map((step) => ({
                location: {
                  physicalLocation: { artifactLocation: { uri: relative(step.file) }, region: { startLine: step.line } },
                  message: { text: step.label },
                },
              })),
            },
          ],
        },
      ];
    }
    run.addResult(builder);
  }
  const builder = new SarifBuilder();
  builder.addRun(run);
  const log = builder.buildSarifOutput();
  log.$schema = 'https://json.schemastore.org/sarif-2.1.0.json';
  return log;
}
