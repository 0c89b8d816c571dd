/**
 * Where `vpcflow produce` writes: a Kafka topic (kafkajs producer) or a Kinesis stream
 * (PutRecords through the AWS SDK, HTTP/1.1 handler, retrying throttled entries).
 */
import { KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Partitioners, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { checkBrokerTls, createKafka, type KafkaConnection } from '../sources/kafka/client.js';

export interface Target {
  /** Send payloads, each with a partition key. Resolves when they are acknowledged. */
  send(messages: { key: string; value: Buffer }[]): Promise<void>;
  close(): Promise<void>;
}

/** PutRecords takes at most 500 records and 5 MB per call. */
function* putRecordsChunks(entries: PutRecordsRequestEntry[]): Generator<PutRecordsRequestEntry[]> {
  let chunk: PutRecordsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = (entry.Data?.length ?? 0) + (entry.PartitionKey?.length ?? 0);
    if (chunk.length === 500 || (chunk.length > 0 && bytes + size > 4_500_000)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(entry);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

export async function kafkaTarget(connection: KafkaConnection, topic: string, logger: Logger): Promise<Target> {
  await checkBrokerTls(connection);
  const producer: Producer = createKafka(connection, logger).producer({ allowAutoTopicCreation: false, idempotent: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return {
    async send(messages) {
      await producer.send({ topic, acks: -1, messages });
    },
    close: () => producer.disconnect(),
  };
}

export function kinesisTarget(stream: string, region: string, endpoint: string | null): Target {
  const client = new KinesisClient({ region, requestHandler: new NodeHttpHandler(), ...(endpoint ? { endpoint } : {}) });
  const streamField = stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream };
  return {
    async send(messages) {
      let pending: PutRecordsRequestEntry[] = messages.map((m) => ({ PartitionKey: m.key, Data: m.value }));
      for (let attempt = 0; ; attempt++) {
        const failed: PutRecordsRequestEntry[] = [];
        for (const chunk of putRecordsChunks(pending)) {
          const result = await client.send(new PutRecordsCommand({ ...streamField, Records: chunk }));
          // Throttled entries come back with an error code: they are sent again after a pause.
          chunk.forEach((entry, i) => {
            if (result.Records?.[i]?.ErrorCode) failed.push(entry);
          });
        }
        if (failed.length === 0) return;
        if (attempt === 20) throw new Error(`Kinesis stream ${stream} kept refusing ${failed.length} records (throttled); lower --rate or add shards`);
        pending = failed;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)));
      }
    },
    close: async () => client.destroy(),
  };
}
