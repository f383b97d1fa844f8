import type ts from 'typescript';
import type { ProgramQueries, TypeQueries } from '@premortem/core';
import {
  calleeName,
  findCallThrough,
  getImportSource,
  getPrismaCallSite,
  resolveSymbol,
  skipOuterExpressions,
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
const LIMITER_NAME = /rate_?limit|ratelimit|throttl/i;
/** `ratelimit.limit(id)` (Upstash), `limiter.consume(key)` (rate-limiter-flexible), `limiter.check()`. */
const LIMITER_METHODS = new Set(['limit', 'consume', 'check', 'protect', 'removeTokens', 'tryRemoveTokens']);

/** A call that applies a rate limit: by name, by the package it comes from, or as configured. */
export function isLimiterCall(recognizer: Recognizer, call: ts.CallExpression | ts.NewExpression): boolean {
  const { ts: tsm, checker } = recognizer;
  const callee = skipOuterExpressions(tsm, call.expression);
  const name = calleeName(tsm, callee);
  if (!name) return false;
  if (recognizer.extraLimiters.includes(name) || recognizer.extraLimiters.includes(callee.getText().replace(/\s+/g, ''))) return true;
  if (LIMITER_NAME.test(name)) return true;
  if (tsm.isPropertyAccessExpression(callee) && LIMITER_METHODS.has(name) && (/limit|throttl|arcjet|aj$/i.test(callee.expression.getText()) || isLimiterInstance(recognizer, callee.expression))) return true;
  const root = rootIdentifier(tsm, callee);
  const source = root ? getImportSource(tsm, checker, root) : undefined;
  return source !== undefined && LIMITER_MODULES.has(source.module);
}

/** `userQuota` declared as `new RateLimiterRedis(…)`, `new Ratelimit(…)`: made by a limiter package, whatever its name. */
function isLimiterInstance(recognizer: Recognizer, expression: ts.Expression): boolean {
  const { ts: tsm, checker } = recognizer;
  const value = skipOuterExpressions(tsm, expression);
  const name = tsm.isIdentifier(value) ? value : tsm.isPropertyAccessExpression(value) ? value.name : undefined;
  const declaration = name ? resolveSymbol(tsm, checker, name)?.valueDeclaration : undefined;
  if (!declaration || !(tsm.isVariableDeclaration(declaration) || tsm.isPropertyDeclaration(declaration)) || !declaration.initializer) return false;
  const initializer = skipOuterExpressions(tsm, declaration.initializer);
  if (!tsm.isNewExpression(initializer) && !tsm.isCallExpression(initializer)) return false;
  const root = rootIdentifier(tsm, skipOuterExpressions(tsm, initializer.expression));
  const source = root ? getImportSource(tsm, checker, root) : undefined;
  return source !== undefined && LIMITER_MODULES.has(source.module);
}

/**
 * A middleware argument that limits: a limiter call (`rateLimit({…})`), or a name for one
 * (`apiLimiter`, declared as `rateLimit({…})` or as a project function that calls a limiter).
 */
export function isLimiterMiddleware(recognizer: Recognizer, expression: ts.Expression): boolean {
  return middlewareMatches(recognizer, expression, (call) => isLimiterCall(recognizer, call), LIMITER_NAME);
}

const AUTH_NAME = /auth|session|jwt|token|passport|clerk|current_?user|require_?user|ensure_?user|signed_?in|logged_?in|protect/i;
const AUTH_MIDDLEWARE_NAME = /auth|session|jwt|passport|clerk|require_?user|ensure_?user|signed_?in|logged_?in|protect|guard/i;

/** A call that establishes who is calling: `auth()`, `getServerSession(…)`, `requireUser(req)`, `verifyToken(…)`… */
export function isAuthCall(recognizer: Recognizer, call: ts.CallExpression): boolean {
  const { ts: tsm } = recognizer;
  const callee = skipOuterExpressions(tsm, call.expression);
  const name = calleeName(tsm, callee);
  if (!name) return false;
  if (recognizer.extraAuth.includes(name)) return true;
  // supabase.auth.getUser(), clerkClient.users…, ctx.auth.…
  if (tsm.isPropertyAccessExpression(callee) && /\bauth\b/i.test(callee.expression.getText())) return true;
  return AUTH_NAME.test(name) && !/^(create|sign|issue|generate|refresh)/i.test(name);
}

export function isAuthMiddleware(recognizer: Recognizer, expression: ts.Expression): boolean {
  return middlewareMatches(recognizer, expression, (call) => recognizer.ts.isCallExpression(call) && isAuthCall(recognizer, call), AUTH_MIDDLEWARE_NAME);
}

function middlewareMatches(
  recognizer: Recognizer,
  expression: ts.Expression,
  matches: (call: ts.CallExpression | ts.NewExpression) => boolean,
  namePattern: RegExp,
): boolean {
  const { ts: tsm, program, checker } = recognizer;
  const value = skipOuterExpressions(tsm, expression);
  if (tsm.isCallExpression(value) || tsm.isNewExpression(value)) {
    if (matches(value)) return true;
    // A factory whose result is the middleware: `limiter.middleware()`, `createLimiter(opts)`.
    const name = calleeName(tsm, value.expression);
    if (name && namePattern.test(name)) return true;
    return tsm.isCallExpression(value) && findCallThrough(tsm, program, checker, value, (call) => matches(call), 3) !== undefined;
  }
  const nameNode = tsm.isPropertyAccessExpression(value) ? value.name : value;
  if (!tsm.isIdentifier(nameNode)) return false;
  if (namePattern.test(nameNode.text)) return true;
  const declaration = resolveSymbol(tsm, checker, nameNode)?.valueDeclaration;
  if (!declaration) return false;
  if (tsm.isVariableDeclaration(declaration) && declaration.initializer) {
    const initializer = skipOuterExpressions(tsm, declaration.initializer);
    if ((tsm.isCallExpression(initializer) || tsm.isNewExpression(initializer)) && matches(initializer)) return true;
  }
  return findCallThrough(tsm, program, checker, declaration, (call) => matches(call), 3) !== undefined;
}

const DATABASE_ROOTS = /^(prisma|db|database|knex|pool|sql|supabase|kysely|drizzle|mongoose|mongo|collection|repo|repository)$/i;
const READ_METHODS = /^(find\w*|select\w*|query\w*|get\w*|count|aggregate|groupBy|execute|all|from|raw|\$queryRaw\w*)$/;

/** A database read, through the project functions the handler calls: the chain of calls, or undefined. */
export function findDatabaseRead(recognizer: Recognizer, root: ts.Node): ts.CallExpression[] | undefined {
  const { ts: tsm, program, checker, schema } = recognizer;
  return findCallThrough(tsm, program, checker, root, (call) => {
    if (schema && getPrismaCallSite({ ts: tsm, checker, schema }, call)) return true;
    const callee = skipOuterExpressions(tsm, call.expression);
    if (!tsm.isPropertyAccessExpression(callee) || !READ_METHODS.test(callee.name.text)) return false;
    const root = rootIdentifier(tsm, callee);
    return root !== undefined && DATABASE_ROOTS.test(root.text);
  });
}

function rootIdentifier(tsm: TypeScriptModule, expression: ts.Expression): ts.Identifier | undefined {
  let current = skipOuterExpressions(tsm, expression);
  while (tsm.isPropertyAccessExpression(current) || tsm.isCallExpression(current) || tsm.isElementAccessExpression(current)) {
    current = skipOuterExpressions(tsm, current.expression);
  }
  return tsm.isIdentifier(current) ? current : undefined;
}
