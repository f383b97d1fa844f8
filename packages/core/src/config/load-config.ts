import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { ruleSettingSchema } from './rule-settings.js';

/** Where premortem looks for its configuration, relative to the project root. */
export const CONFIG_FILE = path.join('.github', 'premortem.yml');
const MAX_CONFIG_BYTES = 256 * 1024;

/** A glob relative to the repository root, written the way `ignore`'s are. */
const scopeGlob = z
  .string()
  .min(1, 'an empty glob matches nothing')
  .refine((glob) => !glob.startsWith('!'), 'starts with "!": list files to leave out under scope.exclude and files to bring back under scope.include, without "!"')
  .refine((glob) => !path.posix.isAbsolute(glob) && !path.win32.isAbsolute(glob), 'globs are relative to the repository root; drop the leading "/"')
  .transform((glob) => glob.replace(/^(\.\/)+/, ''));

const configSchema = z
  .object({
    prisma: z
      .object({
        rows: z.record(z.string(), z.number().int().nonnegative()).optional().describe('Rows per model, when premortem stats has not measured them'),
        stats: z.string().optional().describe('Path of the stats file written by premortem stats'),
      })
      .strict()
      .optional(),
    preset: z.enum(['recommended', 'strict']).optional().describe('The rule set when the command line names none: recommended (the default: only kinds of finding measured as high precision) or strict (every kind)'),
    rules: z.record(z.string(), ruleSettingSchema).optional().describe('Per rule: off, warn, error, or { severity, options }'),
    ignore: z.array(z.string()).optional().describe('Globs, relative to the repository root, of files whose findings are not reported'),
    scope: z
      .object({
        defaults: z.boolean().optional().describe('false: no built-in list, every analyzed file is in scope unless `exclude` says otherwise (default true)'),
        exclude: z.array(scopeGlob).optional().describe('More files out of scope: no rule reports on them, no query is listed'),
        include: z.array(scopeGlob).optional().describe('Files brought back in scope, past the defaults and `exclude`'),
      })
      .strict()
      .optional()
      .describe('Which files are production code: tests, scripts, stories and the like are out of scope by default'),
  })
  .strict();

export type PremortemConfig = z.infer<typeof configSchema>;

/**
 * Reads `.github/premortem.yml` under `rootDir`. It is data, never code: YAML only, size-limited,
 * validated; a bad file is a usage error that names the key and the problem.
 */
export function loadConfig(rootDir: string): { config: PremortemConfig; file: string | undefined } {
  const file = path.join(rootDir, CONFIG_FILE);
  if (!existsSync(file)) return { config: {}, file: undefined };
  if (statSync(file).size > MAX_CONFIG_BYTES) throw new UsageError(`${file} is larger than 256 KB; a premortem config is a few lines.`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new UsageError(`${file} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return { config: result.data, file };
}
