/**
 * Parses PostgreSQL's text form of an array (`array_out`), e.g. `{1,"a,b","say \"hi\"",NULL}`.
 * `pg_stats.most_common_vals` is an `anyarray`, which the driver can only hand over as text.
 * Nested arrays are flattened (statistics arrays are one-dimensional; this only keeps a stray
 * multi-dimensional literal from failing). `delimiter` is the element type's `typdelim`: `,` for
 * every built-in type except `box`, which uses `;`.
 */
export function parsePostgresArray(literal: string, delimiter = ','): (string | null)[] {
  const values: (string | null)[] = [];
  let at = 0;

  const fail = (problem: string): never => {
    // The literal holds table data: say where parsing stopped, not what the text was.
    throw new SyntaxError(`Not a PostgreSQL array literal: ${problem} at position ${at}.`);
  };
  const skipSpace = () => {
    while (at < literal.length && /\s/.test(literal[at]!)) at++;
  };

  const parseQuoted = (): string => {
    let value = '';
    at++; // opening quote
    while (at < literal.length) {
      const char = literal[at++]!;
      if (char === '"') return value;
      if (char === '\\') {
        if (at >= literal.length) break;
        value += literal[at++]!;
      } else {
        value += char;
      }
    }
    return fail('unterminated quoted element');
  };

  const parseUnquoted = (): string | null => {
    let value = '';
    let escaped = false;
    while (at < literal.length && literal[at] !== delimiter && literal[at] !== '}') {
      const char = literal[at++]!;
      if (char === '"' || char === '{') fail(`unexpected ${char} in an unquoted element`);
      if (char === '\\') {
        if (at >= literal.length) break;
        value += literal[at++]!;
        escaped = true;
      } else {
        value += char;
      }
    }
    value = value.trimEnd();
    if (value === '') fail('empty element');
    // Only a bare NULL is the null value; "NULL" in quotes (or escaped) is the four-letter text.
    return !escaped && value.toUpperCase() === 'NULL' ? null : value;
  };

  const parseArray = (): void => {
    skipSpace();
    if (literal[at] !== '{') fail('expected {');
    at++;
    skipSpace();
    if (literal[at] === '}') {
      at++;
      return;
    }
    for (;;) {
      skipSpace();
      if (literal[at] === '{') parseArray();
      else if (literal[at] === '"') values.push(parseQuoted());
      else values.push(parseUnquoted());
      skipSpace();
      const separator = literal[at++];
      if (separator === '}') return;
      if (separator !== delimiter) fail(`expected ${delimiter} or }`);
    }
  };

  // Arrays whose lower bound is not 1 are prefixed with their dimensions: `[0:2]={a,b,c}`.
  if (literal.trimStart().startsWith('[')) {
    const equals = literal.indexOf('=');
    if (equals < 0) fail('dimensions without =');
    at = equals + 1;
  }
  parseArray();
  skipSpace();
  if (at !== literal.length) fail('text after the closing }');
  return values;
}
