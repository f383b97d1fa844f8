// Bundles @mrleebo/prisma-ast and its dependencies into one CommonJS file in @premortem/core's
// dist. Loading the package costs about 0.3 s of every run that reads a schema: chevrotain
// imports lodash-es's index, 640 ES modules that Node resolves, reads and compiles one by one.
// The bundle holds only the lodash functions it uses and loads in under 0.1 s. Same code, so the
// same parser; test/prisma/vendored-parser.test.ts checks that both give the same trees.
//
// One part is replaced: the package searches for a `prisma-ast` configuration file (lilconfig,
// from the working directory upward) when it loads, and `require`s `.js`/`.cjs` ones. Run inside
// an analyzed repository, that runs the repository's code. The bundle gets a lilconfig that finds
// nothing, so the parser always runs with its defaults; the build fails if any other way to load
// a file as code is left in the bundle.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, VERSION as rolldownVersion } from 'rolldown';

const core = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'core');
const output = path.join(core, 'dist', 'vendor', 'prisma-ast.cjs');
const requireFromCore = createRequire(path.join(core, 'package.json'));
const packageJson = requireFromCore.resolve('@mrleebo/prisma-ast/package.json');
/** @type {unknown} */
const manifest = JSON.parse(readFileSync(packageJson, 'utf8'));
/** @param {string} key */
const field = (key) => (typeof manifest === 'object' && manifest !== null && key in manifest ? String(Reflect.get(manifest, key)) : 'unknown');
const [version, license] = [field('version'), field('license')];
// The stamp names what is inside; a bundle with another stamp (another version) is rebuilt.
const stamp = `// @mrleebo/prisma-ast ${version} (${license}) and its dependencies (chevrotain, Apache-2.0; lodash-es, MIT), bundled by rolldown ${rolldownVersion} (scripts/vendor-prisma-ast.mjs); its configuration search (lilconfig) replaced by one that finds nothing.`;

/** Stands in for lilconfig: no file is looked for, none is loaded. */
const INERT_LILCONFIG = 'export function lilconfigSync() { return { search: () => null, load: () => null, clearCaches() {} }; }\n';
const INERT_ID = '\0premortem:inert-lilconfig';

if (existsSync(output) && readFileSync(output, 'utf8').startsWith(stamp)) process.exit(0);

// The entry must sit inside the core package, so the bundler resolves the package from there.
const entry = path.join(core, 'dist', 'vendor', '.entry.mjs');
mkdirSync(path.dirname(entry), { recursive: true });
writeFileSync(entry, "export { getSchema } from '@mrleebo/prisma-ast';\n");
try {
  const result = await build({
    input: entry,
    platform: 'node',
    logLevel: 'warn',
    write: false,
    output: { format: 'cjs' },
    plugins: [
      {
        name: 'premortem:no-configuration-search',
        resolveId: (source) => (source === 'lilconfig' || source.startsWith('lilconfig/') ? INERT_ID : null),
        load: (id) => (id === INERT_ID ? INERT_LILCONFIG : null),
      },
    ],
  });
  const [chunk] = result.output;
  if (!chunk || chunk.type !== 'chunk') throw new Error('rolldown produced no chunk');
  assertLoadsNoCode(chunk.code);
  writeFileSync(output, `${stamp}\n${chunk.code}`);
} finally {
  rmSync(entry, { force: true });
}

/**
 * The bundle may `require` Node's built-ins and nothing else: no path, no computed name, no
 * dynamic `import()`, no code built from text. Anything else could load a file from the analyzed
 * repository, which is what the inert lilconfig above is there to prevent.
 * @param {string} code
 */
function assertLoadsNoCode(code) {
  const problems = [];
  for (const match of code.matchAll(/\brequire\s*\(\s*([^)]*)\)/g)) {
    const argument = match[1] ?? '';
    if (!/^(['"])(node:)?[a-z_]+\1$/.test(argument.trim())) problems.push(`require(${argument})`);
  }
  for (const pattern of [/\bimport\s*\(/, /\bnew\s+Function\s*\(/, /\beval\s*\(/, /\bcreateRequire\b/, /searchPlaces/]) {
    const found = pattern.exec(code);
    if (found) problems.push(found[0]);
  }
  if (problems.length > 0) {
    throw new Error(`The Prisma schema parser bundle could load code at run time (${[...new Set(problems)].join(', ')}); see scripts/vendor-prisma-ast.mjs.`);
  }
}
