/**
 * The broker stopped for 20 seconds and started again (a private broker, so the other tests keep
 * theirs): the consumer recovers on its own, /readyz says 503 during the outage and 200 after,
 * and no record is lost.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infraPaths, loadConfig, type InfraPaths } from '../../../scripts/infra/index.js';
import { ensureKafka, stopKafka } from '../../../scripts/infra/kafka.js';
import type { ServiceRecord } from '../../../scripts/infra/state.js';
import type { WindowResult } from '../../../src/pipeline/window-results.js';
import { exited, startCli } from '../../helpers/cli.js';
import { createTopic, expectedPartitionTotals, mixedEntries, orderedGenerator, pipelineTotals, sendEntries, type Placed } from './helpers.js';

const config = loadConfig({ ...process.env, VPCFLOW_KAFKA_PORT: '19092', VPCFLOW_KAFKA_CONTROLLER_PORT: '19093', VPCFLOW_KAFKA_SASL_PORT: '19094' });
const brokers = [`${config.host}:${config.kafka.port}`];

function privatePaths(): InfraPaths {
  const shared = infraPaths();
  const dir = join(shared.dir, 'kafka-outage');
  // The shared jars and TLS material; its own data, properties and log.
  return { ...shared, kafka: { ...shared.kafka, dir, data: join(dir, 'data'), serverProperties: join(dir, 'server.properties'), log: join(dir, 'broker.log'), formatLog: join(dir, 'format.log') } };
}

const paths = privatePaths();
let broker: ServiceRecord | null = null;
const start = async (keepData: boolean): Promise<void> => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(paths.kafka.dir, { recursive: true });
  broker = (await ensureKafka(config, paths, undefined, () => undefined, { keepData })).record;
};
const stop = async (): Promise<void> => {
  if (broker) await stopKafka(broker);
  broker = null;
};

beforeAll(() => start(false), 120_000);
afterAll(stop, 30_000);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const status = async (url: string): Promise<number> => (await fetch(url).catch(() => null))?.status ?? 0;
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const begun = Date.now();
  while (!(await check())) {
    if (Date.now() - begun > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
  return Date.now() - begun;
}
const metric = async (url: string, name: string): Promise<number> => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);

describe('Kafka source: broker outage', () => {
  it('recovers on its own after 20 s without a broker, readiness reflecting it, without loss', { timeout: 180_000 }, async () => {
    const kafka = new Kafka({ clientId: 'vpcflow-test', brokers, logLevel: logLevel.NOTHING });
    const topic = await createTopic(kafka, 'outage', 2);
    const generator = orderedGenerator(131, 200);
    const placed: Placed = new Map();
    const send = async (records: number): Promise<void> => {
      const producer = kafka.producer();
      await producer.connect();
      await sendEntries(producer, topic, 2, mixedEntries(generator, records, 50), placed);
      await producer.disconnect();
    };
    await send(20_000);

    const dir = await mkdtemp(join(tmpdir(), 'vpcflow-outage-'));
    const consumer = await startCli(['run', '--source', 'kafka', '--kafka-brokers', brokers.join(','), '--kafka-topic', topic, '--kafka-group', 'outage', '--start-position', 'earliest', '--allowed-lateness', '120s', '--listen', '127.0.0.1:0', '--log-format', 'json', '--windows-out', join(dir, 'windows.jsonl')]);
    await until('the consumer ready', async () => (await status(`${consumer.url}/readyz`)) === 200, 30_000);
    await until('the first records read', async () => (await metric(consumer.url, 'vpcflow_records_total')) >= 20_000, 30_000);

    await stop();
    const notReadyAfter = await until('/readyz 503 during the outage', async () => (await status(`${consumer.url}/readyz`)) === 503, 20_000);
    await sleep(Math.max(0, 20_000 - notReadyAfter));
    expect(await status(`${consumer.url}/healthz`)).toBe(200); // alive all along
    await start(true);
    const recoveredAfter = await until('/readyz 200 after the broker is back', async () => (await status(`${consumer.url}/readyz`)) === 200, 60_000);
    await send(20_000);
    await until('the later records read', async () => (await metric(consumer.url, 'vpcflow_records_total')) >= 40_000, 60_000);
    console.log(`outage: /readyz 503 ${(notReadyAfter / 1000).toFixed(1)} s after the broker stopped, 200 again ${(recoveredAfter / 1000).toFixed(1)} s after it restarted`);

    consumer.child.kill('SIGTERM');
    expect((await exited(consumer.child)).code, consumer.output().slice(-3000)).toBe(0);
    const windows = (await readFile(join(dir, 'windows.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as WindowResult);
    const got = pipelineTotals(windows);
    const missing: string[] = [];
    for (const [id, groups] of expectedPartitionTotals(placed).windows) {
      for (const [key, [flows]] of groups) if ((got.get(id)?.get(key)?.[0] ?? 0) < flows) missing.push(`${id} ${key}`);
    }
    expect(missing).toEqual([]);
  });
});
