/**
 * The exporter with a web config: basic auth on /metrics (probes stay open), TLS with the
 * configured certificate, mutual TLS, and the whole path from --web-config through `vpcflow run`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type Exporter } from '../../src/metrics/http.js';
import { loadWebConfig, type WebConfig } from '../../src/metrics/web-config.js';
import { makeCertificates, type Certificates } from '../helpers/certificates.js';
import { exited, runCli, startCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vpcflow-exporter-security-'));
let certs: Certificates;
let exporter: Exporter | undefined;
const PASSWORD = 'correct horse';

beforeAll(() => {
  certs = makeCertificates(dir);
});

afterEach(async () => {
  await exporter?.close();
  exporter = undefined;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** SHA-256 fingerprint of the server certificate (https only). */
  fingerprint?: string;
}

interface GetOptions {
  user?: string;
  password?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

function get(url: string, options: GetOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.user !== undefined) headers.authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
  const https = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const tls = { ca: options.ca, cert: options.cert, key: options.key };
    const req = (https ? httpsRequest : httpRequest)(url, { headers, agent: false, ...(https ? tls : {}) }, (res) => {
      const fingerprint = https ? (res.socket as TLSSocket).getPeerCertificate().fingerprint256 : undefined;
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, fingerprint }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(webConfig: WebConfig): Promise<string> {
  const registry = new Registry();
  exporter = await startExporter({ host: '127.0.0.1', port: 0, registry, webConfig, ready: () => ({ ready: true, reason: 'ready' }) });
  return exporter.url;
}

function writeWebConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('basic auth', () => {
  it('serves /metrics with the right credentials, 401 and a challenge otherwise; probes need none', async () => {
    // htpasswd writes $2y$ hashes; bcryptjs writes $2b$ with the same algorithm.
    const htpasswdHash = bcrypt.hashSync(PASSWORD, 4).replace(/^\$2b\$/, '$2y$');
    const url = await start({ tls: null, users: new Map([['prometheus', htpasswdHash]]) });

    const ok = await get(`${url}/metrics`, { user: 'prometheus', password: PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);

    for (const credentials of [{}, { user: 'prometheus', password: 'wrong' }, { user: 'nobody', password: PASSWORD }]) {
      const denied = await get(`${url}/metrics`, credentials);
      expect(denied.status, JSON.stringify(credentials)).toBe(401);
      expect(denied.headers['www-authenticate']).toBe('Basic realm="vpcflow", charset="UTF-8"');
      expect(denied.body).not.toContain('# HELP');
    }
    // The landing page and unknown paths are behind auth too: nothing is revealed without it.
    expect((await get(`${url}/`)).status).toBe(401);
    expect((await get(`${url}/absent`)).status).toBe(401);
    expect((await get(`${url}/healthz`)).status).toBe(200);
    expect((await get(`${url}/readyz`)).status).toBe(200);
  });

  it('answers concurrent scrapes with cached comparisons', async () => {
    const url = await start({ tls: null, users: new Map([['prometheus', bcrypt.hashSync(PASSWORD, 4)]]) });
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => get(`${url}/metrics`, { user: 'prometheus', password: i % 2 ? PASSWORD : 'wrong' })));
    expect(statuses.map((r) => r.status)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 200 : 401)));
  });
});

describe('TLS', () => {
  it('serves the configured certificate, and every path only over TLS', async () => {
    const config = await loadWebConfig(writeWebConfig('tls.yml', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n'));
    const url = await start(config);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const response = await get(`${url}/metrics`, { ca: certs.pem.ca });
    expect(response.status).toBe(200);
    expect(response.fingerprint).toBe(new X509Certificate(certs.pem.serverCert).fingerprint256);
    expect((await get(`${url}/healthz`, { ca: certs.pem.ca })).body).toBe('ok\n');
    await expect(get(`${url.replace('https:', 'http:')}/healthz`)).rejects.toThrow();
  });

  it('with RequireAndVerifyClientCert, serves clients with a certificate from the CA only', async () => {
    const config = await loadWebConfig(
      writeWebConfig('mtls.yml', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n'),
    );
    const url = await start(config);
    expect((await get(`${url}/metrics`, { ca: certs.pem.ca, cert: certs.pem.clientCert, key: certs.pem.clientKey })).status).toBe(200);
    await expect(get(`${url}/metrics`, { ca: certs.pem.ca })).rejects.toThrow();
  });
});

describe('vpcflow run --web-config', () => {
  it('serves metrics over TLS with basic auth, configured through VPCFLOW_WEB_CONFIG', async () => {
    const file = writeWebConfig('run.yml', `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: '${bcrypt.hashSync(PASSWORD, 4)}'\n`);
    const { child, url } = await startCli(['run', '--listen', '127.0.0.1:0', '--log-format', 'json', '--workers', '1'], { VPCFLOW_WEB_CONFIG: file });
    try {
      expect(url).toMatch(/^https:/);
      const response = await get(`${url}/metrics`, { ca: certs.pem.ca, user: 'prometheus', password: PASSWORD });
      expect(response.status).toBe(200);
      expect(response.body).toContain('# TYPE vpcflow_records_total counter');
      expect((await get(`${url}/metrics`, { ca: certs.pem.ca })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  });

  it('stops with exit code 2 and names the file and the key of an invalid web config', async () => {
    const file = writeWebConfig('bad.yml', 'basic_auth_users:\n  prometheus: plaintext\n');
    const result = await runCli(['run', '--listen', '127.0.0.1:0', '--web-config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`invalid web config ${file} (--web-config, VPCFLOW_WEB_CONFIG): basic_auth_users.prometheus: is not a bcrypt hash`);
  });

  it('rejects --web-config when nothing is served', async () => {
    const result = await runCli(['run', '--listen', 'none', '--web-config', join(dir, 'tls.yml'), '--print-config']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('webConfig (--web-config, VPCFLOW_WEB_CONFIG)');
    expect(result.stderr).toContain('--listen is none');
  });
});
