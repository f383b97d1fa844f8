import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { IsolatedAnalysisFailed, ModuleRefused, refusedModules, STATS_FILE, UsageError } from '@premortem/core';
import { BASELINE_FILE, runBaseline, type BaselineOptions } from './commands/baseline.js';
import { runCheck, type CheckOptions } from './commands/check.js';
import { runInit, type InitOptions } from './commands/init.js';
import { runQueries, type QueriesOptions } from './commands/queries.js';
import { runReview, type ReviewOptions } from './commands/review.js';
import { runStats, type StatsOptions } from './commands/stats.js';
import { ExitCode, type CliIo } from './io.js';
import { refusedError } from './analyze.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Runs the CLI and returns the exit code: 0 clean, 1 findings, 2 the command could not run. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Clean;
  const program = new Command('premortem')
    .description('Find the code patterns behind real outages before they merge.')
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run `premortem --help` for usage)');

  program
    .command('check')
    .description('Analyze TypeScript files and report findings.')
    .argument('[paths...]', 'files or folders to analyze (default: the current folder)')
    .option('-p, --project <tsconfig>', 'use this tsconfig.json instead of discovering them')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json', 'sarif', 'github', 'markdown']).default('stylish'))
    .option('--rule <id>', 'run only this rule, every kind of its findings (repeatable), e.g. --rule no-floating-promises', collect, [])
    .addOption(new Option('--preset <name>', 'rule set to run (default: the config\'s `preset`, else recommended)').choices(['recommended', 'strict']))
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .option('--timing', 'print time per phase and per rule to stderr')
    .option('--baseline <file>', 'fail only on findings not in this baseline (see `premortem baseline`); report entries that no longer occur')
    .option('--changed-since <ref>', 'analyze everything, report only findings on lines changed since the merge base with <ref> (and, in JSON, the query estimates of the changed files)')
    .option('--sarif-file <file>', 'also write the findings as SARIF to this file (with any --format)')
    .option('--report-unused-disable-directives', 'warn about eslint-disable directives naming a premortem rule that silenced nothing')
    .option(...ISOLATE)
    .action(async (paths: string[], options: CheckOptions & Isolation) => {
      exitCode = await runCheck(paths, options, withIsolation(io, options));
    });

  program
    .command('baseline')
    .description('Record the current findings, so `check --baseline` fails only on new ones. An existing baseline only shrinks.')
    .argument('[paths...]', 'files or folders to analyze (default: the current folder)')
    .option('-p, --project <tsconfig>', 'use this tsconfig.json instead of discovering them')
    .option('--rule <id>', 'record only this rule (repeatable)', collect, [])
    .addOption(new Option('--preset <name>', 'rule set to run (default: the config\'s `preset`, else recommended)').choices(['recommended', 'strict']))
    .option('-o, --out <file>', `where to write it (default: ${BASELINE_FILE} in the repository root)`)
    .option('--add-new', 'also accept findings the existing baseline does not hold')
    .option(...ISOLATE)
    .action(async (paths: string[], options: BaselineOptions & Isolation) => {
      exitCode = await runBaseline(paths, options, withIsolation(io, options));
    });

  program
    .command('review')
    .description('Print the review the pull-request bot would post for the changes since --base: inline comments, summary, check conclusion.')
    .argument('[paths...]', 'files or folders to analyze (default: the current folder)')
    .requiredOption('--base <ref>', 'the branch the pull request goes into, e.g. origin/main')
    .option('-p, --project <tsconfig>', 'use this tsconfig.json instead of discovering them')
    .option('--rule <id>', 'run only this rule, every kind of its findings (repeatable)', collect, [])
    .addOption(new Option('--preset <name>', 'rule set to run (default: the config\'s `preset`, else recommended)').choices(['recommended', 'strict']))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--max-comments <n>', 'inline comments at most; the rest go to the summary', '20')
    .option(...ISOLATE)
    .action(async (paths: string[], options: ReviewOptions & Isolation) => {
      exitCode = await runReview(paths, options, withIsolation(io, options));
    });

  program
    .command('queries')
    .description('List every Prisma query with its index, bound and estimated cost.')
    .argument('[paths...]', 'files or folders to analyze (default: the current folder)')
    .option('-p, --project <tsconfig>', 'use this tsconfig.json instead of discovering them')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option(...ISOLATE)
    .action(async (paths: string[], options: QueriesOptions & Isolation) => {
      exitCode = await runQueries(paths, options, withIsolation(io, options));
    });

  program
    .command('init')
    .summary('Set a project up: ESLint config, .github/premortem.yml and a workflow, from what it detects; never overwrites.')
    .description(
      'Set a project up, asking nothing: detect the package manager, the Prisma schema and app shells, then write eslint.config.js ' +
        '(or add premortem to an existing flat config when its text can be edited safely, else print what to add), ' +
        '.github/premortem.yml and .github/workflows/premortem.yml. Never overwrites a file, never runs the project\'s code; a second run changes nothing.',
    )
    .argument('[folder]', 'the project to set up (default: the current folder); files go to its repository root')
    .option('--dry-run', 'print what would be written, write nothing')
    .addOption(new Option('--preset <name>', 'the preset to write (default: the existing config\'s, else recommended)').choices(['recommended', 'strict']))
    .action((folder: string | undefined, options: InitOptions) => {
      exitCode = runInit(folder, options, io);
    });

  program
    .command('stats')
    .description('Read table sizes and column statistics from a live PostgreSQL (read-only) for query-cost estimates.')
    .option('--database-url <url>', 'postgres://user:password@host:5432/database (default: $DATABASE_URL)')
    .option('-o, --out <file>', `where to write them (default: ${STATS_FILE} in the project root)`)
    .option('--timeout <seconds>', 'give up on the database after this long', '15')
    .action(async (options: StatsOptions) => {
      exitCode = await runStats(options, io);
    });

  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return ExitCode.Usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return handleError(error, io);
  }
}

interface Isolation {
  isolate?: boolean;
}

const ISOLATE = [
  '--isolate',
  'analyze in a child process that can only read the analyzed folders and premortem, with no credentials in its environment (also PREMORTEM_ISOLATE=1)',
] as const;

function withIsolation(io: CliIo, options: Isolation): CliIo {
  return { ...io, isolate: options.isolate === true || process.env.PREMORTEM_ISOLATE === '1' };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function handleError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Help and version are successful exits; everything else is a usage problem.
    return error.exitCode === 0 ? ExitCode.Clean : ExitCode.Usage;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`premortem: ${error.message}\n`);
    return ExitCode.Usage;
  }
  // Refused code, even where a dependency caught the refusal and failed some other way.
  const refused = error instanceof ModuleRefused ? [error.file] : refusedModules();
  if (refused.length > 0) {
    io.stderr.write(`premortem: ${refusedError(refused).message}\n`);
    return ExitCode.Usage;
  }
  if (error instanceof IsolatedAnalysisFailed && error.reason !== 'crashed') {
    io.stderr.write(`premortem: ${error.message}\n`);
    return ExitCode.Usage;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`premortem: internal error, please report it with this output:\n${detail}\n`);
  return ExitCode.Usage;
}
