import type ts from 'typescript';
import type { TypeScriptModule } from '../rule.js';

/** The name a property is written with (`take`, `'take'`, `0`); undefined when computed. */
export function propertyName(tsm: TypeScriptModule, name: ts.PropertyName): string | undefined {
  if (tsm.isIdentifier(name) || tsm.isStringLiteral(name) || tsm.isNumericLiteral(name)) return name.text;
  return undefined;
}
