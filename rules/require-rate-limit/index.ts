import type ts from 'typescript';
import { calleeName, defineRule, findCallThrough, skipOuterExpressions, type RuleContext } from '@premortem/core';
import { findHandlers, handlerFunctions, property, type HttpHandler } from './handlers.js';
import { coveredByFastifyLimit, coveredByUse, getMiddlewareIndex, nestGuardCovers, nextMiddlewareFor, type MiddlewareIndex } from './middleware.js';
import { findDatabaseRead, isAuthCall, isAuthMiddleware, isLimiterCall, isLimiterMiddleware, type Recognizer } from './recognize.js';
import { defaultOptions, schema, type Options } from './options.js';

export type { Options } from './options.js';
export type MessageIds = 'unlimitedWrite' | 'unlimitedPublicRead';

export const requireRateLimit = defineRule<MessageIds, Options>({
  name: 'require-rate-limit',
  meta: {
    description:
      'Require a rate limit on endpoints that change data, and on public endpoints that read the database: in the handler, a helper it calls, a wrapper, or a middleware that matches it.',
    type: 'problem',
    recommended: 'recommended',
    severity: 'error',
    requiresTypeChecking: true,
    hasSuggestions: false,
    messages: {
      unlimitedWrite:
        '`{{method}} {{route}}` changes data and nothing limits how often it runs: no limiter in the handler, the helpers it calls, a wrapper around it, or a middleware that matches it. One client, or one buggy retry loop, can call it thousands of times a minute. Add a rate limit ({{hint}}).',
      unlimitedPublicRead:
        '`GET {{route}}` is public (no authentication call) and reads the database (`{{read}}`), with no rate limit: anyone can call it as fast as they like, as 1.44M requests once did to a public embed endpoint. Add a rate limit ({{hint}}), or serve it from a cache.',
    },
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
        const handlers = findHandlers(tsm, program, checker, sourceFile, candidates);
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
};

function checkHandler(context: RuleContext<MessageIds, Options>, recognizer: Recognizer, index: MiddlewareIndex, handler: HttpHandler): void {
  const { options } = context;
  const write = handler.methods.find((method) => options.methods.includes(method));
  const route = handler.route ?? '(route)';
  if (write) {
    if (isLimited(recognizer, index, handler)) return;
    context.report({ node: handler.node, messageId: 'unlimitedWrite', data: { method: write, route, hint: HINTS[handler.framework] } });
    return;
  }
  if (!options.checkPublicReads || !handler.methods.some((method) => method === 'GET' || method === 'ANY')) return;
  const read = databaseRead(recognizer, handler);
  if (!read || isAuthenticated(recognizer, index, handler) || isLimited(recognizer, index, handler)) return;
  const last = read.at(-1)!;
  const readText = skipOuterExpressions(recognizer.ts, last.expression).getText().replace(/\s+/g, '');
  context.report({ node: handler.node, messageId: 'unlimitedPublicRead', data: { route, read: readText, hint: HINTS[handler.framework] } });
}

function codeOf(recognizer: Recognizer, handler: HttpHandler): ts.Node[] {
  const { ts: tsm, checker, program } = recognizer;
  return handler.handlers.flatMap((expression) => {
    const functions = handlerFunctions(tsm, checker, program, expression);
    const value = tsm.isFunctionDeclaration(expression) || tsm.isMethodDeclaration(expression) ? undefined : skipOuterExpressions(tsm, expression);
    return value && tsm.isCallExpression(value) ? [value, ...functions] : functions;
  });
}

function databaseRead(recognizer: Recognizer, handler: HttpHandler): ts.CallExpression[] | undefined {
  for (const code of codeOf(recognizer, handler)) {
    const read = findDatabaseRead(recognizer, code);
    if (read) return read;
  }
  return undefined;
}

function callsThrough(recognizer: Recognizer, handler: HttpHandler, matches: (call: ts.CallExpression) => boolean): boolean {
  const { ts: tsm, program, checker } = recognizer;
  return codeOf(recognizer, handler).some((code) => findCallThrough(tsm, program, checker, code, matches) !== undefined);
}

function isLimited(recognizer: Recognizer, index: MiddlewareIndex, handler: HttpHandler): boolean {
  const { ts: tsm, program, checker } = recognizer;
  const limiterCall = (call: ts.CallExpression) => isLimiterCall(recognizer, call);
  if (callsThrough(recognizer, handler, limiterCall)) return true;
  switch (handler.framework) {
    case 'express':
    case 'hono':
      return (
        handler.handlers.slice(0, -1).some((middleware) => isLimiterMiddleware(recognizer, middleware)) ||
        coveredByUse(tsm, checker, index, handler.receiver, handler.route ?? '', handler.node, (middleware) => isLimiterMiddleware(recognizer, middleware))
      );
    case 'fastify': {
      const config = handler.routeOptions ? property(tsm, handler.routeOptions, 'config') : undefined;
      const routeLimit = config && tsm.isObjectLiteralExpression(config) ? property(tsm, config, 'rateLimit') : undefined;
      if (routeLimit) return routeLimit.kind !== tsm.SyntaxKind.FalseKeyword;
      return coveredByFastifyLimit(tsm, program, checker, index, handler.receiver) || handler.handlers.slice(0, -1).some((hook) => isLimiterMiddleware(recognizer, hook));
    }
    case 'nest':
      return nestLimited(recognizer, index, handler);
    case 'next-app':
    case 'next-pages': {
      const middleware = nextMiddlewareFor(index, handler, handler.node.getSourceFile().fileName);
      return middleware !== undefined && middleware.functions.some((fn) => findCallThrough(tsm, program, checker, fn, limiterCall) !== undefined);
    }
  }
}

function isAuthenticated(recognizer: Recognizer, index: MiddlewareIndex, handler: HttpHandler): boolean {
  const { ts: tsm, program, checker } = recognizer;
  const authCall = (call: ts.CallExpression) => isAuthCall(recognizer, call);
  if (callsThrough(recognizer, handler, authCall)) return true;
  switch (handler.framework) {
    case 'express':
    case 'hono':
      return (
        handler.handlers.slice(0, -1).some((middleware) => isAuthMiddleware(recognizer, middleware)) ||
        coveredByUse(tsm, checker, index, handler.receiver, handler.route ?? '', handler.node, (middleware) => isAuthMiddleware(recognizer, middleware))
      );
    case 'fastify':
      return handler.handlers.slice(0, -1).some((hook) => isAuthMiddleware(recognizer, hook));
    case 'nest':
      return nestGuards(recognizer, handler).some((guard) => /auth|jwt|session|role|clerk/i.test(guard)) || nestGlobal(recognizer, index, handler, /auth|jwt|session|clerk/i);
    case 'next-app':
    case 'next-pages': {
      const middleware = nextMiddlewareFor(index, handler, handler.node.getSourceFile().fileName);
      return middleware !== undefined && middleware.functions.some((fn) => findCallThrough(tsm, program, checker, fn, authCall) !== undefined);
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

/** Guard class names from `@UseGuards(…)` on the method and its class. */
function nestGuards(recognizer: Recognizer, handler: HttpHandler): string[] {
  const { ts: tsm } = recognizer;
  const method = handler.method;
  if (!method) return [];
  const owners: ts.Node[] = [method, ...(tsm.isClassDeclaration(method.parent) ? [method.parent] : [])];
  return owners.flatMap((owner) =>
    (tsm.canHaveDecorators(owner) ? (tsm.getDecorators(owner) ?? []) : []).flatMap((decorator) => {
      const expression = decorator.expression;
      if (!tsm.isCallExpression(expression) || calleeName(tsm, expression.expression) !== 'UseGuards') return [];
      return expression.arguments.map((argument) => argument.getText());
    }),
  );
}
