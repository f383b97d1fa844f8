import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import type { PremortemApp } from './app.js';
import { answerProbe, PROBE_PATHS } from './probes.js';

export interface WebhookLimits {
  /** A delivery's body, at most. GitHub caps payloads at 25 MB. */
  maxBodyBytes: number;
  /** Bodies being received at once, in declared bytes, at most: beyond it a delivery is answered 503 at once. */
  maxPendingBytes: number;
  /** Time to receive a body once its headers arrived. */
  bodyTimeoutMs: number;
}

const MB = 1024 * 1024;
export const DEFAULT_WEBHOOK_LIMITS: WebhookLimits = { maxBodyBytes: 25 * MB, maxPendingBytes: 100 * MB, bodyTimeoutMs: 10_000 };

export interface WebhookServerOptions {
  /** Verifies signatures with the webhook secret. */
  probot: Probot;
  app: PremortemApp;
  path: string;
  limits: WebhookLimits;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /** Why the server should get no new work (draining before a stop), or undefined when ready: `/readyz`. */
  notReady?: () => string | undefined;
}


/**
 * The HTTP front: webhook deliveries on one path, judged from their headers before any body is
 * read (events and signatures present, a declared size within GitHub's cap), bodies received
 * under a byte cap, a shared budget and a deadline, verified against the secret, then handed to
 * the app, which queues its review and returns. Logs name the delivery, never its body. (Probot's
 * own server reads whole bodies before it looks at them, logs them at debug level, and builds a
 * GitHub client per delivery before answering.)
 */
export function createWebhookServer(options: WebhookServerOptions): Server {
  const { probot, limits, log } = options;
  let pendingBytes = 0;

  /** What the headers alone say: a refusal, or the delivery to receive. */
  const judgeHeaders = (request: IncomingMessage): { refuse: [number, string] } | { name: string; id: string; signature: string; declared: number } => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname !== options.path) return { refuse: [404, 'Not found'] };
    if (request.method !== 'POST') return { refuse: [405, 'Webhooks are POSTed'] };
    const name = header(request, 'x-github-event');
    const id = header(request, 'x-github-delivery');
    const signature = header(request, 'x-hub-signature-256');
    if (!name || !id || !signature) return { refuse: [400, 'Not a GitHub delivery: x-github-event, x-github-delivery and x-hub-signature-256 are required'] };
    // GitHub always says how long a delivery is; a body of unknown size is not read at all.
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (!Number.isInteger(declared) || declared < 0) return { refuse: [411, 'Content-Length is required'] };
    if (declared > limits.maxBodyBytes) {
      log.warn(`delivery ${id.slice(0, 64)} (${name.slice(0, 64)}): refused, ${declared} bytes declared (at most ${limits.maxBodyBytes})`);
      return { refuse: [413, 'Payload too large'] };
    }
    return { name, id, signature, declared };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const judged = judgeHeaders(request);
    if ('refuse' in judged) return reply(response, ...judged.refuse);
    const { name, id, signature, declared } = judged;
    const delivery = `delivery ${id.slice(0, 64)} (${name.slice(0, 64)})`;
    if (pendingBytes + declared > limits.maxPendingBytes) {
      log.warn(`${delivery}: refused, ${Math.round(pendingBytes / MB)} MB of other deliveries are being received`);
      return reply(response, 503, 'Busy: try again');
    }
    pendingBytes += declared;
    let body: Buffer;
    try {
      body = await readBody(request, limits, declared);
    } catch (error) {
      const problem = error as BodyProblem;
      log.warn(`${delivery}: refused, ${problem.message}`);
      return reply(response, problem.status ?? 400, problem.message);
    } finally {
      pendingBytes -= declared;
    }
    const text = body.toString('utf8');
    if (!(await probot.webhooks.verify(text, signature))) {
      log.warn(`${delivery}: refused, the signature does not match the webhook secret`);
      return reply(response, 401, 'Signature does not match');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return reply(response, 400, 'The body is not JSON');
    }
    try {
      await options.app.receive({ id, name, payload });
    } catch (error) {
      // Not queued (Redis unreachable): GitHub marks the delivery failed, and it can be redelivered.
      log.error(`${delivery}: not queued, ${error instanceof Error ? error.message : String(error)}`);
      return reply(response, 503, 'Could not queue the review: try again');
    }
    reply(response, 200, 'ok');
  };

  const serve = (request: IncomingMessage, response: ServerResponse) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (PROBE_PATHS.has(pathname) && pathname !== options.path) return answerProbe(request, response, pathname, options.notReady);
    handle(request, response).catch((error: unknown) => {
      log.error(`webhook handling failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      reply(response, 500, 'Internal error');
    });
  };
  const server = createServer(serve);
  // A client that asks before sending its body (`Expect: 100-continue`) hears a refusal first.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    const judged = judgeHeaders(request);
    if ('refuse' in judged) return reply(response, ...judged.refuse);
    response.writeContinue();
    serve(request, response);
  });
  return server;
}

interface BodyProblem extends Error {
  status?: number;
}

/**
 * The body, within `bodyTimeoutMs`, and no more than it declared (Node's parser already holds a
 * body to its Content-Length; this is the belt to those braces). The connection is dropped when
 * either is broken.
 */
function readBody(request: IncomingMessage, limits: WebhookLimits, declared: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (status: number, message: string) => {
      clearTimeout(timer);
      request.removeAllListeners('data');
      reject(Object.assign(new Error(message), { status }));
    };
    const timer = setTimeout(() => fail(408, `the body did not arrive within ${limits.bodyTimeoutMs} ms`), limits.bodyTimeoutMs);
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > Math.min(declared, limits.maxBodyBytes)) return fail(413, `the body is larger than the ${declared} bytes it declared`);
      chunks.push(chunk);
    });
    request.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks, size));
    });
    request.once('error', (error) => fail(400, `the body could not be read (${error.message})`));
  });
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Answers and, when the request's body was not read to its end, closes the connection: what is
 * left of it is never buffered.
 */
function reply(response: ServerResponse, status: number, message: string): void {
  if (response.headersSent) return;
  const body = JSON.stringify({ message });
  const unread = !response.req.readableEnded;
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...(status === 503 ? { 'retry-after': '5' } : {}), ...(status === 405 ? { allow: 'POST' } : {}) };
  response.writeHead(status, unread ? { ...headers, connection: 'close' } : headers);
  response.end(body, () => {
    if (unread) response.req.destroy();
  });
}
