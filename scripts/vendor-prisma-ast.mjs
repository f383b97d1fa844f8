// Bundles @mrleebo/prisma-ast and its dependencies into one CommonJS file in @premortem/core's
// dist. Loading the package costs about 0.3 s of every run that reads a schema: chevrotain
// imports lodash-es's index, 640 ES modules that Node resolves, reads and compiles one by one.
// The bundle holds only the lodash functions it uses and loads in under 0.1 s. Same code, so the
// same parser; test/prisma/vendored-parser.test.ts checks that both give the same trees.
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
const stamp = `// @mrleebo/prisma-ast ${version} (${license}) and its dependencies (chevrotain, Apache-2.0; lodash-es and lilconfig, MIT), bundled by rolldown ${rolldownVersion} (scripts/vendor-prisma-ast.mjs).`;

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
  });
  const [chunk] = result.output;
  if (!chunk || chunk.type !== 'chunk') throw new Error('rolldown produced no chunk');
  writeFileSync(output, `${stamp}\n${chunk.code}`);
} finally {
  rmSync(entry, { force: true });
}
