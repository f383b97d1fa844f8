import type ts from 'typescript';

/**
 * Every type query detectors make, and all they may make: what a second back end (TypeScript 7's
 * native compiler) would have to answer. The compiler keeps rules and helpers to it, so adding a
 * query is a decision made here, not a side effect (see docs/benchmarks.md, "The compiler API
 * behind a narrow surface").
 */
export type TypeQueries = Pick<
  ts.TypeChecker,
  | 'getSymbolAtLocation'
  | 'getTypeAtLocation'
  | 'getTypeOfSymbol'
  | 'getPropertyOfType'
  | 'getApparentType'
  | 'getContextualType'
  | 'getAliasedSymbol'
  | 'getTypeArguments'
  | 'getBaseConstraintOfType'
  | 'isTupleType'
  | 'isArrayType'
>;

/** What detectors read of the Program. Also the key of per-Program indexes (`perProgram`). */
export interface ProgramQueries
  extends Pick<
    ts.Program,
    'getSourceFiles' | 'getSourceFile' | 'isSourceFileFromExternalLibrary' | 'getSyntacticDiagnostics' | 'getCurrentDirectory' | 'getCompilerOptions'
  > {
  getTypeChecker(): TypeQueries;
}
