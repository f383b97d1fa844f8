import type ts from 'typescript';
import { calleeName, defineRule, resolveCalledFunction, skipOuterExpressions, walkTree, type RuleContext } from '@premortem/core';
import { findHandlers, handlerFunctions, property, type HttpHandler } from './handlers.js';
import { coveredByFastifyLimit, coveredByUse, getMiddlewareIndex, nestGuardCovers, nextMiddlewareFor, type MiddlewareIndex } from './middleware.js';
import { middlewareReach, reachOf, type Reach } from './reach.js';
import { findTrpcProcedures } from './trpc-procedures.js';
import { isTrpcServedLimited } from './trpc-serving.js';
import type { Recognizer } from './recognize.js';
import { defaultOptions, schema, type Options } from './options.js';

export type { Options } from './options.js';
export type MessageIds = 'unlimitedPublic' | 'unlimitedBulkChange' | 'unlimitedWrite';

export const requireRateLimit = defineRule<MessageIds, Options>({
  name: 'require-rate-limit',
  meta: {
    description:
      'Require a rate limit on endpoints anyone can call that reach the database, a paid API or a queue, and on endpoints that change many rows: in the handler, a helper it calls, a wrapper, or a middleware that matches it.',
    type: 'problem',
    recommended: 'recommended',
    severity: 'error',
    requiresTypeChecking: true,
    hasSuggestions: false,
    messages: {
      unlimitedPublic:
        '`{{method}} {{route}}` is public (nothing authenticates the caller) and {{does}}, with no rate limit: anyone can call it as fast as they like, as 1.44M requests once did to a public embed endpoint. Add a rate limit ({{hint}}), or serve it from a cache.',
      unlimitedBulkChange:
        '`{{method}} {{route}}` {{does}} and nothing limits how often it runs: one client, or one buggy retry loop, can repeat it thousands of times a minute. Add a rate limit ({{hint}}).',
      unlimitedWrite:
        '`{{method}} {{route}}` {{does}}, and nothing limits how often it runs: no limiter in the handler, the helpers it calls, a wrapper around it, or a middleware that matches it. One client, or one buggy retry loop, can call it thousands of times a minute. Add a rate limit ({{hint}}).',
    },
    // "Every other write is strict only": a single-row write by a signed-in caller is a policy choice.
    strictOnly: ['unlimitedWrite'],
    schema,
    defaultOptions,
  },
  create(context) {
    const { ts: tsm, program, checker, options, sourceFile } = context;
    const candidates: (ts.CallExpression | ts.MethodDeclaration)[] = [];
    const collect = (node: ts.Node) => candidates.push(node as ts.CallExpression | ts.MethodDeclaration);
    return {
      [tsm.SyntaxKind.CallExpression]: collect,
      [tsm.SyntaxKind.MethodDeclaration]: collect,
      // The walk visits the end-of-file token last: every call and method has been seen.
      [tsm.SyntaxKind.EndOfFileToken]: () => {
        const handlers: HttpHandler[] = [...findHandlers(tsm, program, checker, sourceFile, candidates), ...findTrpcProcedures(tsm, program, checker, candidates)];
        if (handlers.length === 0) return;
        const recognizer: Recognizer = {
          ts: tsm,
          program,
          checker,
          schema: context.project.prismaSchema(),
          extraLimiters: options.limiters,
          extraAuth: options.authFunctions,
        };
        const index = getMiddlewareIndex(tsm, program, checker);
        for (const handler of handlers) checkHandler(context, recognizer, index, handler);
      },
    };
  },
});

const HINTS: Record<HttpHandler['framework'], string> = {
  'next-app': '`@upstash/ratelimit` in the handler or in `middleware.ts`',
  'next-pages': '`@upstash/ratelimit` or `rate-limiter-flexible` in the handler',
  express: '`express-rate-limit` as route or app middleware',
  fastify: '`@fastify/rate-limit`',
  hono: '`hono-rate-limiter`',
  nest: '`@nestjs/throttler`: `@Throttle()` or a global `ThrottlerGuard`',
  trpc: 'a limiter middleware on the procedure: `procedure.use(rateLimit)`',
};

/** `protectedProcedure`, `authedProcedure`, `adminProcedure`: builders named for who may call them. */
const AUTHENTICATED_PROCEDURE = /protected|authed|authenticated|private|admin|staff|user|member|team|org|session|logged|signed/i;

/**
 * Decides by risk: a limit is needed where anyone can call an endpoint that reaches the database,
 * a paid API or a queue, and where a signed-in caller can change many rows at once. Other writes
 * are reported as `unlimitedWrite` (strict). An endpoint a known machine calls (a verified
 * signature or shared secret) and one that changes nothing are left alone.
 */
function checkHandler(context: RuleContext<MessageIds, Options>, recognizer: Recognizer, index: MiddlewareIndex, handler: HttpHandler): void {
  const { options } = context;
  const reach = costWithin(reachOf(recognizer, codeOf(recognizer, handler)));
  const guards = middlewareFacts(recognizer, index, handler);
  if (reach.limit || guards.limit || reach.secret || guards.secret) return;
  const route = handler.mountedRoute ?? handler.route ?? '(route)';
  const hint = HINTS[handler.framework];
  const write = handler.methods.find((method) => options.methods.includes(method));
  // A pages-router handler answering several writes is named by all of them: which branch writes is not told apart.
  const writes = handler.methods.filter((m) => options.methods.includes(m));
  const method = handler.framework === 'trpc' ? (write ? 'mutation' : 'query') : writes.length > 1 ? writes.join('/') : (write ?? handler.methods[0] ?? 'ANY');
  if (!reach.auth && !guards.auth) {
    const does = publicEffect(recognizer, reach);
    if (!does || (!write && !options.checkPublicReads)) return;
    context.report({ node: handler.node, messageId: 'unlimitedPublic', data: { method, route, does, hint } });
    return;
  }
  // A signed-in caller's GET that changes many rows is a job's trigger (a cron), not a button pressed in a loop.
  if (reach.bulk && write) {
    context.report({ node: handler.node, messageId: 'unlimitedBulkChange', data: { method, route, does: `changes many rows at once (\`${calledText(recognizer, reach.bulk)}\`)`, hint } });
    return;
  }
  const change = reach.write ?? reach.external ?? reach.fanOut;
  if (!write || !change) return;
  const does = reach.write ? 'writes to the database' : reach.external ? 'calls a paid API' : 'hands work on';
  context.report({ node: handler.node, messageId: 'unlimitedWrite', data: { method, route, does: `${does} (\`${calledText(recognizer, change)}\`)`, hint } });
}

/**
 * How many project calls down a cost still counts. Authentication and limits count at any depth
 * (wrappers nest them deep); a write or an SDK call five helpers away is usually on some other
 * branch than the request's.
 */
const COST_DEPTH = 4;

function costWithin(reach: Reach): Reach {
  const near: Reach = { ...reach };
  for (const fact of ['read', 'write', 'bulk', 'external', 'fanOut'] as const) {
    if ((reach.calls?.[fact] ?? 0) > COST_DEPTH) delete near[fact];
  }
  return near;
}

/** What a public endpoint does that costs: work handed on, a paid API, a write, a read; undefined when none. */
function publicEffect(recognizer: Recognizer, reach: Reach): string | undefined {
  if (reach.fanOut) return `hands work on per request (\`${calledText(recognizer, reach.fanOut)}\`)`;
  if (reach.external) return `calls a paid API (\`${calledText(recognizer, reach.external)}\`)`;
  if (reach.bulk) return `changes many rows at once (\`${calledText(recognizer, reach.bulk)}\`)`;
  if (reach.write) return `writes to the database (\`${calledText(recognizer, reach.write)}\`)`;
  if (reach.read) return `reads the database (\`${calledText(recognizer, reach.read)}\`)`;
  return undefined;
}

function calledText(recognizer: Recognizer, node: ts.Node): string {
  const { ts: tsm } = recognizer;
  const target = tsm.isCallExpression(node) ? skipOuterExpressions(tsm, node.expression) : node;
  const text = target.getText().replace(/\s+/g, '');
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function codeOf(recognizer: Recognizer, handler: HttpHandler): ts.Node[] {
  const { ts: tsm, checker, program } = recognizer;
  return handler.handlers.flatMap((expression) => {
    const functions = handlerFunctions(tsm, checker, program, expression);
    const value = tsm.isFunctionDeclaration(expression) || tsm.isMethodDeclaration(expression) ? undefined : skipOuterExpressions(tsm, expression);
    return value && tsm.isCallExpression(value) ? [value, ...functions] : functions;
  });
}

/** What runs before the handler, by framework: route middleware, `use`, Next's `middleware.ts`, Fastify hooks and plugins, Nest guards. */
function middlewareFacts(recognizer: Recognizer, index: MiddlewareIndex, handler: HttpHandler): Pick<Reach, 'limit' | 'auth' | 'secret'> {
  const { ts: tsm, program, checker } = recognizer;
  const facts: Pick<Reach, 'limit' | 'auth' | 'secret'> = {};
  const add = (reach: Reach) => {
    facts.limit ??= reach.limit;
    facts.auth ??= reach.auth;
    facts.secret ??= reach.secret;
  };
  const routeMiddlewares = handler.handlers.slice(0, -1);
  switch (handler.framework) {
    case 'express':
    case 'hono': {
      for (const middleware of routeMiddlewares) add(middlewareReach(recognizer, middleware));
      for (const fact of ['limit', 'auth', 'secret'] as const) {
        if (facts[fact]) continue;
        const covered = coveredByUse(tsm, checker, index, handler.receiver, handler.route ?? '', handler.node, (middleware) => middlewareReach(recognizer, middleware)[fact] !== undefined);
        if (covered) facts[fact] = handler.node;
      }
      return facts;
    }
    case 'fastify': {
      for (const hook of routeMiddlewares) add(middlewareReach(recognizer, hook));
      const config = handler.routeOptions ? property(tsm, handler.routeOptions, 'config') : undefined;
      const routeLimit = config && tsm.isObjectLiteralExpression(config) ? property(tsm, config, 'rateLimit') : undefined;
      if (routeLimit) {
        // `config: { rateLimit: false }` opts the route out of a global limit.
        if (routeLimit.kind === tsm.SyntaxKind.FalseKeyword) facts.limit = undefined;
        else facts.limit ??= routeLimit;
      } else if (coveredByFastifyLimit(tsm, program, checker, index, handler.receiver)) {
        facts.limit ??= handler.node;
      }
      return facts;
    }
    case 'nest':
      if (nestLimited(recognizer, index, handler)) facts.limit = handler.node;
      if (nestGuards(recognizer, handler).some((guard) => /auth|jwt|session|role|clerk|admin/i.test(guard)) || nestGlobal(recognizer, index, handler, /auth|jwt|session|clerk/i)) facts.auth = handler.node;
      return facts;
    case 'trpc':
      for (const middleware of routeMiddlewares) add(middlewareReach(recognizer, middleware));
      if ((handler.procedureNames ?? []).some((name) => AUTHENTICATED_PROCEDURE.test(name) && !/public/i.test(name))) facts.auth ??= handler.node;
      // A limit where the router is served (the route handler, a `use` before the adapter) covers every procedure.
      if (!facts.limit && isTrpcServedLimited(recognizer, index)) facts.limit = handler.node;
      return facts;
    case 'next-app':
    case 'next-pages': {
      const middleware = nextMiddlewareFor(index, handler, handler.node.getSourceFile().fileName);
      if (middleware) add(reachOf(recognizer, middleware.functions));
      return facts;
    }
  }
}

/** `@Throttle()` or a throttler guard on the method or its class, or a global one, unless `@SkipThrottle()`. */
function nestLimited(recognizer: Recognizer, index: MiddlewareIndex, handler: HttpHandler): boolean {
  const names = nestDecoratorNames(recognizer, handler);
  if (names.includes('SkipThrottle')) return false;
  if (names.some((name) => /^Throttle/.test(name))) return true;
  if (nestGuards(recognizer, handler).some((guard) => /throttl/i.test(guard))) return true;
  return nestGlobal(recognizer, index, handler, /throttl/i);
}

function nestGlobal(recognizer: Recognizer, index: MiddlewareIndex, handler: HttpHandler, name: RegExp): boolean {
  const { ts: tsm, checker } = recognizer;
  const controller = handler.method?.parent;
  if (!controller || !tsm.isClassDeclaration(controller)) return false;
  return index.nestGlobalGuards.some((guard) => name.test(guard.name) && nestGuardCovers(tsm, checker, guard, controller));
}

function nestDecoratorNames(recognizer: Recognizer, handler: HttpHandler): string[] {
  const { ts: tsm } = recognizer;
  const method = handler.method;
  if (!method) return [];
  const owners: ts.Node[] = [method, ...(tsm.isClassDeclaration(method.parent) ? [method.parent] : [])];
  return owners.flatMap((owner) =>
    (tsm.canHaveDecorators(owner) ? (tsm.getDecorators(owner) ?? []) : []).flatMap((decorator) => {
      const expression = decorator.expression;
      const name = tsm.isCallExpression(expression) ? calleeName(tsm, expression.expression) : calleeName(tsm, expression);
      return name ? [name] : [];
    }),
  );
}

/**
 * Guard class names from `@UseGuards(…)` on the method and its class, also where a project
 * decorator composes it (`applyDecorators(UseGuards(AuthGuard('jwt')), …)` in `@RequiresScope()`).
 */
function nestGuards(recognizer: Recognizer, handler: HttpHandler): string[] {
  const { ts: tsm, program, checker } = recognizer;
  const method = handler.method;
  if (!method) return [];
  const owners: ts.Node[] = [method, ...(tsm.isClassDeclaration(method.parent) ? [method.parent] : [])];
  return owners.flatMap((owner) =>
    (tsm.canHaveDecorators(owner) ? (tsm.getDecorators(owner) ?? []) : []).flatMap((decorator) => {
      const expression = decorator.expression;
      if (!tsm.isCallExpression(expression)) return [];
      if (calleeName(tsm, expression.expression) === 'UseGuards') return guardNames(expression);
      const composed = resolveCalledFunction(tsm, program, checker, expression)?.body;
      const guards: string[] = [];
      if (composed) {
        walkTree(tsm, composed, (node) => {
          if (tsm.isCallExpression(node) && calleeName(tsm, node.expression) === 'UseGuards') guards.push(...guardNames(node));
        });
      }
      return guards;
    }),
  );
}

function guardNames(useGuards: ts.CallExpression): string[] {
  return useGuards.arguments.map((argument) => argument.getText());
}
