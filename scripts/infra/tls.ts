/**
 * A throwaway local CA and a broker certificate for the SASL_SSL listener, made once and kept
 * under .infra/kafka/tls/. openssl rather than keytool: the same steps with keytool start seven
 * JVMs (~12 s on 2 cores), openssl takes under a second. Java 17 reads openssl 3's PKCS12.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './proc.js';

export interface BrokerTls {
  /** PEM of the CA that signed the broker certificate: kafkajs `ssl: { ca: [caPem] }`. */
  caFile: string;
  keystoreFile: string;
  keystoreType: 'PKCS12';
  /** Local throwaway keystore: the password protects nothing and is fixed on purpose. */
  keystorePassword: string;
}

const KEYSTORE_PASSWORD = 'vpcflow-local-keystore';
const OPENSSL_HINT = 'install it with: apt-get install -y openssl';

export function brokerTlsFiles(dir: string): BrokerTls {
  return {
    caFile: join(dir, 'ca.pem'),
    keystoreFile: join(dir, 'broker.p12'),
    keystoreType: 'PKCS12',
    keystorePassword: KEYSTORE_PASSWORD,
  };
}

/** Returns the files, generating them first if they are not all there. */
export async function ensureBrokerTls(dir: string, host: string): Promise<{ tls: BrokerTls; generated: boolean }> {
  const tls = brokerTlsFiles(dir);
  if (existsSync(tls.caFile) && existsSync(tls.keystoreFile)) return { tls, generated: false };

  // Built in a side directory and renamed, so an interrupted run never leaves half a set.
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const at = (name: string) => join(work, name);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: work, hint: OPENSSL_HINT });

  await openssl(
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '3650',
    '-subj', '/CN=vpcflow-local-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  );
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('broker.key'), '-out', at('broker.csr'), '-subj', `/CN=${host}`);
  // Clients connect by IP, so the certificate must name the IP (Node checks subjectAltName, not CN).
  writeFileSync(
    at('broker.ext'),
    [
      `subjectAltName=IP:${host},DNS:localhost`,
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await openssl(
    'x509', '-req', '-in', at('broker.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial',
    '-out', at('broker.crt'), '-days', '3650', '-extfile', at('broker.ext'),
  );
  await openssl(
    'pkcs12', '-export', '-in', at('broker.crt'), '-inkey', at('broker.key'), '-certfile', at('ca.pem'),
    '-name', 'broker', '-out', at('broker.p12'), '-passout', `pass:${KEYSTORE_PASSWORD}`,
  );
  if (!readFileSync(at('ca.pem'), 'utf8').includes('BEGIN CERTIFICATE')) throw new Error(`openssl wrote no CA certificate in ${work}`);

  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return { tls, generated: true };
}
