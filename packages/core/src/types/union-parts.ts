import type ts from 'typescript';
import type { TypeQueries } from '../compiler-surface.js';
import type { TypeScriptModule } from '../rule.js';

export function unionParts(type: ts.Type): readonly ts.Type[] {
  return type.isUnion() ? type.types : [type];
}

/** Type parameters stand for their constraint (`T extends Promise<void>` is a promise). */
export function getApparentTypeOf(tsm: TypeScriptModule, checker: TypeQueries, type: ts.Type): ts.Type {
  if (type.flags & tsm.TypeFlags.TypeParameter) {
    return checker.getBaseConstraintOfType(type) ?? type;
  }
  return type;
}
