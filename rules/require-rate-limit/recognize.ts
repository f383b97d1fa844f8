import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import {
  calleeName,
  getImportSource,
  getPropertyValue,
  getPrismaCallSite,
  resolveSymbol,
  skipOuterExpressions,
  walkTree,
  type PrismaModel,
  type PrismaSchema,
  type TypeScriptModule,
} from '@premortem/core';

/** What the rule needs to recognize limiters, authentication and database reads. */
export interface Recognizer {
  ts: TypeScriptModule;
  program: ProgramQueries;
  checker: TypeQueries;
  schema: PrismaSchema | undefined;
  extraLimiters: readonly string[];
  extraAuth: readonly string[];
}

const LIMITER_MODULES = new Set([
  'express-rate-limit',
  'express-slow-down',
  '@upstash/ratelimit',
  '@fastify/rate-limit',
  'hono-rate-limiter',
  'rate-limiter-flexible',
  '@nestjs/throttler',
  'next-rate-limit',
  '@arcjet/next',
  '@arcjet/node',
]);
export const LIMITER_NAME = /rate_?limit|ratelimit|throttl/i;
/** `isRateLimitError(e)`, `getRateLimitHeaders()`: about a limit someone else applied, not applying one. */
const NOT_A_LIMITER = /^(is|has|was|should|get|parse|format|to)[A-Z_]|error|exception|header|not_?(rate|throttl)/i;
/** `ratelimit.limit(id)` (Upstash), `limiter.consume(key)` (rate-limiter-flexible), `limiter.check()`. */
const LIMITER_METHODS = new Set(['limit', 'consume', 'check', 'protect', 'removeTokens', 'tryRemoveTokens']);

/** A call that applies a rate limit: by name, by the package it comes from, or as configured. */
export function isLimiterCall(recognizer: Recognizer, call: ts.CallExpression | ts.NewExpression): boolean {
  const { ts: tsm, checker } = recognizer;
  const callee = skipOuterExpressions(tsm, call.expression);
  const name = calleeName(tsm, callee);
  if (!name) return false;
  if (recognizer.extraLimiters.includes(name) || recognizer.extraLimiters.includes(callee.getText().replace(/\s+/g, ''))) return true;
  if (LIMITER_NAME.test(name) && !NOT_A_LIMITER.test(name)) return true;
  if (tsm.isPropertyAccessExpression(callee) && LIMITER_METHODS.has(name) && /limit|throttl|arcjet|aj$/i.test(callee.expression.getText())) return true;
  // Any method of a limiter instance applies it: `limiter.checkNext(req, 10)`, `userQuota.consume(id)`.
  if (tsm.isPropertyAccessExpression(callee) && isLimiterInstance(recognizer, callee.expression)) return true;
  const root = rootIdentifier(tsm, callee);
  const source = root ? getImportSource(tsm, checker, root) : undefined;
  return source !== undefined && LIMITER_MODULES.has(source.module);
}

/** `userQuota` declared as `new RateLimiterRedis(…)`, `new Ratelimit(…)`, `rateLimit({…})`: made by a limiter, whatever its name. */
function isLimiterInstance(recognizer: Recognizer, expression: ts.Expression): boolean {
  const { ts: tsm, checker } = recognizer;
  const value = skipOuterExpressions(tsm, expression);
  const name = tsm.isIdentifier(value) ? value : tsm.isPropertyAccessExpression(value) ? value.name : undefined;
  const declaration = name ? resolveSymbol(tsm, checker, name)?.valueDeclaration : undefined;
  if (!declaration || !(tsm.isVariableDeclaration(declaration) || tsm.isPropertyDeclaration(declaration)) || !declaration.initializer) return false;
  const initializer = skipOuterExpressions(tsm, declaration.initializer);
  if (!tsm.isNewExpression(initializer) && !tsm.isCallExpression(initializer)) return false;
  const made = skipOuterExpressions(tsm, initializer.expression);
  const madeBy = calleeName(tsm, made);
  if (madeBy && LIMITER_NAME.test(madeBy)) return true;
  const root = rootIdentifier(tsm, made);
  const source = root ? getImportSource(tsm, checker, root) : undefined;
  return source !== undefined && LIMITER_MODULES.has(source.module);
}

export const AUTH_NAME = /auth|session|jwt|(verify|validate|decode|check|get|require|parse)\w*token|passport|clerk|current_?user|require_?user|ensure_?user|signed_?in|logged_?in|protect/i;
/** `requireAdmin()`, `isStaff(user)`: only staff get past it. */
const ADMIN_CHECK = /^(require|assert|ensure|check|is|verify|only)_?(admin|staff|superuser|super_?admin)/i;
export const AUTH_MIDDLEWARE_NAME = /auth|session|jwt|passport|clerk|require_?user|ensure_?user|signed_?in|logged_?in|protect|guard/i;

/** A call that establishes who is calling: `auth()`, `getServerSession(…)`, `requireUser(req)`, `verifyToken(…)`… */
export function isAuthCall(recognizer: Recognizer, call: ts.CallExpression): boolean {
  const { ts: tsm } = recognizer;
  const callee = skipOuterExpressions(tsm, call.expression);
  const name = calleeName(tsm, callee);
  if (!name) return false;
  if (recognizer.extraAuth.includes(name)) return true;
  // supabase.auth.getUser(), clerkClient.users…, ctx.auth.…
  // signIn, createSession: the way in, not a caller known.
  if (/^(create|sign|issue|generate|refresh|has)|config/i.test(name)) return false;
  if (tsm.isPropertyAccessExpression(callee) && /\bauth\b/i.test(callee.expression.getText())) return true;
  // jwt.verify(token, key): a token checked is a caller known.
  if (name === 'verify' && tsm.isPropertyAccessExpression(callee) && /jwt|jose/i.test(callee.expression.getText())) return true;
  if (ADMIN_CHECK.test(name)) return true;
  return AUTH_NAME.test(name);
}

const DATABASE_ROOTS = /^(prisma|db|database|knex|pool|sql|supabase|kysely|drizzle|mongoose|mongo|collection|repo|repository)$/i;
const READ_METHODS = /^(find\w*|select\w*|query\w*|get\w*|count|aggregate|groupBy|execute|all|from|raw|\$queryRaw\w*)$/;
const WRITE_METHODS = /^(insert\w*|update\w*|upsert\w*|delete\w*|destroy\w*|remove\w*|save\w*|create\w*|\$executeRaw\w*|executeRaw\w*)$/;
const BULK_PRISMA = new Set(['deleteMany', 'updateMany', 'updateManyAndReturn']);

/** A query: `read`, `write`, or `bulk` (`deleteMany`/`updateMany` that no unique field pins to one row). */
export function databaseCall(recognizer: Recognizer, call: ts.CallExpression): 'read' | 'write' | 'bulk' | undefined {
  const { ts: tsm, checker, schema } = recognizer;
  const site = schema ? getPrismaCallSite({ ts: tsm, checker, schema }, call) : undefined;
  if (site) {
    if (site.isRead) return 'read';
    return BULK_PRISMA.has(site.operation) && !pinsOneRow(recognizer, call, site.model) ? 'bulk' : 'write';
  }
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isPropertyAccessExpression(callee)) return undefined;
  const root = rootIdentifier(tsm, callee);
  if (!root || !DATABASE_ROOTS.test(root.text)) return undefined;
  const method = callee.name.text;
  if (READ_METHODS.test(method)) return 'read';
  if (WRITE_METHODS.test(method)) return /Many$/.test(method) ? 'bulk' : 'write';
  return undefined;
}

/**
 * `where: { id }`, `where: { id, ownerId }`, `where: { websiteId, visitId }` under `@@unique([websiteId,
 * visitId])`, `where: { websiteId_visitId: {…} }`: a unique key given one value selects at most one row.
 */
function pinsOneRow(recognizer: Recognizer, call: ts.CallExpression, model: PrismaModel): boolean {
  const { ts: tsm } = recognizer;
  const args = call.arguments[0] ? skipOuterExpressions(tsm, call.arguments[0]) : undefined;
  const whereValue = args && tsm.isObjectLiteralExpression(args) ? getPropertyValue(tsm, args, 'where') : undefined;
  const where = whereValue ? skipOuterExpressions(tsm, whereValue) : undefined;
  if (!where || !tsm.isObjectLiteralExpression(where)) return false;
  const pinned = new Set<string>();
  for (const element of where.properties) {
    const name = element.name && (tsm.isIdentifier(element.name) || tsm.isStringLiteral(element.name)) ? element.name.text : undefined;
    if (!name) continue;
    const value = tsm.isPropertyAssignment(element) ? skipOuterExpressions(tsm, element.initializer) : undefined;
    const compound = model.indexes.some((index) => index.kind !== 'index' && index.fields.length > 1 && (index.name ?? index.fields.join('_')) === name);
    // `{ id: { in: ids } }` selects many; a plain value, a shorthand or a compound key's object selects one.
    if (compound || !value || !tsm.isObjectLiteralExpression(value)) pinned.add(compound ? `compound:${name}` : name);
  }
  if ([...pinned].some((name) => name.startsWith('compound:'))) return true;
  return model.indexes.some((index) => index.kind !== 'index' && index.fields.every((field) => pinned.has(field)));
}

/**
 * Paid or quota-bound services: each call spends money or a quota someone else sets (LLMs,
 * email and SMS, cloud and SaaS APIs). Matched on the package a client comes from. A plain
 * `fetch` or HTTP client is not counted: what it calls (a marketing site, this app's own API, a
 * log sink) cannot be told from the code.
 */
const EXTERNAL_MODULES = [
  /^openai$/,
  /^@anthropic-ai\//,
  /^ai$/,
  /^@ai-sdk\//,
  /^@google\/(generative-ai|genai)$/,
  /^@google-cloud\//,
  /^(@googleapis\/.+|googleapis)$/,
  /^@aws-sdk\//,
  /^stripe$/,
  /^resend$/,
  /^@sendgrid\//,
  /^nodemailer$/,
  /^postmark$/,
  /^twilio$/,
  /^mailgun\.js$/,
  /^@mailchimp\//,
  /^@slack\/web-api$/,
  /^(octokit|@octokit\/rest|@octokit\/core)$/,
  /^@microsoft\/microsoft-graph-client$/,
  /^(replicate|cohere-ai|groq-sdk|@mistralai\/mistralai)$/,
];
const JOB_MODULES = [/^bullmq$/, /^bull$/, /^bee-queue$/, /^pg-boss$/, /^@trigger\.dev\//, /^inngest$/, /^@upstash\/qstash$/, /^@vercel\/queue$/, /^@aws-sdk\/client-sqs$/];
const JOB_METHODS = /^(add|addBulk|trigger|batchTrigger|triggerAndWait|send|sendEvent|publish|publishJSON|enqueue|enqueueJSON|sendMessage|batch)$/;

/** What a call is, for the rule: a limiter, a secret check, authentication, a query, an external API, a job. */
export function classifyCall(recognizer: Recognizer, call: ts.CallExpression): { facts: ('limit' | 'auth' | 'secret' | 'read' | 'write' | 'bulk' | 'external' | 'fanOut')[] } | undefined {
  if (isLimiterCall(recognizer, call)) return { facts: ['limit'] };
  if (isSecretCall(recognizer, call)) return { facts: ['secret'] };
  if (isAuthCall(recognizer, call)) return { facts: ['auth'] };
  const query = databaseCall(recognizer, call);
  if (query === 'read') return { facts: ['read'] };
  if (query === 'write') return { facts: ['write'] };
  if (query === 'bulk') return { facts: ['write', 'bulk'] };
  const source = callSource(recognizer, call);
  if (source && JOB_MODULES.some((pattern) => pattern.test(source.module)) && JOB_METHODS.test(source.method)) return { facts: ['fanOut'] };
  if (source && EXTERNAL_MODULES.some((pattern) => pattern.test(source.module)) && sendsRequest(recognizer, call, source)) return { facts: ['external'] };
  return undefined;
}

/** The Vercel AI SDK's calls that send a request; its other exports build prompts, tools and schemas. */
const AI_SDK_REQUESTS = /^(generate|stream)(Text|Object)$|^embed(Many)?$|^generateImage$|^transcribe$|^generateSpeech$/;

/**
 * Whether a call of an SDK sends a request: a method of a client (`openai.chat.completions.create`,
 * `resend.emails.send`), not a factory that makes one (`createOpenAI(…)`, `new Stripe(…)`), an
 * error class's helper (`APIError.isInstance(e)`), or a type guard.
 */
function sendsRequest(recognizer: Recognizer, call: ts.CallExpression, source: { module: string; method: string }): boolean {
  const { ts: tsm } = recognizer;
  const callee = skipOuterExpressions(tsm, call.expression);
  if (source.module === 'ai' || source.module.startsWith('@ai-sdk/')) return AI_SDK_REQUESTS.test(source.method);
  if (/^is[A-Z]|^isInstance$/.test(source.method)) return false;
  if (tsm.isIdentifier(callee)) return !/^(create|new|init|get|make|build)[A-Z]|^[A-Z]/.test(source.method);
  const root = rootIdentifier(tsm, callee);
  return !root || !/Error$|^[A-Z]\w*Error/.test(root.text);
}

/** The package a call's client comes from (`openai.chat.completions.create`, `new Queue(…)`'s `.add`), and the method called. */
function callSource(recognizer: Recognizer, call: ts.CallExpression): { module: string; method: string } | undefined {
  const { ts: tsm } = recognizer;
  const callee = skipOuterExpressions(tsm, call.expression);
  const method = calleeName(tsm, callee);
  const root = rootIdentifier(tsm, callee);
  if (!root || !method) return undefined;
  const module = moduleOf(recognizer, root);
  return module ? { module, method } : undefined;
}

/** An identifier's package: imported from it, or a variable made by it (`const openai = new OpenAI()`, `export const stripe = new Stripe(…)`). */
function moduleOf(recognizer: Recognizer, identifier: ts.Identifier): string | undefined {
  const { ts: tsm, checker } = recognizer;
  const direct = getImportSource(tsm, checker, identifier);
  if (direct && !direct.module.startsWith('.') && !direct.module.startsWith('@/') && !direct.module.startsWith('~/')) return direct.module;
  const declaration = resolveSymbol(tsm, checker, identifier)?.valueDeclaration;
  if (!declaration || !tsm.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  let initializer = skipOuterExpressions(tsm, declaration.initializer);
  if (tsm.isAwaitExpression(initializer)) initializer = skipOuterExpressions(tsm, initializer.expression);
  if (!tsm.isNewExpression(initializer) && !tsm.isCallExpression(initializer)) return undefined;
  const made = rootIdentifier(tsm, skipOuterExpressions(tsm, initializer.expression));
  return made && made !== identifier ? getImportSource(tsm, checker, made)?.module : undefined;
}

/** A check of a signature: `verifySignature`, `isValidWebhookRequest`, `validateHmac`, `constructEvent`, `timingSafeEqual`. */
const SECRET_CALL = /^(verify|validate|check|is_?valid|assert)\w*(signature|signed|hmac|payload)|^(verify|validate|check|is_?valid)\w*webhook(request|signature|event|payload)?$|(signature|hmac)\w*(verif|valid)|^constructEvent|^timingSafeEqual$/i;
/** Push queues whose callback helper checks each delivery: `handleCallback` of `@vercel/queue`. */
const QUEUE_DELIVERY_MODULES = new Set(['@vercel/queue']);
const WEBHOOK_MODULES = new Set(['svix', 'standardwebhooks', '@upstash/qstash', '@upstash/qstash/nextjs', '@octokit/webhooks', 'stripe']);

/**
 * A check that only a known machine passes: a webhook signature (`stripe.webhooks.constructEvent`,
 * `wh.verify` from svix, QStash's `Receiver.verify`, `verifySignature…`), or an authentication
 * call given a secret from the environment (`bearerAuth({ token: env.CRON_SECRET })`).
 */
function isSecretCall(recognizer: Recognizer, call: ts.CallExpression): boolean {
  const { ts: tsm } = recognizer;
  const callee = skipOuterExpressions(tsm, call.expression);
  const name = calleeName(tsm, callee);
  if (!name || /^(create|sign|generate|send)/i.test(name)) return false;
  if (SECRET_CALL.test(name)) return true;
  const root = rootIdentifier(tsm, callee);
  if (/^handle/.test(name) && root && QUEUE_DELIVERY_MODULES.has(getImportSource(tsm, recognizer.checker, root)?.module ?? '')) return true;
  if (name === 'verify') {
    const module = root ? moduleOf(recognizer, root) : undefined;
    if (module && WEBHOOK_MODULES.has(module)) return true;
  }
  return AUTH_NAME.test(name) && call.arguments.some((argument) => isSecretArgument(recognizer, argument));
}

/**
 * The secret a caller must present: `process.env.CRON_SECRET` itself, or `{ token: … }` /
 * `{ password: … }`. Not `{ secret: … }`, the key a session library decrypts a user's cookie with.
 */
function isSecretArgument(recognizer: Recognizer, argument: ts.Expression): boolean {
  const { ts: tsm } = recognizer;
  const value = skipOuterExpressions(tsm, argument);
  if (!tsm.isObjectLiteralExpression(value)) return isEnvSecretRead(tsm, value) || (tsm.isIdentifier(value) && mentionsEnvSecret(recognizer, value));
  return value.properties.some(
    (element) =>
      tsm.isPropertyAssignment(element) &&
      tsm.isIdentifier(element.name) &&
      /^(token|password|api_?key|key)$/i.test(element.name.text) &&
      (isEnvSecretRead(tsm, element.initializer) || mentionsEnvSecret(recognizer, element.initializer)),
  );
}

const ENV_SECRET = /\benv\b(\.|\[['"`])\w*(SECRET|TOKEN|API_?KEY|PASSWORD|SIGNING|PRIVATE)\w*/i;

/** `req.headers.get('authorization') === \`Bearer ${process.env.CRON_SECRET}\``: a shared secret compared with what the caller sent. */
export function isSecretComparison(recognizer: Recognizer, binary: ts.BinaryExpression): boolean {
  const { ts: tsm } = recognizer;
  const operator = binary.operatorToken.kind;
  if (
    operator !== tsm.SyntaxKind.EqualsEqualsEqualsToken &&
    operator !== tsm.SyntaxKind.ExclamationEqualsEqualsToken &&
    operator !== tsm.SyntaxKind.EqualsEqualsToken &&
    operator !== tsm.SyntaxKind.ExclamationEqualsToken
  ) {
    return false;
  }
  const [left, right] = [skipOuterExpressions(tsm, binary.left), skipOuterExpressions(tsm, binary.right)];
  if (isLiteral(tsm, left) || isLiteral(tsm, right)) return false;
  return mentionsEnvSecret(recognizer, left) || mentionsEnvSecret(recognizer, right);
}

/** `undefined`, `null`, `''`, `typeof x`: a comparison with these checks that a secret is set, not that the caller knows it. */
function isLiteral(tsm: TypeScriptModule, node: ts.Expression): boolean {
  return (
    tsm.isLiteralExpression(node) ||
    node.kind === tsm.SyntaxKind.NullKeyword ||
    node.kind === tsm.SyntaxKind.TrueKeyword ||
    node.kind === tsm.SyntaxKind.FalseKeyword ||
    (tsm.isIdentifier(node) && node.text === 'undefined') ||
    tsm.isTypeOfExpression(node)
  );
}

/** An expression that reads a secret from the environment, itself or through a variable that holds one. */
function mentionsEnvSecret(recognizer: Recognizer, expression: ts.Expression): boolean {
  const { ts: tsm, checker } = recognizer;
  if (ENV_SECRET.test(expression.getText())) return true;
  let found = false;
  walkTree(tsm, expression, (node) => {
    if (!tsm.isIdentifier(node)) return;
    const declaration = resolveSymbol(tsm, checker, node)?.valueDeclaration;
    if (declaration && tsm.isVariableDeclaration(declaration) && declaration.initializer && isEnvSecretRead(tsm, declaration.initializer)) {
      found = true;
      return 'stop';
    }
  });
  return found;
}

/** `process.env.CRON_SECRET`, `env.WEBHOOK_SECRET ?? ''`, `` `Bearer ${env.CRON_SECRET}` ``: the value is the secret itself, not an options object that holds one among others. */
function isEnvSecretRead(tsm: TypeScriptModule, expression: ts.Expression): boolean {
  let value = skipOuterExpressions(tsm, expression);
  while (tsm.isBinaryExpression(value) && (value.operatorToken.kind === tsm.SyntaxKind.QuestionQuestionToken || value.operatorToken.kind === tsm.SyntaxKind.BarBarToken)) {
    value = skipOuterExpressions(tsm, value.left);
  }
  // \`Bearer ${process.env.CRON_SECRET}\`: the header value the caller must send.
  if (tsm.isTemplateExpression(value)) return value.templateSpans.some((span) => isEnvSecretRead(tsm, span.expression));
  return (tsm.isPropertyAccessExpression(value) || tsm.isElementAccessExpression(value)) && ENV_SECRET.test(value.getText());
}

function rootIdentifier(tsm: TypeScriptModule, expression: ts.Expression): ts.Identifier | undefined {
  let current = skipOuterExpressions(tsm, expression);
  while (tsm.isPropertyAccessExpression(current) || tsm.isCallExpression(current) || tsm.isElementAccessExpression(current)) {
    current = skipOuterExpressions(tsm, current.expression);
  }
  return tsm.isIdentifier(current) ? current : undefined;
}
