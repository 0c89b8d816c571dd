/**
 * The local infrastructure that tests and users share: Kafka and kinesis-local.
 * Imported by `npm run infra:up`/`infra:down`, the vitest global setup and .ci/run.
 *
 * Ownership rule: a service is stopped only by the side that started it. infraUp() records what
 * it started in .infra/state.json; infraDown() in the same process stops exactly that, and in a
 * fresh process (npm run infra:down) everything the state file records. A service that was
 * already answering is reused and never stopped.
 */
import { loadConfig, infraPaths, type InfraConfig } from './config.js';
import { ensureKafka, stopKafka, type KafkaInfo } from './kafka.js';
import { ensureKinesis, stopKinesis, type KinesisInfo } from './kinesis.js';
import { readState, updateState, withLock, SERVICES, type ServiceName } from './state.js';
import { since } from './wait.js';

export type { KafkaInfo, KafkaSaslSslInfo } from './kafka.js';
export type { KinesisInfo } from './kinesis.js';
export type { ServiceName } from './state.js';
export { loadConfig, infraPaths, type InfraConfig, type InfraPaths } from './config.js';
export { prometheusBinaries, startPrometheus, type PrometheusServer, type StartPrometheusOptions } from './prometheus.js';

export interface InfraInfo {
  kafka: KafkaInfo;
  kinesis: KinesisInfo;
  /** What this call started (the rest was already running). */
  started: ServiceName[];
}

export interface InfraOptions {
  /** Where the short status lines go; default console.log. */
  log?: (line: string) => void;
  /** Default: loadConfig(process.env). */
  config?: InfraConfig;
  /** Repository root holding infra/ and .infra/ (tests of this module only). */
  root?: string;
}

/** What infraUp() in this process started; undefined when it was never called here. */
let startedHere: Set<ServiceName> | undefined;

/** Starts what is not already answering, waits until each serves a real request, and says where. */
export async function infraUp(options: InfraOptions = {}): Promise<InfraInfo> {
  const log = options.log ?? ((line: string) => console.log(line));
  const config = options.config ?? loadConfig();
  const paths = infraPaths(options.root);
  const begin = Date.now();

  return withLock(paths.lockFile, async () => {
    const state = readState(paths.stateFile);
    const [kafka, kinesis] = await Promise.allSettled([
      ensureKafka(config, paths, state.kafka, log),
      ensureKinesis(config, paths, state.kinesis, log),
    ]);
    // Record whatever did start even if the other failed, so infra:down can still stop it.
    updateState(paths.stateFile, (next) => {
      for (const [name, result] of [['kafka', kafka], ['kinesis', kinesis]] as const) {
        if (result.status === 'rejected') continue;
        if (result.value.record) next[name] = result.value.record;
        else next[name] = undefined;
      }
    });
    startedHere ??= new Set();
    if (kafka.status === 'fulfilled' && kafka.value.info.started) startedHere.add('kafka');
    if (kinesis.status === 'fulfilled' && kinesis.value.info.started) startedHere.add('kinesis');

    if (kafka.status === 'rejected' || kinesis.status === 'rejected') {
      const reasons = [kafka, kinesis].flatMap((r) => (r.status === 'rejected' ? [errorText(r.reason)] : []));
      throw new Error(`infra:up failed:\n${reasons.join('\n\n')}`);
    }
    const started = SERVICES.filter((name) => (name === 'kafka' ? kafka.value.info.started : kinesis.value.info.started));
    log(`infra: ready in ${since(begin)} (kafka ${kafka.value.info.brokers.join(',')}, kinesis ${kinesis.value.info.endpoint})`);
    return { kafka: kafka.value.info, kinesis: kinesis.value.info, started };
  });
}

export interface InfraDownOptions {
  log?: (line: string) => void;
  /** Which services to stop; default: what infraUp() started in this process, else all recorded ones. */
  services?: readonly ServiceName[];
  root?: string;
}

/** Stops only services that infraUp() started (see the ownership rule above). */
export async function infraDown(options: InfraDownOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const paths = infraPaths(options.root);
  await withLock(paths.lockFile, async () => {
    const state = readState(paths.stateFile);
    const wanted = options.services ?? (startedHere ? [...startedHere] : SERVICES);
    for (const name of SERVICES) {
      const record = state[name];
      if (!wanted.includes(name)) continue;
      if (!record) {
        if (!startedHere) log(`${name}: not started by infra:up; nothing to stop`);
        continue;
      }
      const outcome = name === 'kafka' ? await stopKafka(record) : await stopKinesis(record);
      log(`${name}: ${outcome}`);
      updateState(paths.stateFile, (next) => {
        next[name] = undefined;
      });
      startedHere?.delete(name);
    }
  });
}

function errorText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
