/**
 * `--dead-letter-topic`: undecodable Kafka messages are copied, byte for byte, to a topic on the
 * same cluster with their coordinates in headers, and the good records still give exact totals.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { gzipText } from '../../../src/generator/index.js';
import type { WindowResult } from '../../../src/pipeline/window-results.js';
import { runCli } from '../../helpers/cli.js';
import { createTopic, deleteTopic, expectedPartitionTotals, mixedEntries, orderedGenerator, pipelineTotals, sendEntries, sorted, testKafka, uniqueName, type Entry } from './helpers.js';

const infra = inject('infra');
const kafka = testKafka(infra);
const topics: string[] = [];
afterAll(async () => {
  for (const topic of topics) await deleteTopic(kafka, topic);
});

interface Letter {
  value: Buffer;
  headers: Record<string, string>;
}

async function readTopic(topic: string, count: number): Promise<Letter[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  const letters: Letter[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${letters.length} of ${count} dead letters arrived`)), 20_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        letters.push({ value: message.value!, headers });
        if (letters.length === count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return letters;
}

describe('Kafka source: dead-letter topic', () => {
  it('copies undecodable messages to the topic with their partition, offset and reason', { timeout: 90_000 }, async () => {
    const topic = await createTopic(kafka, 'dlq-in', 1);
    const deadLetters = await createTopic(kafka, 'dlq-out', 1);
    topics.push(topic, deadLetters);
    const good = mixedEntries(orderedGenerator(83), 2_000);
    const whole = gzipText('2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK\n'.repeat(100));
    const truncated = whole.subarray(0, whole.length >> 1);
    const envelope = gzipText('{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":1,"message":"2 1');
    const bad = (data: Uint8Array): Entry => ({ data, flows: [], payloads: 1 });
    const entries = [...good.slice(0, 10), bad(truncated), ...good.slice(10, 20), bad(envelope), ...good.slice(20)];
    const producer = kafka.producer();
    await producer.connect();
    const placed = await sendEntries(producer, topic, 1, entries);
    await producer.disconnect();

    const windowsOut = join(await mkdtemp(join(tmpdir(), 'vpcflow-dlq-')), 'windows.jsonl');
    const result = await runCli(
      ['run', '--source', 'kafka', '--kafka-brokers', infra.kafka.brokers.join(','), '--kafka-topic', topic, '--kafka-group', uniqueName('group'), '--start-position', 'earliest', '--once', '--listen', 'none', '--dead-letter-topic', deadLetters, '--windows-out', windowsOut, '--allowed-lateness', '120s', '--log-format', 'json'],
      { timeoutMs: 60_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const windows = (await readFile(windowsOut, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as WindowResult);
    expect(sorted(pipelineTotals(windows))).toEqual(sorted(expectedPartitionTotals(placed).windows));

    const letters = await readTopic(deadLetters, 2);
    letters.sort((a, b) => Number(a.headers['vpcflow-position']) - Number(b.headers['vpcflow-position']));
    expect(letters.map((l) => l.headers)).toEqual([
      { 'vpcflow-source': 'kafka', 'vpcflow-partition': `${topic}/0`, 'vpcflow-position': '10', 'vpcflow-reason': 'bad_gzip' },
      { 'vpcflow-source': 'kafka', 'vpcflow-partition': `${topic}/0`, 'vpcflow-position': '21', 'vpcflow-reason': 'envelope_malformed' },
    ]);
    expect(letters[0]!.value.equals(truncated)).toBe(true);
    expect(letters[1]!.value.equals(envelope)).toBe(true);
  });
});
