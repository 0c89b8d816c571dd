/**
 * A single-node KRaft Kafka 4.x from Maven Central's jars (no tarball, no Docker):
 * PLAINTEXT for tests, CONTROLLER for the quorum, SASL_SSL + SCRAM-SHA-256 for the secure path.
 * Facts behind the settings: shared/notes/kafka-from-jars.md.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import type { InfraConfig, InfraPaths } from './config.js';
import { isAlive, isOurs, run, spawnDetached, stopProcessGroup, tailFile } from './proc.js';
import type { ServiceRecord } from './state.js';
import { ensureBrokerTls, brokerTlsFiles, type BrokerTls } from './tls.js';
import { isPortOpen, since, waitFor } from './wait.js';

export interface KafkaSaslSslInfo {
  brokers: string[];
  mechanism: 'scram-sha-256';
  username: string;
  password: string;
  /** Path and content of the CA certificate (PEM) that signed the broker's certificate. */
  caFile: string;
  ca: string;
}

export interface KafkaInfo {
  /** PLAINTEXT bootstrap servers. */
  brokers: string[];
  /** The SASL_SSL listener, or null when a reused broker has none. */
  saslSsl: KafkaSaslSslInfo | null;
  /** True when this call started the broker (false: it was already answering). */
  started: boolean;
  logFile: string | null;
}

/** In the broker's command line; tells our JVM from any other process with the same pid. */
export const KAFKA_MARKER = 'kafka.Kafka';

/**
 * Small heap and serial GC: a test broker holds little, and on 2 cores G1's concurrent threads
 * compete with the tests. C1 only (TieredStopAtLevel=1) halves JVM start-up here: the storage
 * tool 4.3 s -> 1.8 s, the broker ~8 s -> ~4.5 s to "Kafka Server started" (2 busy cores).
 * Dynamic AppCDS would save 1-2 s more but a truncated archive crashes the JVM (SIGBUS): not used.
 */
const JVM_FLAGS = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-Djava.awt.headless=true'];
const TOOL_JVM_FLAGS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'];

type Log = (line: string) => void;

export interface KafkaResult {
  info: KafkaInfo;
  /** Set when the broker is ours (started now or by an earlier infra:up): infra:down may stop it. */
  record: ServiceRecord | null;
}

export interface EnsureKafkaOptions {
  /** Start on the existing data dir when it is formatted (a restart: topics and offsets survive). */
  keepData?: boolean;
}

/** Reuses a broker that answers on the PLAINTEXT port, otherwise starts ours and waits until it serves requests. */
export async function ensureKafka(config: InfraConfig, paths: InfraPaths, previous: ServiceRecord | undefined, log: Log, options: EnsureKafkaOptions = {}): Promise<KafkaResult> {
  const { host } = config;
  const { port, saslSslPort } = config.kafka;
  const ours = previous && isOurs(previous.pid, KAFKA_MARKER) ? previous : undefined;

  if (await answers(clientConfig(config), 3_000)) {
    const saslUp = await isPortOpen(host, saslSslPort);
    const tls = brokerTlsFiles(paths.kafka.tls);
    const saslSsl = saslUp && existsSync(tls.caFile) ? saslInfo(config, tls) : null;
    const owner = ours ? 'started earlier by infra:up' : 'not started by infra:up, so infra:down leaves it';
    log(`kafka: reused ${host}:${port} (${saslSsl ? `SASL_SSL ${saslSslPort}` : `no SASL_SSL on ${saslSslPort}`}; ${owner})`);
    return { info: { brokers: [`${host}:${port}`], saslSsl, started: false, logFile: ours ? ours.logFile : null }, record: ours ?? null };
  }
  if (ours) {
    log(`kafka: our broker (pid ${ours.pid}) does not answer; restarting it`);
    await stopProcessGroup(ours.pid, 5_000);
  }
  await assertPortsFree(config);

  const started = Date.now();
  const libsResolved = await ensureLibs(paths, log);
  const { tls, generated } = await ensureBrokerTls(paths.kafka.tls, host);
  if (generated) log(`kafka: generated a local CA and broker keystore in ${paths.kafka.tls}`);

  // A fresh data dir per start: no leftover topics or offsets between runs, and format never
  // meets an already formatted directory.
  const restart = options.keepData === true && existsSync(join(paths.kafka.data, 'meta.properties'));
  if (!restart) {
    rmSync(paths.kafka.data, { recursive: true, force: true });
    mkdirSync(paths.kafka.data, { recursive: true });
  }
  writeFileSync(paths.kafka.serverProperties, serverProperties(config, paths, tls));
  if (!restart) await formatStorage(config, paths);

  const pid = spawnDetached({
    command: javaBinary(),
    args: [...JVM_FLAGS, `-Dlog4j2.configurationFile=${paths.kafka.log4jConfig}`, '-cp', classpath(paths), 'kafka.Kafka', paths.kafka.serverProperties],
    cwd: paths.kafka.dir,
    logFile: paths.kafka.log,
  });
  const record: ServiceRecord = {
    pid,
    marker: KAFKA_MARKER,
    startedAt: new Date().toISOString(),
    logFile: paths.kafka.log,
    ports: { plaintext: port, controller: config.kafka.controllerPort, saslSsl: saslSslPort },
  };
  try {
    await waitUntilServing(config, tls, pid, paths.kafka.log);
  } catch (error) {
    // A broker that never became ready is of no use to anyone: do not leave it running.
    await stopProcessGroup(pid, 5_000);
    throw error;
  }
  log(`kafka: started on ${host}:${port} (SASL_SSL ${saslSslPort}) in ${since(started)}${libsResolved ? ' including the Maven download' : ''}; log ${paths.kafka.log}`);
  return { info: { brokers: [`${host}:${port}`], saslSsl: saslInfo(config, tls), started: true, logFile: paths.kafka.log }, record };
}

export async function stopKafka(record: ServiceRecord): Promise<string> {
  if (!isOurs(record.pid, KAFKA_MARKER)) return 'was not running';
  // The data dir is thrown away at the next start, so a broker slow to shut down is simply killed.
  const how = await stopProcessGroup(record.pid, 10_000);
  return how === 'killed' ? `killed (pid ${record.pid}) after it ignored SIGTERM` : `stopped (pid ${record.pid})`;
}

/** kafkajs settings for the PLAINTEXT listener that fail fast: readiness loops do the retrying. */
function clientConfig(config: InfraConfig): KafkaConfig {
  return {
    clientId: 'vpcflow-infra',
    brokers: [`${config.host}:${config.kafka.port}`],
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  };
}

async function answers(config: KafkaConfig, timeoutMs: number): Promise<boolean> {
  try {
    await withTimeout(describeCluster(config), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

async function describeCluster(config: KafkaConfig): Promise<void> {
  const admin = new Kafka(config).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Ready means: answers describeCluster on PLAINTEXT, creates and deletes a topic (the controller
 * and a partition leader work), has a group coordinator (so a test's first consumer does not log
 * "The group coordinator is not available"), and accepts a SCRAM login over TLS.
 */
async function waitUntilServing(config: InfraConfig, tls: BrokerTls, pid: number, logFile: string): Promise<void> {
  const plain = clientConfig(config);
  const hint = `broker log: ${logFile}`;
  const abortIf = () => (isAlive(pid) ? undefined : `the broker exited; last lines of ${logFile}:\n${tailFile(logFile)}`);
  const what = `kafka on ${config.host}:${config.kafka.port}`;
  await waitFor(() => describeCluster(plain), { what, timeoutMs: config.readyTimeoutMs, hint, abortIf });

  // Default retries here: the first metadata for a new topic can lag its creation.
  const admin = new Kafka({ ...plain, retry: { retries: 8, initialRetryTime: 100 } }).admin();
  const topic = `vpcflow-infra-probe-${process.pid}`;
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true, timeout: 15_000 });
    await admin.deleteTopics({ topics: [topic], timeout: 15_000 });
    // FindCoordinator makes the broker create __consumer_offsets; kafkajs retries until it exists.
    await admin.describeGroups(['vpcflow-infra-probe']);
  } catch (error) {
    throw new Error(`${what} answers but could not create/delete a probe topic: ${(error as Error).message}\n${hint}`, { cause: error });
  } finally {
    await admin.disconnect().catch(() => {});
  }

  const secure: KafkaConfig = {
    ...plain,
    brokers: [`${config.host}:${config.kafka.saslSslPort}`],
    ssl: { ca: [readFileSync(tls.caFile, 'utf8')] },
    sasl: { mechanism: 'scram-sha-256', username: config.kafka.username, password: config.kafka.password },
  };
  await waitFor(() => describeCluster(secure), { what: `kafka SASL_SSL on ${config.host}:${config.kafka.saslSslPort}`, timeoutMs: 15_000, hint, abortIf });
}

function saslInfo(config: InfraConfig, tls: BrokerTls): KafkaSaslSslInfo {
  return {
    brokers: [`${config.host}:${config.kafka.saslSslPort}`],
    mechanism: 'scram-sha-256',
    username: config.kafka.username,
    password: config.kafka.password,
    caFile: tls.caFile,
    ca: readFileSync(tls.caFile, 'utf8'),
  };
}

async function assertPortsFree(config: InfraConfig): Promise<void> {
  const ports: [string, number][] = [
    ['VPCFLOW_KAFKA_PORT', config.kafka.port],
    ['VPCFLOW_KAFKA_CONTROLLER_PORT', config.kafka.controllerPort],
    ['VPCFLOW_KAFKA_SASL_PORT', config.kafka.saslSslPort],
  ];
  for (const [variable, port] of ports) {
    if (await isPortOpen(config.host, port)) {
      throw new Error(
        `kafka: port ${config.host}:${port} is taken by a process that is not a Kafka broker answering on ${config.kafka.port}; ` +
          `stop it or set ${variable}`,
      );
    }
  }
}

/**
 * Copies the broker's runtime classpath from Maven Central into .infra/kafka/libs once; a digest
 * of pom.xml marks a finished copy, so editing the pom re-resolves. Returns whether it ran Maven.
 */
async function ensureLibs(paths: InfraPaths, log: Log): Promise<boolean> {
  const digest = createHash('sha256').update(readFileSync(paths.kafka.pom)).digest('hex');
  const marker = join(paths.kafka.libs, '.resolved');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === digest) return false;

  log('kafka: resolving broker jars from Maven Central (first run only)');
  const partial = `${paths.kafka.libs}.partial`;
  rmSync(partial, { recursive: true, force: true });
  await run(
    'mvn',
    ['-B', '-q', '-f', paths.kafka.pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${partial}`],
    { label: 'kafka: mvn dependency:copy-dependencies', hint: 'needs Maven 3.8+ (apt-get install -y maven) and access to Maven Central' },
  );
  if (!readdirSync(partial).some((file) => /^kafka_2\.13-.*\.jar$/.test(file))) {
    throw new Error(`mvn copied no kafka_2.13 jar into ${partial}; check ${paths.kafka.pom}`);
  }
  writeFileSync(join(partial, '.resolved'), `${digest}\n`);
  rmSync(paths.kafka.libs, { recursive: true, force: true });
  renameSync(partial, paths.kafka.libs);
  return true;
}

async function formatStorage(config: InfraConfig, paths: InfraPaths): Promise<void> {
  const { stdout, stderr } = await run(
    javaBinary(),
    [
      ...TOOL_JVM_FLAGS,
      `-Dlog4j2.configurationFile=${paths.kafka.log4jConfig}`,
      '-cp',
      classpath(paths),
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      clusterId(),
      '--config',
      paths.kafka.serverProperties,
      // The SCRAM user exists from the first metadata record on: kafkajs cannot create one.
      '--add-scram',
      `SCRAM-SHA-256=[name=${config.kafka.username},password=${config.kafka.password}]`,
    ],
    {
      cwd: paths.kafka.dir,
      label: 'kafka: storage format (kafka.tools.StorageTool)',
      hint: `config ${paths.kafka.serverProperties}; Kafka 4 needs Java 17+`,
    },
  );
  writeFileSync(paths.kafka.formatLog, `${stdout}${stderr}`);
}

/** What Uuid.randomUuid() gives: 16 random bytes, base64url, never starting with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(config: InfraConfig, paths: InfraPaths, tls: BrokerTls): string {
  const { host } = config;
  const { port, controllerPort, saslSslPort } = config.kafka;
  return `# Generated by scripts/infra/kafka.ts on every start; edit that file instead.
process.roles=broker,controller
node.id=1
# Static voters: a plain "format" (no --standalone), the same for every 4.x.
controller.quorum.voters=1@${host}:${controllerPort}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort},SASL_SSL://${host}:${saslSslPort}
advertised.listeners=PLAINTEXT://${host}:${port},SASL_SSL://${host}:${saslSslPort}
inter.broker.listener.name=PLAINTEXT
# Explicit map: with any SASL/SSL listener the implicit CONTROLLER mapping no longer applies.
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL

# SCRAM-SHA-256 over TLS. The default mechanism list is GSSAPI (Kerberos).
sasl.enabled.mechanisms=SCRAM-SHA-256
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.type=${tls.keystoreType}
listener.name.sasl_ssl.ssl.keystore.location=${tls.keystoreFile}
listener.name.sasl_ssl.ssl.keystore.password=${tls.keystorePassword}
listener.name.sasl_ssl.ssl.key.password=${tls.keystorePassword}

log.dirs=${paths.kafka.data}

# Single node: internal topics with the default replication factor 3 are never created.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Tests: no 3 s wait before the first rebalance, and short kafkajs session timeouts allowed.
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
auto.create.topics.enable=true
num.partitions=1
default.replication.factor=1

# 2 cores: fewer threads than the defaults (3 network, 8 io).
num.network.threads=2
num.io.threads=2
`;
}

function classpath(paths: InfraPaths): string {
  // One argv element, no shell: the JVM expands the wildcard itself (jars only).
  return join(paths.kafka.libs, '*');
}

function javaBinary(): string {
  const home = process.env.JAVA_HOME;
  return home ? join(home, 'bin', 'java') : 'java';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
