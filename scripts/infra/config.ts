/**
 * Where the local infrastructure lives and which ports it uses. Defaults are fixed so that
 * users, tests and CI agree without configuration; every port can be moved by env for a
 * machine where the default is taken.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOST = '127.0.0.1';

/** Repository root: scripts/infra/ is two levels down. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface InfraPaths {
  /** Runtime state, git-ignored: jars, broker data, pid/state file, logs. */
  dir: string;
  stateFile: string;
  lockFile: string;
  kafka: {
    pom: string;
    log4jConfig: string;
    dir: string;
    libs: string;
    data: string;
    tls: string;
    serverProperties: string;
    log: string;
    formatLog: string;
  };
  kinesis: {
    dir: string;
    log: string;
  };
}

export function infraPaths(root = ROOT): InfraPaths {
  const dir = join(root, '.infra');
  const kafka = join(dir, 'kafka');
  const kinesis = join(dir, 'kinesis');
  return {
    dir,
    stateFile: join(dir, 'state.json'),
    lockFile: join(dir, 'infra.lock'),
    kafka: {
      pom: join(root, 'infra', 'kafka', 'pom.xml'),
      log4jConfig: join(root, 'infra', 'kafka', 'log4j2.properties'),
      dir: kafka,
      libs: join(kafka, 'libs'),
      data: join(kafka, 'data'),
      tls: join(kafka, 'tls'),
      serverProperties: join(kafka, 'server.properties'),
      log: join(kafka, 'broker.log'),
      formatLog: join(kafka, 'format.log'),
    },
    kinesis: { dir: kinesis, log: join(kinesis, 'kinesis.log') },
  };
}

export interface InfraConfig {
  host: typeof HOST;
  kafka: {
    /** PLAINTEXT listener, what most tests use. */
    port: number;
    controllerPort: number;
    /** SASL_SSL listener with SCRAM-SHA-256. */
    saslSslPort: number;
    username: string;
    password: string;
  };
  kinesis: {
    /** Plain HTTP port the SDK talks to. */
    port: number;
    /** kinesis-local always opens a TLS port too; 0 lets the OS pick a free one so it never collides. */
    tlsPort: number;
    region: string;
  };
  /** How long to wait for a started service to answer a real request. */
  readyTimeoutMs: number;
}

export const SCRAM_USER = 'vpcflow';
export const SCRAM_PASSWORD = 'vpcflow-secret';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): InfraConfig {
  const config: InfraConfig = {
    host: HOST,
    kafka: {
      port: portFromEnv(env, 'VPCFLOW_KAFKA_PORT', 9092),
      controllerPort: portFromEnv(env, 'VPCFLOW_KAFKA_CONTROLLER_PORT', 9093),
      saslSslPort: portFromEnv(env, 'VPCFLOW_KAFKA_SASL_PORT', 9094),
      username: SCRAM_USER,
      password: SCRAM_PASSWORD,
    },
    kinesis: {
      port: portFromEnv(env, 'VPCFLOW_KINESIS_PORT', 4568),
      tlsPort: portFromEnv(env, 'VPCFLOW_KINESIS_TLS_PORT', 0, 0),
      region: 'us-east-1',
    },
    readyTimeoutMs: intFromEnv(env, 'VPCFLOW_INFRA_TIMEOUT_MS', 90_000, 1, 3_600_000),
  };
  const ports = [config.kafka.port, config.kafka.controllerPort, config.kafka.saslSslPort, config.kinesis.port, config.kinesis.tlsPort].filter((p) => p !== 0);
  if (new Set(ports).size !== ports.length) throw new Error(`infra ports must differ: ${ports.join(', ')}`);
  return config;
}

function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  return intFromEnv(env, name, fallback, min, 65_535);
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}=${raw} is not an integer in ${min}..${max}`);
  }
  return value;
}
