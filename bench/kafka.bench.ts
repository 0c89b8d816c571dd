/**
 * End to end through a real Kafka broker (the one `npm run infra:up` runs, on this machine, so the
 * broker's CPU is in the figures): `vpcflow run --source kafka --once` on a topic already filled
 * with N records, once as gzip CloudWatch Logs envelopes of ~1,000 events and once as text
 * messages of 1,000 lines. The baseline, measured in the same run on the same topic: a kafkajs
 * consumer that only reads the messages (the transport's ceiling in Node). Every record must be
 * in vpcflow's summary before any figure is shown.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { infraDown, infraUp } from '../scripts/infra/index.js';
import { createFlowGenerator } from '../src/generator/index.js';
import { DEFAULT_FORMAT } from '../src/index.js';
import { payloadOf, type Shape } from '../src/produce/shapes.js';
import { sampleProcess, type ProcessSample } from './process-sample.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const PER_MESSAGE = 1000;
const PARTITIONS = 4;

export interface KafkaShapeResult {
  shape: Shape;
  records: number;
  messages: number;
  topicBytes: number;
  vpcflow: { seconds: number; readingSeconds: number; recordsPerSecond: number } & ProcessSample;
  consumeOnly: { seconds: number; recordsPerSecond: number };
}

export interface KafkaResult {
  cores: number;
  shapes: KafkaShapeResult[];
}

/** Fill a new topic with `records` records in messages of PER_MESSAGE records; returns its name and size. */
async function fillTopic(kafka: Kafka, shape: Shape, records: number): Promise<{ topic: string; messages: number; bytes: number }> {
  const topic = `vpcflow-bench-${shape}-${Date.now().toString(36)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  // Event time advances ~20,000 records/s, so a few million records span minutes of windows.
  const generator = createFlowGenerator({ seed: 11, recordsPerSecond: 20_000 });
  let messages = 0;
  let bytes = 0;
  let pending: { partition: number; value: Buffer }[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pending.length > 0) await producer.send({ topic, messages: pending, acks: 1 });
    pending = [];
    pendingBytes = 0;
  };
  for (let made = 0; made < records; made += PER_MESSAGE) {
    const value = payloadOf(shape, Array.from({ length: Math.min(PER_MESSAGE, records - made) }, () => generator.next()), DEFAULT_FORMAT);
    // Under the broker's 1 MB request batch limit per partition.
    if (pendingBytes + value.length > 900_000) await flush();
    pending.push({ partition: messages % PARTITIONS, value });
    pendingBytes += value.length;
    messages++;
    bytes += value.length;
  }
  await flush();
  await producer.disconnect();
  return { topic, messages, bytes };
}

/** The baseline: read every message of the topic and do nothing with it. */
async function consumeOnly(kafka: Kafka, topic: string, messages: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: `${topic}-consume-only`, maxBytesPerPartition: 4 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  // From partition assignment, as for vpcflow: the group join is the same for both.
  let begun = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => (begun = performance.now()));
  const seconds = await new Promise<number>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= messages) resolve((performance.now() - begun) / 1000);
      },
    });
  });
  await consumer.disconnect();
  return seconds;
}

async function runVpcflow(brokers: string, topic: string): Promise<{ seconds: number; readingSeconds: number; good: number } & ProcessSample> {
  const args = ['run', '--source', 'kafka', '--kafka-brokers', brokers, '--kafka-topic', topic, '--kafka-group', `${topic}-vpcflow`, '--start-position', 'earliest', '--once'];
  args.push('--windows', '1m', '--listen', 'none', '--log-format', 'json', '--progress', 'off');
  const begun = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const sampler = sampleProcess(child.pid!);
  let output = '';
  let assignedAt = 0;
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (assignedAt === 0 && output.includes('kafka partitions assigned')) assignedAt = performance.now();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const sample = sampler.stop();
  const ended = performance.now();
  if (code !== 0) throw new Error(`vpcflow exited with ${code}:\n${output.slice(-2000)}`);
  const stopped = output.split('\n').find((line) => line.includes('"vpcflow stopped"'));
  const good = stopped ? (JSON.parse(stopped) as { summary: { good: number } }).summary.good : -1;
  return { seconds: (ended - begun) / 1000, readingSeconds: (ended - (assignedAt || begun)) / 1000, good, ...sample };
}

export async function kafkaBenchmark(records: number): Promise<KafkaResult> {
  const infra = await infraUp({ log: () => undefined });
  const brokers = infra.kafka.brokers.join(',');
  const kafka = new Kafka({ clientId: 'vpcflow-bench', brokers: infra.kafka.brokers, logLevel: logLevel.NOTHING });
  const shapes: KafkaShapeResult[] = [];
  for (const shape of ['cwl', 'text'] as const) {
    const filled = await fillTopic(kafka, shape, records);
    const baseline = await consumeOnly(kafka, filled.topic, filled.messages);
    const run = await runVpcflow(brokers, filled.topic);
    if (run.good !== records) throw new Error(`${shape}: vpcflow counted ${run.good} good records of ${records}`);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [filled.topic] }).catch(() => undefined);
    await admin.disconnect();
    shapes.push({
      shape,
      records,
      messages: filled.messages,
      topicBytes: filled.bytes,
      vpcflow: { ...run, recordsPerSecond: records / run.readingSeconds },
      consumeOnly: { seconds: baseline, recordsPerSecond: records / baseline },
    });
  }
  // Stops only what infraUp started here: a broker that was already running stays.
  await infraDown({ log: () => undefined });
  return { cores: availableParallelism(), shapes };
}

export function printKafka(result: KafkaResult): void {
  console.log(`\nThrough Kafka (broker on the same ${result.cores}-core machine, ${PARTITIONS} partitions, ${PER_MESSAGE} records per message); every record counted`);
  for (const r of result.shapes) {
    const v = r.vpcflow;
    const name = r.shape === 'cwl' ? 'CWL gzip envelopes' : 'text messages';
    console.log(`  ${name}: ${(r.records / 1e6).toFixed(1)} M records, ${r.messages} messages, ${(r.topicBytes / 1e6).toFixed(0)} MB in the topic`);
    console.log(`    consume only (kafkajs)  ${r.consumeOnly.seconds.toFixed(2).padStart(6)} s  ${(r.consumeOnly.recordsPerSecond / 1e6).toFixed(2)} M records/s`);
    console.log(`    vpcflow run --once      ${v.readingSeconds.toFixed(2).padStart(6)} s  ${(v.recordsPerSecond / 1e6).toFixed(2)} M records/s from partition assignment (${v.seconds.toFixed(2)} s with start-up)`);
    console.log(`                            CPU ${v.cpuSeconds.toFixed(2)} s (main thread ${v.mainThreadSeconds.toFixed(2)} s), peak RSS ${v.peakRssMb.toFixed(0)} MB`);
    console.log(`    vpcflow / consume only  ×${(v.recordsPerSecond / r.consumeOnly.recordsPerSecond).toFixed(2)}`);
  }
}
