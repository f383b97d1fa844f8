import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';
import type { ProjectPlan } from './plan-projects.js';

/**
 * One Program for one planned project. Imports of referenced projects resolve to their sources,
 * as in the editor, so unbuilt monorepos type-check the same way in CI.
 */
export function createProgramForPlan(tsm: TypeScriptModule, plan: ProjectPlan): ts.Program {
  const options: ts.CompilerOptions = { ...plan.options, noEmit: true };
  const host = tsm.createCompilerHost(options, true) as ts.CompilerHost & {
    useSourceOfProjectReferenceRedirect?: () => boolean;
  };
  host.useSourceOfProjectReferenceRedirect = () => true;
  return tsm.createProgram({
    rootNames: plan.rootNames,
    options,
    host,
    ...(plan.projectReferences ? { projectReferences: plan.projectReferences } : {}),
  });
}
