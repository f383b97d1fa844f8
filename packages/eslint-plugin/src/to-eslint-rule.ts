import { ESLintUtils, type JSONSchema, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { isGeneratedFile, resolveOptions, ruleDocsUrl, walkFile, type RuleDefinition } from '@premortem/core';
import { getTypeScriptFor } from './resolve-typescript.js';

export interface PremortemDocs {
  description: string;
  recommended: 'recommended' | 'strict';
  requiresTypeChecking: boolean;
}

const createRule = ESLintUtils.RuleCreator<PremortemDocs>(ruleDocsUrl);

/**
 * Adapts a detector to ESLint. The detector is the same one the CLI runs, over the Program
 * typescript-eslint built; only the report is translated.
 */
export function toEslintRule(definition: RuleDefinition): TSESLint.RuleModule<string, [object]> {
  const { meta } = definition;
  return createRule<[object], string>({
    name: definition.name,
    meta: {
      type: meta.type,
      docs: {
        description: meta.description,
        recommended: meta.recommended,
        requiresTypeChecking: meta.requiresTypeChecking,
      },
      messages: meta.messages,
      // Our schema type is a strict subset of draft-04; ESLint's type is a wider union.
      schema: [meta.schema as JSONSchema.JSONSchema4],
      ...(meta.hasSuggestions ? { hasSuggestions: true } : {}),
    },
    defaultOptions: [meta.defaultOptions],
    create(context, [userOptions]) {
      // Throws typescript-eslint's own explanation when the config has no type information.
      const services = ESLintUtils.getParserServices(context);
      const options = resolveOptions(meta, undefined, userOptions);
      return {
        Program(node: TSESTree.Program) {
          const sourceFile = services.esTreeNodeToTSNodeMap.get(node);
          if (isGeneratedFile(sourceFile)) return;
          const program = services.program;
          walkFile(
            {
              ts: getTypeScriptFor(sourceFile),
              program,
              checker: program.getTypeChecker(),
              sourceFile,
              rules: [{ rule: definition, options }],
            },
            (_rule, report) => {
              const start = report.node.getStart(sourceFile);
              const sourceCode = context.sourceCode;
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
          );
        },
      };
    },
  });
}
