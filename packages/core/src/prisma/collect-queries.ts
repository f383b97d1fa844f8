import type ts from 'typescript';
import type { QueryEstimate } from '../formatters/json.js';
import type { ProjectFacts } from '../engine/project-facts.js';
import type { TypeScriptModule } from '../rule.js';
import { estimateQuery } from './estimate-query.js';
import { getQueryShape } from './query-shape.js';
import { getPrismaCallSite } from './recognize-call.js';

/** Every Prisma call site in a file with its cost estimate, for `premortem queries` and the JSON `queries` array. */
export function collectQueries(
  tsm: TypeScriptModule,
  checker: ts.TypeChecker,
  sourceFile: ts.SourceFile,
  project: ProjectFacts,
): QueryEstimate[] {
  const schema = project.prismaSchema();
  if (!schema) return [];
  const stats = project.tableStatistics();
  const queries: QueryEstimate[] = [];
  const visit = (node: ts.Node): void => {
    if (tsm.isCallExpression(node)) {
      const site = getPrismaCallSite({ ts: tsm, checker, schema }, node);
      if (site) {
        const shape = getQueryShape(tsm, schema, site.model, site.args);
        const cost = estimateQuery(schema, stats, site.model, site.operation, shape);
        const { line } = sourceFile.getLineAndCharacterOfPosition(site.callee.getStart(sourceFile));
        queries.push({
          file: sourceFile.fileName,
          line: line + 1,
          model: site.model.name,
          operation: site.operation,
          bounded: cost.bounded,
          index: cost.index,
          estimatedRows: cost.estimatedRows,
          costClass: cost.costClass,
        });
      }
    }
    tsm.forEachChild(node, visit);
  };
  visit(sourceFile);
  return queries;
}
