/**
 * kinesis-local (the kinesis-mock emulator, shipped on npm as one Node file): plain HTTP for the
 * SDK, in memory, with the simulated stream-state delays cut from 500 ms to 100 ms. It is
 * configured only through environment variables; server.json in its working directory is the
 * TLS certificate it insists on loading even though we never use its TLS port.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { InfraConfig, InfraPaths } from './config.js';
import { isAlive, isOurs, spawnDetached, stopProcessGroup, tailFile } from './proc.js';
import type { ServiceRecord } from './state.js';
import { isPortOpen, since, waitFor } from './wait.js';

export interface KinesisInfo {
  /** Plain HTTP endpoint for `new KinesisClient({ endpoint })`. */
  endpoint: string;
  region: string;
  /** Any non-empty pair works; a 12-digit access key id would select that account id in the mock. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  started: boolean;
  logFile: string | null;
}

export interface KinesisResult {
  info: KinesisInfo;
  record: ServiceRecord | null;
}

/** In the emulator's command line (the path of its main.js). */
export const KINESIS_MARKER = 'kinesis-local';

/**
 * The emulator simulates AWS's CREATING/UPDATING/DELETING phases with these delays (default
 * 500 ms each). Short, but not zero: clients must still wait for ACTIVE as they do on AWS.
 */
export const KINESIS_STATE_DELAY = '100ms';
const DELAY_VARIABLES = [
  'CREATE_STREAM_DURATION',
  'DELETE_STREAM_DURATION',
  'REGISTER_STREAM_CONSUMER_DURATION',
  'DEREGISTER_STREAM_CONSUMER_DURATION',
  'START_STREAM_ENCRYPTION_DURATION',
  'STOP_STREAM_ENCRYPTION_DURATION',
  'MERGE_SHARDS_DURATION',
  'SPLIT_SHARD_DURATION',
  'UPDATE_SHARD_COUNT_DURATION',
  'UPDATE_STREAM_MODE_DURATION',
];

const CREDENTIALS = { accessKeyId: 'vpcflow-local', secretAccessKey: 'vpcflow-local' };

type Log = (line: string) => void;

export async function ensureKinesis(config: InfraConfig, paths: InfraPaths, previous: ServiceRecord | undefined, log: Log): Promise<KinesisResult> {
  const { host } = config;
  const { port } = config.kinesis;
  const endpoint = `http://${host}:${port}`;
  const ours = previous && isOurs(previous.pid, KINESIS_MARKER) ? previous : undefined;
  const info = (started: boolean, logFile: string | null): KinesisInfo => ({ endpoint, region: config.kinesis.region, credentials: CREDENTIALS, started, logFile });

  if (await answers(endpoint, config.kinesis.region)) {
    log(`kinesis: reused ${host}:${port} (${ours ? 'started earlier by infra:up' : 'not started by infra:up, so infra:down leaves it'})`);
    return { info: info(false, ours ? ours.logFile : null), record: ours ?? null };
  }
  if (ours) {
    log(`kinesis: our emulator (pid ${ours.pid}) does not answer; restarting it`);
    await stopProcessGroup(ours.pid, 5_000);
  }
  for (const [variable, p] of [['VPCFLOW_KINESIS_PORT', port], ['VPCFLOW_KINESIS_TLS_PORT', config.kinesis.tlsPort]] as const) {
    if (p !== 0 && (await isPortOpen(host, p))) {
      throw new Error(`kinesis: port ${host}:${p} is taken by a process that is not kinesis-local answering on ${port}; stop it or set ${variable}`);
    }
  }

  const started = Date.now();
  const main = emulatorEntry();
  mkdirSync(paths.kinesis.dir, { recursive: true });
  const cert = join(paths.kinesis.dir, 'server.json');
  if (!existsSync(cert)) copyFileSync(join(dirname(main), 'server.json'), cert);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KINESIS_MOCK_PLAIN_PORT: String(port),
    KINESIS_MOCK_TLS_PORT: String(config.kinesis.tlsPort),
    KINESIS_MOCK_CERT_PATH: cert,
    AWS_REGION: config.kinesis.region,
    SHOULD_PERSIST_DATA: 'false',
    LOG_LEVEL: 'WARN',
  };
  for (const variable of DELAY_VARIABLES) env[variable] = KINESIS_STATE_DELAY;

  const pid = spawnDetached({ command: process.execPath, args: [main], cwd: paths.kinesis.dir, env, logFile: paths.kinesis.log });
  const record: ServiceRecord = {
    pid,
    marker: KINESIS_MARKER,
    startedAt: new Date().toISOString(),
    logFile: paths.kinesis.log,
    ports: { http: port },
  };
  try {
    await waitFor(() => listStreams(endpoint, config.kinesis.region), {
      what: `kinesis on ${endpoint}`,
      timeoutMs: config.readyTimeoutMs,
      hint: `emulator log: ${paths.kinesis.log}`,
      abortIf: () => (isAlive(pid) ? undefined : `kinesis-local exited; last lines of ${paths.kinesis.log}:\n${tailFile(paths.kinesis.log)}`),
    });
  } catch (error) {
    await stopProcessGroup(pid, 5_000);
    throw error;
  }
  log(`kinesis: started on ${host}:${port} in ${since(started)}; log ${paths.kinesis.log}`);
  return { info: info(true, paths.kinesis.log), record };
}

export async function stopKinesis(record: ServiceRecord): Promise<string> {
  if (!isOurs(record.pid, KINESIS_MARKER)) return 'was not running';
  const how = await stopProcessGroup(record.pid, 5_000);
  return how === 'killed' ? `killed (pid ${record.pid}) after it ignored SIGTERM` : `stopped (pid ${record.pid})`;
}

function emulatorEntry(): string {
  try {
    return createRequire(import.meta.url).resolve('kinesis-local/main.js');
  } catch (error) {
    throw new Error('kinesis: the kinesis-local package is not installed (a dev dependency): run npm ci', { cause: error });
  }
}

/**
 * A client that works against the emulator: HTTP/1.1 through NodeHttpHandler (the SDK's
 * HTTP/2 path fails against it), dummy credentials, one attempt so probes fail fast.
 */
function probeClient(endpoint: string, region: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 3_000 }),
  });
}

async function listStreams(endpoint: string, region: string): Promise<void> {
  const client = probeClient(endpoint, region);
  try {
    await client.send(new ListStreamsCommand({}));
  } finally {
    client.destroy();
  }
}

async function answers(endpoint: string, region: string): Promise<boolean> {
  try {
    await listStreams(endpoint, region);
    return true;
  } catch {
    return false;
  }
}
