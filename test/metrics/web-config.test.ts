/**
 * Reading the exporter's web config (exporter-toolkit format): what it loads, and start-up errors
 * that name the file and the key at fault.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWebConfig } from '../../src/metrics/web-config.js';
import { makeCertificates, type Certificates } from '../helpers/certificates.js';

const dir = mkdtempSync(join(tmpdir(), 'vpcflow-web-config-'));
let certs: Certificates;
const HASH = bcrypt.hashSync('secret', 4);

beforeAll(() => {
  certs = makeCertificates(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function webConfig(text: string): string {
  const file = join(dir, `web-${files++}.yml`);
  writeFileSync(file, text);
  return file;
}

async function failure(text: string): Promise<{ file: string; message: string }> {
  const file = webConfig(text);
  const error = await loadWebConfig(file).then(
    () => new Error('loaded'),
    (e: Error) => e,
  );
  return { file, message: error.message };
}

describe('web config', () => {
  it('loads TLS and users, with paths relative to the file', async () => {
    const config = await loadWebConfig(webConfig(`tls_server_config:\n  cert_file: server.crt\n  key_file: ${certs.serverKeyFile}\nbasic_auth_users:\n  prometheus: '${HASH}'\n`));
    expect(config.tls?.cert).toEqual(certs.pem.serverCert);
    expect(config.tls).toMatchObject({ requestCert: false, rejectUnauthorized: false });
    expect([...config.users]).toEqual([['prometheus', HASH]]);
  });

  it('loads mutual TLS', async () => {
    const config = await loadWebConfig(webConfig('tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n'));
    expect(config.tls).toMatchObject({ ca: certs.pem.ca, requestCert: true, rejectUnauthorized: true });
  });

  it('an empty file means plain HTTP without auth, as in the toolkit', async () => {
    expect(await loadWebConfig(webConfig(''))).toEqual({ tls: null, users: new Map() });
  });

  it.each([
    ['a key vpcflow does not implement', 'http_server_config:\n  http2: false\n', 'http_server_config: not supported by vpcflow'],
    ['a TLS key vpcflow does not implement', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n', 'tls_server_config.cipher_suites: not supported by vpcflow'],
    ['a password that is not a bcrypt hash', 'basic_auth_users:\n  alice: secret\n', 'basic_auth_users.alice: is not a bcrypt hash'],
    ['a user name with a colon', `basic_auth_users:\n  'a:b': '${HASH}'\n`, 'basic_auth_users.a:b: a user name cannot contain ":"'],
    ['a missing key_file', 'tls_server_config:\n  cert_file: server.crt\n', 'tls_server_config.key_file:'],
    ['a certificate file that does not exist', 'tls_server_config:\n  cert_file: absent.crt\n  key_file: server.key\n', `tls_server_config.cert_file: cannot read ${join(dir, 'absent.crt')} (ENOENT)`],
    ['a key that does not match the certificate', 'tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n', 'not a usable certificate, key and CA'],
    ['client certificates without a CA', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n', 'tls_server_config.client_ca_file: client_auth_type RequireAndVerifyClientCert needs client_ca_file'],
    ['a client auth type vpcflow does not implement', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: VerifyClientCertIfGiven\n', 'tls_server_config.client_auth_type:'],
    ['text that is not YAML', 'tls_server_config: [\n', '(file): cannot read it as YAML'],
  ])('stops start-up on %s, naming the file and the key', async (_case, text, expected) => {
    const { file, message } = await failure(text);
    expect(message).toContain(`invalid web config ${file} (--web-config, VPCFLOW_WEB_CONFIG): `);
    expect(message).toContain(expected);
  });

  it('names a web config file that does not exist', async () => {
    const file = join(dir, 'absent.yml');
    await expect(loadWebConfig(file)).rejects.toThrow(`invalid web config ${file} (--web-config, VPCFLOW_WEB_CONFIG): (file): cannot read it as YAML (ENOENT)`);
  });
});
