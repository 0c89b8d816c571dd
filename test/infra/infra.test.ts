/**
 * The shared local infrastructure works the way the integration tests will use it: kafkajs on
 * PLAINTEXT and on SASL_SSL/SCRAM, and the Kinesis SDK (HTTP/1.1) against kinesis-local.
 * Needs Java 17, Maven and openssl; the first run downloads the broker's jars.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { infraUp, type InfraInfo } from '../../scripts/infra/index.js';

let infra: InfraInfo;
const quiet = () => {};

// infraUp() is idempotent: it reuses what a global setup or `npm run infra:up` already started.
// There is no infraDown() in afterAll on purpose: other test files (other vitest workers) may be
// using the same broker. Whatever this started stays recorded in .infra/state.json for
// `npm run infra:down`.
beforeAll(async () => {
  infra = await infraUp({ log: quiet });
}, 300_000);

describe('kafka', () => {
  const plain = (): KafkaConfig => ({ clientId: 'infra-test', brokers: infra.kafka.brokers, logLevel: logLevel.NOTHING });
  const secure = (password: string): KafkaConfig => {
    const sasl = infra.kafka.saslSsl!;
    return {
      clientId: 'infra-test-sasl',
      brokers: sasl.brokers,
      ssl: { ca: [sasl.ca] },
      sasl: { mechanism: 'scram-sha-256', username: sasl.username, password },
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3_000,
    };
  };

  it('produces and consumes a message in a consumer group on PLAINTEXT', async () => {
    const kafka = new Kafka(plain());
    const topic = `infra-test-${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: `infra-test-${randomUUID()}`, sessionTimeout: 6_000, heartbeatInterval: 500 });
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'eni-1', value: 'hello flow logs' }] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<{ key: string; value: string }>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => resolve({ key: String(message.key), value: String(message.value) }),
        });
      });
      expect(await received).toEqual({ key: 'eni-1', value: 'hello flow logs' });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    }
  });

  it('accepts SCRAM-SHA-256 over TLS with the right password', async () => {
    expect(infra.kafka.saslSsl).not.toBeNull();
    const admin = new Kafka(secure(infra.kafka.saslSsl!.password)).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      // The broker advertises the SASL_SSL listener to clients that came in on it.
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(infra.kafka.saslSsl!.brokers);
    } finally {
      await admin.disconnect();
    }
  });

  it('rejects a wrong password at once with an authentication error', async () => {
    // Default retry settings: an authentication failure must not be retried.
    const admin = new Kafka(secure('not-the-password')).admin();
    const startedMs = Date.now();
    const error = await admin.connect().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    await admin.disconnect();
    expect(error?.name).toBe('KafkaJSSASLAuthenticationError');
    expect(error?.message).toMatch(/invalid credentials/i);
    expect(Date.now() - startedMs).toBeLessThan(5_000);
  });
});

describe('kinesis-local', () => {
  const client = () =>
    new KinesisClient({
      endpoint: infra.kinesis.endpoint,
      region: infra.kinesis.region,
      credentials: infra.kinesis.credentials,
      // HTTP/1.1: the SDK's default HTTP/2 handler does not work against the emulator.
      requestHandler: new NodeHttpHandler(),
    });

  async function untilActive(kinesis: KinesisClient, StreamName: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
      if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${StreamName} never became ACTIVE`);
  }

  it('creates a stream, puts a record and gets it back', async () => {
    const kinesis = client();
    const StreamName = `infra-test-${randomUUID()}`;
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
      await untilActive(kinesis, StreamName);
      const put = await kinesis.send(
        new PutRecordsCommand({ StreamName, Records: [{ PartitionKey: 'eni-1', Data: Buffer.from('hello flow logs') }] }),
      );
      expect(put.FailedRecordCount).toBe(0);
      const ShardId = put.Records![0]!.ShardId!;
      const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      const got = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
      expect(got.Records?.map((r) => Buffer.from(r.Data!).toString())).toEqual(['hello flow logs']);
    } finally {
      await kinesis.send(new DeleteStreamCommand({ StreamName })).catch(() => {});
      kinesis.destroy();
    }
  });

  it('splits a shard (the resharding tests depend on it)', async () => {
    const kinesis = client();
    const StreamName = `infra-test-${randomUUID()}`;
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
      await untilActive(kinesis, StreamName);
      const [parent] = (await kinesis.send(new ListShardsCommand({ StreamName }))).Shards!;
      const range = parent!.HashKeyRange!;
      const middle = (BigInt(range.StartingHashKey!) + BigInt(range.EndingHashKey!)) / 2n;
      await kinesis.send(new SplitShardCommand({ StreamName, ShardToSplit: parent!.ShardId!, NewStartingHashKey: middle.toString() }));
      await untilActive(kinesis, StreamName);
      const shards = (await kinesis.send(new ListShardsCommand({ StreamName }))).Shards!;
      expect(shards).toHaveLength(3);
      expect(shards.filter((s) => s.ParentShardId === parent!.ShardId)).toHaveLength(2);
      expect(shards.find((s) => s.ShardId === parent!.ShardId)?.SequenceNumberRange?.EndingSequenceNumber).toBeDefined();
    } finally {
      await kinesis.send(new DeleteStreamCommand({ StreamName })).catch(() => {});
      kinesis.destroy();
    }
  });
});

describe('infraUp', () => {
  it('is idempotent: a second call reuses both services and starts nothing', async () => {
    const lines: string[] = [];
    const again = await infraUp({ log: (line) => lines.push(line) });
    expect(again.started).toEqual([]);
    expect(again.kafka.brokers).toEqual(infra.kafka.brokers);
    expect(again.kinesis.endpoint).toBe(infra.kinesis.endpoint);
    expect(lines.filter((l) => /^(kafka|kinesis): reused /.test(l))).toHaveLength(2);
  });
});
