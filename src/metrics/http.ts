/**
 * The exporter's HTTP endpoints: /metrics (Prometheus text format), /healthz (the process is
 * alive) and /readyz (the source is connected and the workers are up).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { VpcflowError } from '../errors.js';

export interface ExporterOptions {
  host: string;
  port: number;
  registry: Registry;
  ready: () => { ready: boolean; reason: string };
}

export interface Exporter {
  readonly url: string;
  close(): Promise<void>;
}

async function respond(options: ExporterOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (path === '/metrics') {
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
  const server: Server = createServer((request, response) => {
    respond(options, request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`);
    });
  });
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
        url: `http://${host}:${address.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
