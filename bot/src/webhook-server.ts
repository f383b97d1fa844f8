import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Probot } from 'probot';

export interface WebhookLimits {
  /** A delivery's body, at most. GitHub caps payloads at 25 MB. */
  maxBodyBytes: number;
  /** Bodies being received at once, in bytes, at most: beyond it a delivery is answered 503 at once. */
  maxPendingBytes: number;
  /** Time to receive a body once its headers arrived. */
  bodyTimeoutMs: number;
}

const MB = 1024 * 1024;
export const DEFAULT_WEBHOOK_LIMITS: WebhookLimits = { maxBodyBytes: 25 * MB, maxPendingBytes: 100 * MB, bodyTimeoutMs: 10_000 };

export interface WebhookServerOptions {
  probot: Probot;
  path: string;
  limits: WebhookLimits;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

/**
 * The HTTP front: webhook deliveries on one path, judged from their headers before any body is
 * read (events and signatures present, a declared size within GitHub's cap), bodies received
 * under a byte cap, a shared budget and a deadline, verified against the secret, then handed to
 * the app. Logs name the delivery, never its body. (Probot's own server reads whole bodies before
 * it looks at them, and logs them at debug level.)
 */
export function createWebhookServer(options: WebhookServerOptions): Server {
  const { probot, limits, log } = options;
  let pendingBytes = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname !== options.path) return reply(response, 404, 'Not found');
    if (request.method !== 'POST') return reply(response, 405, 'Webhooks are POSTed', { allow: 'POST' });
    const name = header(request, 'x-github-event');
    const id = header(request, 'x-github-delivery');
    const signature = header(request, 'x-hub-signature-256');
    if (!name || !id || !signature) return reply(response, 400, 'Not a GitHub delivery: x-github-event, x-github-delivery and x-hub-signature-256 are required');
    const delivery = `delivery ${id.slice(0, 64)} (${name.slice(0, 64)})`;
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
      log.warn(`${delivery}: refused, ${declared} bytes declared (at most ${limits.maxBodyBytes})`);
      return reply(response, 413, 'Payload too large');
    }
    const reserve = Number.isFinite(declared) ? declared : limits.maxBodyBytes;
    if (pendingBytes + reserve > limits.maxPendingBytes) {
      log.warn(`${delivery}: refused, ${Math.round(pendingBytes / MB)} MB of other deliveries are being received`);
      return reply(response, 503, 'Busy: try again', { 'retry-after': '5' });
    }
    pendingBytes += reserve;
    let body: Buffer;
    try {
      body = await readBody(request, limits);
    } catch (error) {
      const problem = error as BodyProblem;
      log.warn(`${delivery}: refused, ${problem.message}`);
      return reply(response, problem.status ?? 400, problem.message);
    } finally {
      pendingBytes -= reserve;
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
    // Probot's own `receive` logs whole payloads at debug level; its webhooks instance does not.
    await probot.webhooks.receive({ id, name, payload } as Parameters<Probot['webhooks']['receive']>[0]);
    reply(response, 200, 'ok');
  };

  return createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error(`webhook handling failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      reply(response, 500, 'Internal error');
    });
  });
}

interface BodyProblem extends Error {
  status?: number;
}

/** The body, at most `maxBodyBytes`, within `bodyTimeoutMs`; the connection is dropped when either is broken. */
function readBody(request: IncomingMessage, limits: WebhookLimits): Promise<Buffer> {
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
      if (size > limits.maxBodyBytes) return fail(413, `the body is larger than ${limits.maxBodyBytes} bytes`);
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
function reply(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  const body = JSON.stringify({ message });
  const unread = !response.req.readableEnded;
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...(unread ? { connection: 'close' } : {}), ...headers });
  response.end(body, () => {
    if (unread) response.req.destroy();
  });
}
