/**
 * The exporter's HTTP endpoints: /metrics (Prometheus text format), /healthz (the process is
 * alive) and /readyz (the source is connected and the workers are up).
 *
 * With a web config (web-config.ts) everything is served over TLS, and /metrics and the landing
 * page ask for basic auth. /healthz and /readyz do not: they tell only up/ready, and the probes
 * that call them (Docker HEALTHCHECK, Kubernetes, load balancers) seldom carry credentials. This
 * departs from the exporter toolkit, which puts every path behind auth; exempting health checks
 * is what its users keep asking for (prometheus/exporter-toolkit#111).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { VpcflowError } from '../errors.js';
import { createBasicAuth, type BasicAuth } from './basic-auth.js';
import type { WebConfig } from './web-config.js';

export interface ExporterOptions {
  host: string;
  port: number;
  registry: Registry;
  ready: () => { ready: boolean; reason: string };
  /** Brings batched values up to date before a scrape. */
  beforeScrape?: () => void;
  /** TLS and basic auth; null or absent: plain HTTP, no auth. */
  webConfig?: WebConfig | null;
}

export interface Exporter {
  readonly url: string;
  close(): Promise<void>;
}

const PROBES = new Set(['/healthz', '/readyz']);

async function respond(options: ExporterOptions, auth: BasicAuth | null, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0]!;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (auth && !PROBES.has(path) && !(await auth(request.headers.authorization))) {
    response.writeHead(401, { 'www-authenticate': 'Basic realm="vpcflow", charset="UTF-8"', 'content-type': 'text/plain' }).end('unauthorized\n');
    return;
  }
  if (path === '/metrics') {
    options.beforeScrape?.();
    const body = await options.registry.metrics();
    response.writeHead(200, { 'content-type': options.registry.contentType }).end(body);
  } else if (path === '/healthz') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  } else if (path === '/readyz') {
    const { ready, reason } = options.ready();
    response.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(`${reason}\n`);
  } else if (path === '/') {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><h1>vpcflow</h1><p><a href="/metrics">metrics</a> · <a href="/healthz">healthz</a> · <a href="/readyz">readyz</a></p></body></html>\n');
  } else {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }
}

export function startExporter(options: ExporterOptions): Promise<Exporter> {
  const tls = options.webConfig?.tls ?? null;
  const users = options.webConfig?.users;
  const auth = users && users.size > 0 ? createBasicAuth(users) : null;
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    respond(options, auth, request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`);
    });
  };
  const server: Server = tls ? createTlsServer(tls, handler) : createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) => {
      reject(
        new VpcflowError('VPCFLOW_EXPORTER_LISTEN', `cannot listen on ${options.host}:${options.port} (${cause.code ?? cause.message}); set --listen to a free address, e.g. --listen 127.0.0.1:0 for any port`, {
          cause,
          context: { setting: 'listen', value: `${options.host}:${options.port}` },
        }),
      );
    });
    server.listen(options.port, options.host, () => {
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
