/**
 * Dead letters: payloads that could not be decoded (truncated gzip, malformed JSON envelopes),
 * kept with their coordinates so an operator can inspect or replay them. Writes are queued and
 * flushed before the source commits past them, so a dead letter is never lost to a commit; a
 * write that fails is logged and counted (vpcflow_dead_letters_total{outcome="failed"}).
 */
import { appendFile } from 'node:fs/promises';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';

export interface DeadLetterRecord {
  source: string;
  partition: string;
  position: string;
  /** Why it could not be decoded, as in vpcflow_source_undecodable_payloads_total. */
  reason: string;
  payload: Uint8Array;
}

export interface DeadLetter {
  /** Where dead letters go, for logs. */
  readonly target: string;
  write(record: DeadLetterRecord): void;
  /** Resolves when every record written so far is stored (or its failure counted). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export type DeadLetterOutcome = (outcome: 'written' | 'failed', reason: string) => void;

/**
 * A queue of pending writes, each settled into the outcome counter: failures are logged, never
 * thrown at the pipeline.
 */
function pendingWrites(logger: Logger, target: string, counted: DeadLetterOutcome) {
  const pending = new Set<Promise<void>>();
  return {
    track(write: Promise<void>, record: DeadLetterRecord): void {
      const settled = write.then(
        () => counted('written', record.reason),
        (error: unknown) => {
          counted('failed', record.reason);
          logger.error({ err: error, partition: record.partition, position: record.position, reason: record.reason }, `could not write a dead letter to ${target}`);
        },
      );
      pending.add(settled);
      void settled.finally(() => pending.delete(settled));
    },
    async flush(): Promise<void> {
      await Promise.all(pending);
    },
  };
}

/** JSON lines, appended one at a time (dead letters are rare): coordinates, reason, size, and the payload in base64. */
export function createFileDeadLetter(path: string, logger: Logger, counted: DeadLetterOutcome): DeadLetter {
  const writes = pendingWrites(logger, path, counted);
  let previous: Promise<void> = Promise.resolve();
  return {
    target: path,
    write(record) {
      const { payload, ...coordinates } = record;
      const line = JSON.stringify({ time: new Date().toISOString(), ...coordinates, bytes: payload.length, payload: Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('base64') });
      // In order, so lines never interleave.
      const write = previous.catch(() => undefined).then(() => appendFile(path, `${line}\n`));
      previous = write;
      writes.track(write, record);
    },
    flush: () => writes.flush(),
    close: () => writes.flush(),
  };
}

/** The payload as the message value, the coordinates and reason as headers, on the source's cluster. */
export function createKafkaDeadLetter(kafka: Kafka, topic: string, logger: Logger, counted: DeadLetterOutcome): DeadLetter {
  let producer: Promise<Producer> | null = null;
  const connected = (): Promise<Producer> => {
    producer ??= (async () => {
      const p = kafka.producer({ allowAutoTopicCreation: false });
      await p.connect();
      return p;
    })();
    return producer;
  };
  const writes = pendingWrites(logger, `Kafka topic ${topic}`, counted);
  return {
    target: `kafka topic ${topic}`,
    write(record) {
      const send = async (): Promise<void> => {
        const p = await connected();
        await p.send({
          topic,
          acks: -1,
          messages: [
            {
              key: `${record.partition}@${record.position}`,
              value: Buffer.from(record.payload.buffer, record.payload.byteOffset, record.payload.length),
              headers: { 'vpcflow-source': record.source, 'vpcflow-partition': record.partition, 'vpcflow-position': record.position, 'vpcflow-reason': record.reason },
            },
          ],
        });
      };
      writes.track(send(), record);
    },
    flush: () => writes.flush(),
    async close() {
      await writes.flush();
      if (producer) await (await producer.catch(() => null))?.disconnect();
    },
  };
}
