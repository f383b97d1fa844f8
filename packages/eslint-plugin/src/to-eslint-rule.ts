import type { ESLintUtils as Utils, JSONSchema, TSESLint } from '@typescript-eslint/utils';
import { findingKinds, resolveOptions, ruleDocsUrl, type RuleDefinition } from '@premortem/core';
import { fromTypescriptEslint } from './from-typescript-eslint.js';
import { joinSharedWalk, runSharedWalk } from './shared-walk.js';

let getParserServices: typeof Utils.getParserServices | undefined;

export interface PremortemDocs {
  description: string;
  recommended: 'recommended' | 'strict';
  requiresTypeChecking: boolean;
}

/**
 * Adapts a detector to ESLint. The detector is the same one the CLI runs, over the Program
 * typescript-eslint built, in one walk shared with the file's other premortem rules; only the
 * report is translated. Built without typescript-eslint's RuleCreator: its deep merge of the
 * defaults ran for every rule on every file, and our options are flat.
 */
export function toEslintRule(definition: RuleDefinition): TSESLint.RuleModule<string, [object], PremortemDocs> {
  const { meta } = definition;
  return {
    meta: {
      type: meta.type,
      docs: {
        description: meta.description,
        recommended: meta.recommended,
        requiresTypeChecking: meta.requiresTypeChecking,
        url: ruleDocsUrl(definition.name),
      },
      messages: meta.messages,
      // Our schema type is a strict subset of draft-04; ESLint's type is a wider union.
      schema: [withKindsOption(definition)],
      ...(meta.hasSuggestions ? { hasSuggestions: true } : {}),
    },
    defaultOptions: [meta.defaultOptions],
    create(context) {
      const { kinds, ...userOptions } = (context.options[0] ?? {}) as { kinds?: string[] };
      const leftToTypescriptEslint = kindsLeftToTypescriptEslint(definition, context.settings);
      const reported = kinds || leftToTypescriptEslint.size > 0 ? new Set((kinds ?? findingKinds(meta)).filter((kind) => !leftToTypescriptEslint.has(kind))) : undefined;
      // Throws typescript-eslint's own explanation when the config has no type information.
      const services = (getParserServices ??= fromTypescriptEslint<{ ESLintUtils: typeof Utils }>('@typescript-eslint/utils').ESLintUtils.getParserServices)(context);
      const sourceFile = services.esTreeNodeToTSNodeMap.get(context.sourceCode.ast);
      const sourceCode = context.sourceCode;
      const joined = joinSharedWalk(context, sourceFile, {
        definition,
        options: resolveOptions(meta, undefined, userOptions),
        deliver: (report) => {
          if (reported && !reported.has(report.messageId)) return;
          const start = report.node.getStart(sourceFile);
          context.report({
            loc: { start: sourceCode.getLocFromIndex(start), end: sourceCode.getLocFromIndex(report.node.getEnd()) },
            messageId: report.messageId,
            ...(report.data ? { data: report.data } : {}),
            ...(report.suggest?.length
              ? {
                  suggest: report.suggest.map((suggestion) => ({
                    messageId: suggestion.messageId,
                    ...(suggestion.data ? { data: suggestion.data } : {}),
                    fix: (fixer: TSESLint.RuleFixer) =>
                      suggestion.edits.map((edit) => fixer.replaceTextRange([edit.start, edit.end], edit.text)),
                  })),
                }
              : {}),
          });
        },
      });
      if (!joined) return {};
      return {
        Program() {
          runSharedWalk(context, definition, services.program, sourceFile);
        },
      };
    },
  };
}

/**
 * The kinds of finding a typescript-eslint rule that the config says runs here reports too
 * (`settings: { premortem: { typescriptEslintRules: [...] } }`, which the
 * `alongside-typescript-eslint` config sets): each is then reported once, by that rule.
 */
function kindsLeftToTypescriptEslint(definition: RuleDefinition, settings: Record<string, unknown> | undefined): Set<string> {
  const listed = (settings?.premortem as { typescriptEslintRules?: unknown } | undefined)?.typescriptEslintRules;
  if (listed === undefined) return new Set();
  if (!Array.isArray(listed) || !listed.every((id) => typeof id === 'string')) {
    throw new Error('premortem: settings.premortem.typescriptEslintRules must be a list of rule ids, such as ["@typescript-eslint/no-floating-promises"].');
  }
  const running = new Set<string>(listed);
  const overlaps = Object.entries(definition.meta.alsoReportedBy ?? {}) as [string, string][];
  return new Set(overlaps.filter(([, rule]) => running.has(rule)).map(([kind]) => kind));
}

/**
 * The rule's options plus `kinds`, the kinds of finding to report (every kind when absent): how
 * the `recommended` preset keeps to the kinds measured as high precision, as the CLI's does.
 */
function withKindsOption(definition: RuleDefinition): JSONSchema.JSONSchema4 {
  const { schema } = definition.meta;
  return {
    ...schema,
    properties: {
      ...schema.properties,
      // No default: ESLint's validator would fill it in, and absent means every kind.
      kinds: {
        type: 'array',
        description: 'The kinds of finding to report (message ids); every kind when absent. `recommended` lists the kinds measured as high precision.',
        items: { type: 'string', enum: findingKinds(definition.meta) },
        uniqueItems: true,
      },
    },
  } as JSONSchema.JSONSchema4;
}
