/**
 * The SASL_SSL listener (SCRAM-SHA-256 over TLS): the CLI reads with the right credentials and
 * the CA file; with a wrong password, plain TCP against the TLS port, TLS against the plaintext
 * port or an untrusted certificate, it stops within seconds with an error that names what to check.
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

const withoutCaFile = (args: string[]): string[] => args.filter((a, i, all) => a !== '--kafka-ca-file' && all[i - 1] !== '--kafka-ca-file');

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

  it('fails fast with a clear error when TLS is off against the TLS port', async () => {
    const begun = Date.now();
    const args = withoutCaFile(secureArgs('any-topic'));
    const result = await runCli(args, { env: { VPCFLOW_KAFKA_PASSWORD: sasl.password }, timeoutMs: 60_000 });
    expect(result.code).not.toBe(0);
    // Before the preflight: ~60 s of kafkajs retries, then "Closed connection".
    expect(Date.now() - begun).toBeLessThan(5_000);
    expect(result.stderr).toContain(`Kafka broker ${sasl.brokers[0]} speaks TLS, but TLS is off. Turn it on with --kafka-tls (VPCFLOW_KAFKA_TLS=true)`);
  });

  it('vpcflow produce fails as fast and as clearly when TLS is off against the TLS port', async () => {
    const begun = Date.now();
    const result = await runCli(['produce', '--to', 'kafka', '--kafka-brokers', sasl.brokers[0]!, '--kafka-topic', 'any-topic', '--records', '10'], { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    expect(Date.now() - begun).toBeLessThan(5_000);
    expect(result.stderr).toContain(`Kafka broker ${sasl.brokers[0]} speaks TLS, but TLS is off. Turn it on with --kafka-tls`);
  });

  it('fails fast with a clear error when TLS is on against the plaintext port', async () => {
    const plaintext = infra.kafka.brokers[0]!;
    const args = (tls: string[]): string[] => ['run', '--source', 'kafka', '--kafka-brokers', plaintext, '--kafka-topic', 'any-topic', ...tls, '--listen', 'none', '--log-format', 'json'];
    for (const [tls, reason] of [[['--kafka-tls'], '--kafka-tls, VPCFLOW_KAFKA_TLS'], [['--kafka-ca-file', sasl.caFile], '--kafka-ca-file implies TLS']] as const) {
      const begun = Date.now();
      const result = await runCli(args([...tls]), { timeoutMs: 60_000 });
      expect(result.code).not.toBe(0);
      // Before the preflight: ~55 s of kafkajs retries, then "Client network socket disconnected".
      expect(Date.now() - begun).toBeLessThan(5_000);
      expect(result.stderr).toContain(`Kafka broker ${plaintext} speaks plaintext Kafka, not TLS, but TLS is on (${reason}). Point --kafka-brokers at the broker's TLS listener`);
    }
  });

  it('leaves a broker that refuses connections to kafkajs\'s retries (an outage, not a TLS mismatch)', async () => {
    const result = await runCli(['run', '--source', 'kafka', '--kafka-brokers', '127.0.0.1:1', '--kafka-topic', 'any-topic', '--listen', 'none', '--log-format', 'json'], { timeoutMs: 10_000 }).catch((error: Error) => error);
    // Still retrying after 10 s: the preflight did not end it.
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/did not finish in time/);
    expect((result as Error).message).not.toMatch(/speaks TLS|speaks plaintext/);
  });

  it('fails fast with a clear error when the broker certificate is not trusted', async () => {
    const begun = Date.now();
    const args = withoutCaFile(secureArgs('any-topic'));
    const result = await runCli([...args, '--kafka-tls'], { env: { VPCFLOW_KAFKA_PASSWORD: sasl.password }, timeoutMs: 60_000 });
    expect(result.code).not.toBe(0);
    expect(Date.now() - begun).toBeLessThan(10_000);
    expect(result.stderr).toMatch(new RegExp(`the TLS certificate of Kafka broker ${sasl.brokers[0]} is not trusted: self-signed certificate in certificate chain\\. Pass the CA that signed it with --kafka-ca-file`));
  });
});
