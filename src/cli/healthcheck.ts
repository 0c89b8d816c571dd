/**
 * The container's HEALTHCHECK (slim images have no curl): exits 0 when /healthz answers 200,
 * else 1. The URL is VPCFLOW_HEALTHCHECK_URL, else /healthz on VPCFLOW_LISTEN's port over
 * loopback (its host when it names one address). Set VPCFLOW_HEALTHCHECK_URL=https://... when a
 * web config turns on TLS. The certificate is not verified: this probes our own process, and the
 * certificate names the address Prometheus scrapes, not 127.0.0.1.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const TIMEOUT_MS = 4000;

function healthUrl(env: NodeJS.ProcessEnv): string {
  if (env.VPCFLOW_HEALTHCHECK_URL) return env.VPCFLOW_HEALTHCHECK_URL;
  const listen = /^\[?(.*?)\]?:(\d+)$/.exec(env.VPCFLOW_LISTEN ?? '');
  const host = !listen || ['', '0.0.0.0', '::'].includes(listen[1]!) ? '127.0.0.1' : listen[1]!;
  return `http://${host.includes(':') ? `[${host}]` : host}:${listen?.[2] ?? '10078'}/healthz`;
}

const url = healthUrl(process.env);
const get = url.startsWith('https:') ? httpsRequest : httpRequest;
const request = get(url, { timeout: TIMEOUT_MS, rejectUnauthorized: false }, (response) => {
  response.resume();
  process.exitCode = response.statusCode === 200 ? 0 : 1;
});
request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
request.on('error', (error) => {
  process.stderr.write(`healthcheck ${url}: ${error.message}\n`);
  process.exitCode = 1;
});
request.end();
