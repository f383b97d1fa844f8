export * from './rule.js';
export * from './findings.js';
export * from './errors.js';
export * from './fingerprint.js';
export * from './presets.js';
export { analyzeFile, walkFile, type EnabledRule, type AnalyzeFileInput, type WalkInput } from './engine/analyze-file.js';
export { runAnalysis, type ProgressListener, type RunInput, type RunResult } from './engine/run-analysis.js';
export { readPackageManifest, type PackageManifest } from './engine/workspace-manifest.js';
export { planProjects, defaultCompilerOptions, type Plan, type ProjectPlan } from './engine/plan-projects.js';
export { describeReadFailure, type UnreadableFile } from './engine/read-failure.js';
export { findProjectRoot, toPosixRelative } from './engine/project-root.js';
export { confineReads, mayRead } from './engine/read-boundary.js';
export { Timings } from './engine/timings.js';
export { toJsonReport, type JsonReport, type QueryEstimate } from './formatters/json.js';
export { formatStylish } from './formatters/stylish.js';
export { toSarif, FINGERPRINT_KEY, type SarifOptions } from './formatters/sarif.js';
export { formatGithub } from './formatters/github.js';
export { formatMarkdown, type MarkdownOptions } from './formatters/markdown.js';
export { isOuterExpression, skipOuterExpressions } from './ast/skip-outer-expressions.js';
export { walkTree, walkDescendants, walkTreeWithState, someNode, someDescendant, type WalkStep } from './ast/walk-tree.js';
export { chainOperands } from './ast/chain-operands.js';
export { getEnclosingFunction, isAsyncFunction, isFunctionLike, overloadImplementation, type FunctionLike } from './ast/functions.js';
export { getEnclosingSymbolPath } from './ast/enclosing-symbol.js';
export { getDirectives, isClientModule } from './ast/directives.js';
export { getRange, type SourceRange } from './ast/locations.js';
export { isGeneratedFile } from './ast/generated.js';
export { unionParts, getApparentTypeOf } from './types/union-parts.js';
export { isThenableType, isThenableArrayType, returnsThenable, isVoidReturningFunctionType } from './types/thenable.js';
export { ruleDocsUrl } from './docs-url.js';
export { getEnclosingIteration, hasAwaitBefore, type Iteration } from './ast/enclosing-iteration.js';
export { getProjectFacts, type ProjectFacts } from './engine/project-facts.js';
export { loadConfig, CONFIG_FILE, type PremortemConfig } from './config/load-config.js';
export { applyRuleSettings, ruleSettingSchema, type RuleSetting } from './config/rule-settings.js';
export { inScopeFor, scopePatterns } from './config/scope.js';
export { PRODUCTION_SCOPE_DEFAULTS, TEST_LIKE_FOLDERS } from './config/production-scope.js';
export * from './prisma/schema.js';
export { readPrismaSchema, type SchemaSource } from './prisma/read-schema.js';
export { locatePrismaSchema, readSchemaFromConfig, type SchemaLocation } from './prisma/locate-schema.js';
export { loadPrismaSchema, prismaSchemaSearchNotes } from './prisma/schema-loader.js';
export { getPrismaCallSite, resolveLocalObject, resolveLocalConst, type PrismaCallSite, type PrismaCallFacts } from './prisma/recognize-call.js';
export { getQueryShape, getPropertyValue, type QueryShape, type FieldFilter, type Combination, type Conjunction, type RelationRead, type Bound } from './prisma/query-shape.js';
export { estimateQuery, formatRowCount, type QueryCost } from './prisma/estimate-query.js';
export { childrenPerParent, DEFAULT_CHILDREN_PER_PARENT } from './prisma/filter-selectivity.js';
export {
  TableStatistics,
  readStatsFile,
  STATS_FILE,
  DEFAULT_TABLE_ROWS,
  type StatsFile,
  type ModelStats,
  type ColumnStats,
  type RowsSource,
} from './prisma/table-statistics.js';
export { createQueryCollector } from './prisma/collect-queries.js';
export { perProgram, perSourceFile } from './engine/program-cache.js';
export { getImportSource, resolveSymbol, resolveSourceDeclaration, isProjectSource, type ImportSource } from './ast/symbols.js';
export { calleeName, getFunctionName, getReactFunctionKind, getEnclosingReactFunction, isComponentName, isHookName, type ReactFunctionKind } from './react/react-functions.js';
export { walkRender, runsDuringRender, resolveLocalFunction } from './react/render-walk.js';
export { recognizeFetchCall, urlPattern, type DirectFetch, type FetchTarget, type FetchRecognizer } from './react/fetch-calls.js';
export { FetchSummaries, functionOf, type FetchChain } from './react/fetch-summaries.js';
export { recognizeDataHook, type DataHookCall, type DataHookRecognizer } from './react/data-hooks.js';
export { getFetchSummaries, isServerComponentFile } from './react/react-index.js';
export { findAppShells, type AppShell, type ShellOptions } from './react/app-shells.js';
export { getEveryPageIndex, EveryPageIndex, type EveryPageFetch, type EveryPageOptions } from './react/every-page.js';
export { TrpcRouterMap, type TrpcProcedure } from './server/trpc-routers.js';
export { RouteHandlerMap, type RouteHandler } from './server/route-handlers.js';
export { ServerQueryIndex, type ServerCost, type ReachedQuery } from './server/server-cost.js';
export { resolveCalledFunction, findCallThrough } from './ast/called-function.js';
export { getProgramRoot, projectPathSegments } from './engine/program-root.js';
export { changedLinesFromDiff, changedLinesFromPatch, commentableLines, touchedBy, type ChangedLines } from './changes/changed-lines.js';
export { createBaseline, parseBaseline, compareWithBaseline, type Baseline, type BaselineEntry, type BaselineComparison } from './changes/baseline.js';
export { planReview, SUMMARY_MARKER, DEFAULT_MAX_INLINE_COMMENTS, type ReviewInput, type ReviewPlan, type InlineComment, type CheckAnnotation, type CheckConclusion } from './review/plan-review.js';
export { compareQueries, type QueryChange } from './review/query-changes.js';
export { mountPathDiagram } from './review/mount-path-diagram.js';
export { selectRules } from './config/select-rules.js';
export type { TypeQueries, ProgramQueries } from './compiler-surface.js';
export { runConfiguredAnalysis, type AnalysisRecipe, type ConfiguredResult } from './engine/configured-analysis.js';
export { installedProgram, type InstalledProgram } from './trust/installed-program.js';
export { refuseForeignModules, refusedModules, describeRefusal, ModuleRefused, type GuardCoverage } from './trust/refuse-foreign-modules.js';
export { runIsolatedAnalysis, isolationFlags, analyzedFolders, linkedModuleFolder, IsolatedAnalysisFailed, type IsolatedRun, type IsolationLimits } from './trust/isolated-analysis.js';
export { serveIsolatedAnalysis } from './trust/serve-isolated-analysis.js';
