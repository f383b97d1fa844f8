import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from './compiler-surface.js';
import type { ProjectFacts } from './engine/project-facts.js';

/** The TypeScript module that made the nodes a rule reads. Never import a second copy. */
export type TypeScriptModule = typeof ts;

export type Severity = 'error' | 'warning';
export type PresetName = 'recommended' | 'strict';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One option: every option states what it does and its default (docs are generated from it). */
export interface PropertySchema {
  type: 'boolean' | 'integer' | 'number' | 'string' | 'array';
  description: string;
  default: JsonValue;
  enum?: JsonValue[];
  items?: { type: 'string' | 'number' | 'integer'; enum?: JsonValue[] };
  minimum?: number;
}

/** A JSON schema (the draft-04 subset ESLint accepts) for one options object. */
export interface OptionsSchema {
  type: 'object';
  properties: Record<string, PropertySchema>;
  additionalProperties: false;
}

/**
 * How often a kind of finding was right on labelled real repositories (docs/precision.md): `high`
 * at 0.9 or more, `medium` from 0.5, `low` below, `unmeasured` with too few labels to say.
 */
export type PrecisionClass = 'high' | 'medium' | 'low' | 'unmeasured';

export interface RuleMeta<MessageIds extends string, Options extends object> {
  /** One-line summary, shown in docs and in the generated README table. */
  description: string;
  type: 'problem' | 'suggestion';
  /** The least strict preset that turns the rule on. */
  recommended: PresetName;
  /** Preset-specific options layered over `defaultOptions`. */
  presetOptions?: Partial<Record<PresetName, Partial<Options>>>;
  severity: Severity;
  requiresTypeChecking: boolean;
  /**
   * Its findings can sit in one file and be explained by a path through others (a mount chain
   * from the app shell). `check --changed-since` runs such a rule on unchanged files too, since a
   * change elsewhere on the path makes their findings relevant; every other rule runs only on the
   * changed files.
   */
  pathsCrossFiles?: boolean;
  /**
   * Its findings in a workspace package can come from the Program of another package that
   * imports it (an app shell mounting a shared palette): in a monorepo, each Program also runs it
   * on the files of the other analyzed packages it includes. Findings at one place are kept once.
   */
  findsAcrossPackages?: boolean;
  hasSuggestions: boolean;
  messages: Record<MessageIds, string>;
  /**
   * The measured precision of each kind of finding (a message id the rule reports with), from
   * rules/measured-precision.ts; a kind not listed is `unmeasured`. `recommended` reports only
   * the `high` kinds.
   */
  precision?: Partial<Record<MessageIds, PrecisionClass>>;
  /**
   * Kinds that stay in `strict` whatever their measured precision: by the rule's design they are
   * a team's policy, not a hazard (a signed-in caller's single-row write without a rate limit).
   */
  strictOnly?: readonly MessageIds[];
  /**
   * Kinds of finding a typescript-eslint rule reports too, by that rule's id. In ESLint, a config
   * that says the rule runs (`settings.premortem.typescriptEslintRules`) leaves them to it.
   */
  alsoReportedBy?: Partial<Record<MessageIds, string>>;
  schema: OptionsSchema;
  defaultOptions: Options;
}

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface Suggestion<MessageIds extends string> {
  messageId: MessageIds;
  data?: Record<string, string>;
  edits: TextEdit[];
}

export interface PathStep {
  file: string;
  line: number;
  label: string;
}

export interface Report<MessageIds extends string> {
  node: ts.Node;
  messageId: MessageIds;
  data?: Record<string, string>;
  suggest?: Suggestion<MessageIds>[];
  /** Places that explain the finding (a mount chain, a call chain). */
  path?: PathStep[];
  /** Overrides the configured severity in the CLI (e.g. by estimated cost); ESLint keeps its own. */
  severity?: Severity;
}

export interface RuleContext<MessageIds extends string, Options extends object> {
  readonly ts: TypeScriptModule;
  readonly program: ProgramQueries;
  readonly checker: TypeQueries;
  readonly sourceFile: ts.SourceFile;
  readonly options: Readonly<Options>;
  /** Project-wide facts (Prisma schema, table statistics), computed once per Program. */
  readonly project: ProjectFacts;
  report(report: Report<MessageIds>): void;
}

/** Handlers keyed by `ts.SyntaxKind` of the injected module; the engine walks each file once. */
export type Visitor = Partial<Record<number, (node: ts.Node) => void>>;

export interface RuleDefinition<MessageIds extends string = string, Options extends object = object> {
  /** Without the `premortem/` prefix, e.g. `no-floating-promises`. */
  name: string;
  meta: RuleMeta<MessageIds, Options>;
  create(context: RuleContext<MessageIds, Options>): Visitor;
}

export const RULE_PREFIX = 'premortem/';

/** A rule's kinds of finding: its message ids but the suggestions', whose ids start with `suggest` by convention. */
export function findingKinds(meta: Pick<RuleMeta<string, object>, 'messages'>): string[] {
  return Object.keys(meta.messages).filter((id) => !id.startsWith('suggest'));
}

/** The kinds of finding `recommended` reports for a rule: those measured as `high`. */
export function highPrecisionKinds(meta: Pick<RuleMeta<string, object>, 'precision' | 'strictOnly'>): string[] {
  return Object.entries(meta.precision ?? {}).flatMap(([kind, measured]) => (measured === 'high' && !meta.strictOnly?.includes(kind) ? [kind] : []));
}

export function ruleId(rule: Pick<RuleDefinition, 'name'>): string {
  return RULE_PREFIX + rule.name;
}

/** Identity helper that keeps the generic parameters of a rule inferred. */
export function defineRule<MessageIds extends string, Options extends object>(
  rule: RuleDefinition<MessageIds, Options>,
): RuleDefinition<MessageIds, Options> {
  return rule;
}

/** Options after defaults: every key present, so rule bodies never need `!`. */
export function resolveOptions<Options extends object>(
  meta: Pick<RuleMeta<string, Options>, 'defaultOptions' | 'presetOptions'>,
  preset: PresetName | undefined,
  user: Partial<Options> | undefined,
): Options {
  return {
    ...meta.defaultOptions,
    ...(preset ? meta.presetOptions?.[preset] : undefined),
    ...user,
  };
}
