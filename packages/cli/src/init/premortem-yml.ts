import type { PresetName } from '@premortem/core';
import type { PrismaSchemaFound } from './detect.js';

const CONFIG_DOCS = 'https://github.com/premortem/premortem#configuration-githubpremortemyml';
export const SHELLS_RULE = 'no-fetch-on-every-page';
export const DEFAULT_SHELLS_GLOB = '**/{Shell,AppShell,app-shell,shell}.{tsx,jsx}';

export interface ConfigFacts {
  preset: PresetName;
  schema: PrismaSchemaFound | undefined;
  /** Files named like app shells that the default globs miss, relative to the root. */
  shells: readonly string[];
  /** Whether the preset runs the rule that reads `shells`: only then is the setting written active. */
  presetRunsShellsRule: boolean;
}

/**
 * The `shells` globs for the detected files: the default first (a value replaces the default),
 * then one `**\/<name>` per file name, since the globs are relative to each tsconfig's folder.
 */
export function shellGlobs(shells: readonly string[]): string[] {
  return [DEFAULT_SHELLS_GLOB, ...new Set(shells.map((file) => `**/${file.split('/').at(-1) ?? file}`))];
}

/**
 * `.github/premortem.yml`: only keys that exist in the config's schema. What init found but
 * the config has no key for (where the Prisma schema is: premortem finds it the same way on
 * every run) is a comment.
 */
export function premortemYml(facts: ConfigFacts): string {
  const lines = [
    "# Premortem's configuration, read by `premortem check`, the GitHub Action and the bot.",
    `# Written by \`premortem init\`. Every key: ${CONFIG_DOCS}`,
    '#',
    ...schemaComment(facts.schema),
    `preset: ${facts.preset}`,
  ];
  if (facts.shells.length > 0) {
    const settings = [
      'rules:',
      `  ${SHELLS_RULE}:`,
      '    options:',
      '      shells:',
      ...shellGlobs(facts.shells).map((glob) => `        - ${quote(glob)}`),
    ];
    const named = oneLine(facts.shells.join(', '));
    if (facts.presetRunsShellsRule) {
      lines.push(`# Named like app shells, which every page renders inside, and missed by the default globs: ${named}`, ...settings);
    } else {
      lines.push(
        '',
        `# Named like app shells, which every page renders inside, and missed by the default globs: ${named}.`,
        `# ${SHELLS_RULE}, the rule that reads \`shells\`, is not in the ${facts.preset} preset; to run it`,
        '# with these shells, uncomment:',
        ...settings.map((line) => `# ${line}`),
      );
    }
  }
  return lines.join('\n') + '\n';
}

function schemaComment(schema: PrismaSchemaFound | undefined): string[] {
  if (!schema) return ['# Prisma schema: none found, so the Prisma rules have no models to check.', ...schemaNotes([])];
  return [`# Prisma schema: ${oneLine(schema.path)} (found by ${oneLine(schema.via)}; nothing to set here).`, ...schemaNotes(schema.notes)];
}

function schemaNotes(notes: readonly string[]): string[] {
  return notes.map((note) => `#   note: ${oneLine(note)}`);
}

/** A comment stays one line, whatever a file or folder name holds. */
function oneLine(text: string): string {
  return [...text].map((char) => (isLineBreaking(char) ? ' ' : char)).join('');
}

function isLineBreaking(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029;
}

/** A YAML single-quoted scalar. */
function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
