import type { IncomingMessage, ServerResponse } from 'node:http';
import { metricsText } from './metrics.js';

/** Paths answered without reading a body or touching GitHub, on the web process and on each worker. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Probes for a process supervisor or load balancer, and metrics for Prometheus: alive
 * (`/healthz`), ready for work (`/readyz`: 503 with the reason while draining or while Redis is
 * unreachable), and `/metrics` in Prometheus' text format.
 */
export function answerProbe(request: IncomingMessage, response: ServerResponse, pathname: string, notReady: (() => string | undefined) | undefined): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'application/json', JSON.stringify({ message: 'Probes are GET requests' }), { allow: 'GET, HEAD' });
  if (pathname === '/metrics') {
    metricsText().then(
      ({ contentType, body }) => send(response, 200, contentType, body),
      (error: unknown) => send(response, 500, 'application/json', JSON.stringify({ message: `metrics failed: ${error instanceof Error ? error.message : String(error)}` })),
    );
    return;
  }
  if (pathname === '/healthz') return send(response, 200, 'application/json', JSON.stringify({ message: 'ok' }));
  const reason = notReady?.();
  send(response, reason === undefined ? 200 : 503, 'application/json', JSON.stringify({ message: reason ?? 'ready' }), reason === undefined ? {} : { 'retry-after': '5' });
}

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
