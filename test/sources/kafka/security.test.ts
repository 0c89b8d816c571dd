/**
 * The SASL_SSL listener (SCRAM-SHA-256 over TLS): the CLI reads with the right credentials and
 * the CA file; with a wrong password, or plain TCP against the TLS port, it stops within seconds
 * with an error that names what to check.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { WindowResult } from '../../../src/pipeline/window-results.js';
import { runCli } from '../../helpers/cli.js';
import { createTopic, deleteTopic, expectedPartitionTotals, mixedEntries, orderedGenerator, pipelineTotals, sendEntries, sorted, testKafka, uniqueName } from './helpers.js';

const infra = inject('infra');
const kafka = testKafka(infra);
const sasl = infra.kafka.saslSsl!;
const topics: string[] = [];
afterAll(async () => {
  for (const topic of topics) await deleteTopic(kafka, topic);
});

const secureArgs = (topic: string): string[] => [
  'run', '--source', 'kafka', '--kafka-brokers', sasl.brokers.join(','), '--kafka-topic', topic, '--kafka-group', uniqueName('secure'),
  '--kafka-ca-file', sasl.caFile, '--kafka-sasl-mechanism', sasl.mechanism, '--kafka-username', sasl.username,
  '--start-position', 'earliest', '--once', '--listen', 'none', '--allowed-lateness', '120s', '--log-format', 'json',
];

describe('Kafka source: SASL_SSL with SCRAM', () => {
  it('reads the topic with the right credentials and the CA file', async () => {
    const topic = await createTopic(kafka, 'secure', 2);
    topics.push(topic);
    const producer = kafka.producer();
    await producer.connect();
    const placed = await sendEntries(producer, topic, 2, mixedEntries(orderedGenerator(97), 6_000));
    await producer.disconnect();
    const windowsOut = join(await mkdtemp(join(tmpdir(), 'vpcflow-secure-')), 'windows.jsonl');
    const result = await runCli([...secureArgs(topic), '--windows-out', windowsOut], { env: { VPCFLOW_KAFKA_PASSWORD: sasl.password } });
    expect(result.code, result.stderr).toBe(0);
    const windows = (await readFile(windowsOut, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as WindowResult);
    expect(sorted(pipelineTotals(windows))).toEqual(sorted(expectedPartitionTotals(placed).windows));
  });

  it('fails fast with a clear error on a wrong password', async () => {
    const begun = Date.now();
    const result = await runCli(secureArgs('any-topic'), { env: { VPCFLOW_KAFKA_PASSWORD: 'wrong-password' }, timeoutMs: 30_000 });
    expect(result.code).not.toBe(0);
    expect(Date.now() - begun).toBeLessThan(15_000);
    expect(result.stderr).toMatch(new RegExp(`Kafka rejected the credentials of user "${sasl.username}" \\(scram-sha-256\\)`));
    expect(result.stderr).toMatch(/Check --kafka-username, VPCFLOW_KAFKA_PASSWORD and --kafka-sasl-mechanism/);
  });

  it('fails with a clear error, after the connection retries, when TLS is off against the TLS port', async () => {
    const begun = Date.now();
    const args = secureArgs('any-topic').filter((a, i, all) => a !== '--kafka-ca-file' && all[i - 1] !== '--kafka-ca-file');
    const result = await runCli(args, { env: { VPCFLOW_KAFKA_PASSWORD: sasl.password }, timeoutMs: 60_000 });
    expect(result.code).not.toBe(0);
    expect(Date.now() - begun).toBeLessThan(45_000);
    expect(result.stderr).toMatch(new RegExp(`cannot reach Kafka at ${sasl.brokers[0]} \\(--kafka-brokers\\).*Check the addresses, --kafka-tls and --kafka-ca-file`));
  });

  it('fails fast with a clear error when the broker certificate is not trusted', async () => {
    const begun = Date.now();
    const args = secureArgs('any-topic').filter((a, i, all) => a !== '--kafka-ca-file' && all[i - 1] !== '--kafka-ca-file');
    const result = await runCli([...args, '--kafka-tls'], { env: { VPCFLOW_KAFKA_PASSWORD: sasl.password }, timeoutMs: 60_000 });
    expect(result.code).not.toBe(0);
    expect(Date.now() - begun).toBeLessThan(10_000);
    expect(result.stderr).toMatch(new RegExp(`the TLS certificate of Kafka broker ${sasl.brokers[0]} is not trusted: self-signed certificate in certificate chain\\. Pass the CA that signed it with --kafka-ca-file`));
  });
});
