/**
 * The exporter's web configuration file (--web-config), in the format of the Prometheus exporter
 * toolkit, so one file can serve vpcflow and the Go exporters next to it
 * (https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md):
 *
 *   tls_server_config:
 *     cert_file: server.crt          # relative paths are relative to this file, as in the toolkit
 *     key_file: server.key
 *     client_ca_file: ca.crt         # mutual TLS, together with:
 *     client_auth_type: RequireAndVerifyClientCert
 *   basic_auth_users:
 *     prometheus: $2y$10$...         # a bcrypt hash: htpasswd -nBC 10 "" | tr -d ':\n'
 *
 * vpcflow implements this subset. A key it does not implement stops start-up instead of being
 * ignored: a security setting that silently does nothing is worse than a failed start.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { VpcflowError } from '../errors.js';

export interface WebConfig {
  /** Options for https.createServer, or null to serve plain HTTP. */
  tls: { cert: Buffer; key: Buffer; ca?: Buffer; requestCert: boolean; rejectUnauthorized: boolean } | null;
  /** User name to bcrypt hash; empty when no authentication is configured. */
  users: ReadonlyMap<string, string>;
}

// $2a$, $2b$ (bcrypt) and $2y$ (htpasswd) hashes, cost 04-31.
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

const schema = z
  .object({
    tls_server_config: z
      .object({
        cert_file: z.string().min(1),
        key_file: z.string().min(1),
        client_ca_file: z.string().min(1).optional(),
        client_auth_type: z.enum(['NoClientCert', 'RequireAndVerifyClientCert']).default('NoClientCert'),
      })
      .strict()
      .optional(),
    basic_auth_users: z
      .record(
        z.string().min(1).refine((user) => !user.includes(':'), 'a user name cannot contain ":" (HTTP basic auth splits on it)'),
        z.string().regex(BCRYPT_HASH, 'is not a bcrypt hash; make one with: htpasswd -nBC 10 "" | tr -d \':\\n\''),
      )
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const tls = c.tls_server_config;
    if (!tls) return;
    if (tls.client_auth_type === 'RequireAndVerifyClientCert' && !tls.client_ca_file) {
      ctx.addIssue({ code: 'custom', path: ['tls_server_config', 'client_ca_file'], message: 'client_auth_type RequireAndVerifyClientCert needs client_ca_file, the CA that signs client certificates' });
    }
    if (tls.client_auth_type === 'NoClientCert' && tls.client_ca_file) {
      ctx.addIssue({ code: 'custom', path: ['tls_server_config', 'client_auth_type'], message: 'client_ca_file is set but client_auth_type is NoClientCert; set client_auth_type: RequireAndVerifyClientCert' });
    }
  });

function invalid(path: string, key: string, problem: string, cause?: unknown): VpcflowError {
  return new VpcflowError('VPCFLOW_CONFIG_INVALID', `invalid web config ${path} (--web-config, VPCFLOW_WEB_CONFIG): ${key}: ${problem}`, {
    cause,
    context: { setting: 'webConfig', value: path, key },
  });
}

function firstIssue(path: string, error: z.ZodError): VpcflowError {
  const issue = error.issues[0]!;
  const where = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => [...where, k].join('.'));
    const supported = where.length === 0 ? 'tls_server_config, basic_auth_users' : 'cert_file, key_file, client_ca_file, client_auth_type';
    return invalid(path, keys.join(', '), `not supported by vpcflow (supported here: ${supported})`);
  }
  // A bad user name comes wrapped: the reason is in the nested issue.
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  return invalid(path, where.join('.') || '(top level)', message);
}

async function readPem(path: string, key: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw invalid(path, key, `cannot read ${file} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, cause);
  }
}

/** Reads and checks the file, and loads the certificate and key it names. */
export async function loadWebConfig(path: string): Promise<WebConfig> {
  let parsed: unknown;
  try {
    parsed = parseYaml(await readFile(path, 'utf8'));
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw invalid(path, '(file)', `cannot read it as YAML (${reason})`, cause);
  }
  const result = schema.safeParse(parsed ?? {});
  if (!result.success) throw firstIssue(path, result.error);
  const config = result.data;
  const users = new Map(Object.entries(config.basic_auth_users ?? {}));
  const tlsConfig = config.tls_server_config;
  if (!tlsConfig) return { tls: null, users };

  const base = dirname(path);
  const cert = await readPem(path, 'tls_server_config.cert_file', resolve(base, tlsConfig.cert_file));
  const key = await readPem(path, 'tls_server_config.key_file', resolve(base, tlsConfig.key_file));
  const ca = tlsConfig.client_ca_file ? await readPem(path, 'tls_server_config.client_ca_file', resolve(base, tlsConfig.client_ca_file)) : undefined;
  const verify = tlsConfig.client_auth_type === 'RequireAndVerifyClientCert';
  const tls = { cert, key, ...(ca ? { ca } : {}), requestCert: verify, rejectUnauthorized: verify };
  try {
    // Fails here, naming the keys, rather than at the first scrape: bad PEM, or a key that does not match.
    createSecureContext(tls);
  } catch (cause) {
    throw invalid(path, 'tls_server_config.cert_file, key_file, client_ca_file', `not a usable certificate, key and CA (${(cause as Error).message})`, cause);
  }
  return { tls, users };
}
