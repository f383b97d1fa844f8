import type ts from 'typescript';
import type { TypeQueries } from '../compiler-surface.js';
import type { QueryEstimate } from '../formatters/json.js';
import type { ProjectFacts } from '../engine/project-facts.js';
import type { TypeScriptModule, Visitor } from '../rule.js';
import { estimateQuery } from './estimate-query.js';
import { getQueryShape } from './query-shape.js';
import { getPrismaCallSite } from './recognize-call.js';

/**
 * Lists every Prisma call site of a file with its cost estimate, for `premortem queries` and the
 * JSON `queries` array. It is a visitor, so it rides the same walk as the rules.
 */
export function createQueryCollector(
  tsm: TypeScriptModule,
  checker: TypeQueries,
  sourceFile: ts.SourceFile,
  project: ProjectFacts,
): { visitor: Visitor; queries: QueryEstimate[] } {
  const queries: QueryEstimate[] = [];
  const schema = project.prismaSchema();
  if (!schema) return { visitor: {}, queries };
  const stats = project.tableStatistics();
  const visitor: Visitor = {
    [tsm.SyntaxKind.CallExpression]: (node) => {
      const site = getPrismaCallSite({ ts: tsm, checker, schema }, node as ts.CallExpression);
      if (!site) return;
      const shape = getQueryShape(tsm, schema, site.model, site.args);
      const cost = estimateQuery(schema, stats, site.model, site.operation, shape);
      const { line } = sourceFile.getLineAndCharacterOfPosition(site.callee.getStart(sourceFile));
      const end = sourceFile.getLineAndCharacterOfPosition(node.getEnd());
      queries.push({
        file: sourceFile.fileName,
        line: line + 1,
        endLine: end.line + 1,
        model: site.model.name,
        operation: site.operation,
        bounded: cost.bounded,
        index: cost.index,
        estimatedRows: cost.estimatedRows,
        costClass: cost.costClass,
      });
    },
  };
  return { visitor, queries };
}
