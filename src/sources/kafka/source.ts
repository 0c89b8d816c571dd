/**
 * The Kafka source (kafkajs): a consumer group reads the topics, each partition is a pipeline
 * partition (`topic/partition`), each message a payload. Offsets are committed only up to the
 * positions the pipeline declares safe, with the emitted-windows mark in the commit metadata, so
 * a crash or a rebalance loses nothing (at-least-once). Backpressure: the batch handler waits on
 * the pipeline, so fetching pauses. With `once`, the run ends when every partition has reached
 * the end it had at start-up.
 *
 * Marks: prepare() reads every partition's mark at start-up. A partition assigned later (another
 * replica left or died) has its mark read again at the assignment, as its earlier owner committed
 * it: the pipeline gets it before the partition's first payload (its payloads wait for it), so
 * the replay from that owner's commit does not count the windows it emitted again, and our own
 * commits of the partition keep at least that mark.
 */
import { PartitionAssigners, type Admin, type Consumer, type Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { VpcflowError } from '../../errors.js';
import type { Source, SourceGauges, SourceRestore, SourceSink } from '../source.js';
import { checkBrokerTls, connectionError, createKafka, type KafkaConnection } from './client.js';
import { stickyAssigner } from './sticky-assigner.js';

export interface KafkaSourceOptions {
  connection: KafkaConnection;
  /** Topic names, or '/regex/' patterns. */
  topics: readonly string[];
  groupId: string;
  startPosition: 'earliest' | 'latest' | Date;
  /** Record format by topic, when not the configured one. */
  topicFormats: ReadonlyMap<string, string>;
  once: boolean;
  logger: Logger;
  /** Readiness needs a successful fetch within this long. */
  staleAfterMs?: number;
  /** How long newly assigned partitions wait for their committed marks before going on without them. */
  markWaitMs?: number;
}

interface CommitMetadata {
  closedThrough: number;
}

const EMPTY = new Uint8Array(0);
const key = (topic: string, partition: number): string => `${topic}/${partition}`;
const topicOf = (partition: string): string => partition.slice(0, partition.lastIndexOf('/'));

function parseMetadata(text: string | null): CommitMetadata | null {
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as Partial<CommitMetadata>;
    return typeof parsed.closedThrough === 'number' ? { closedThrough: parsed.closedThrough } : null;
  } catch {
    return null; // another tool's metadata: no mark to restore
  }
}

export function createKafkaSource(options: KafkaSourceOptions): Source {
  const { logger } = options;
  const kafka: Kafka = createKafka(options.connection, logger);
  // An idle consumer still fetches every maxWaitTimeInMs (500 ms): 5 s without one is an outage.
  const staleAfterMs = options.staleAfterMs ?? 5_000;
  // The admin client retries for up to about a minute; a partition should not wait that long.
  const markWaitMs = options.markWaitMs ?? 10_000;
  let consumer: Consumer | null = null;
  let groupAdmin: Admin | null = null; // reads the commits of newly assigned partitions
  let gauges: SourceGauges | null = null;
  let topics: string[] = [];
  let lastFetch = 0;
  let running = false;
  let stopped = false;
  const committed = new Map<string, bigint>(); // next offset to read, as committed
  const highWatermarks = new Map<string, bigint>();
  const lows = new Map<string, bigint>(); // log start offsets at start-up
  const marks = new Map<string, number>(); // emitted-windows marks committed with the offsets
  let watermarkMark = -Infinity; // the highest finite mark this run committed
  const ends = new Map<string, bigint>(); // with `once`: the next offset at start-up
  const consumedUpTo = new Map<string, bigint>();
  let assigned = new Set<string>();
  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });

  const reportLag = (partition: string): void => {
    const high = highWatermarks.get(partition);
    if (high !== undefined) gauges?.lag(partition, Number(high - (committed.get(partition) ?? 0n)));
  };

  async function resolveTopics(admin: Admin): Promise<string[]> {
    const patterns = options.topics.filter((t) => t.startsWith('/') && t.endsWith('/') && t.length > 2).map((t) => new RegExp(t.slice(1, -1)));
    const names = options.topics.filter((t) => !(t.startsWith('/') && t.endsWith('/') && t.length > 2));
    const existing = await admin.listTopics();
    const missing = names.filter((name) => !existing.includes(name));
    if (missing.length > 0) {
      throw new VpcflowError('VPCFLOW_SOURCE_CONNECT', `Kafka topic ${missing.map((m) => JSON.stringify(m)).join(', ')} does not exist on ${options.connection.brokers.join(',')} (--kafka-topic); create it or fix the name`, { context: { setting: 'kafkaTopic', value: missing } });
    }
    return [...new Set([...names, ...existing.filter((t) => !t.startsWith('__') && patterns.some((p) => p.test(t)))])];
  }

  async function seekToTime(admin: Admin, topic: string, time: Date, withoutOffset: number[]): Promise<void> {
    if (withoutOffset.length === 0) return;
    const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, time.getTime());
    const partitions = offsets.filter((o) => withoutOffset.includes(o.partition)).map((o) => ({ partition: o.partition, offset: o.offset }));
    try {
      await admin.setOffsets({ groupId: options.groupId, topic, partitions });
    } catch (error) {
      // Only an empty group accepts offsets; a running replica already started elsewhere.
      logger.warn({ err: error, topic }, `could not set the group's start offsets for ${time.toISOString()}; other replicas are running`);
    }
  }

  return {
    name: 'kafka',
    get ready() {
      return running && Date.now() - lastFetch < staleAfterMs;
    },

    async prepare(sourceGauges: SourceGauges): Promise<SourceRestore> {
      gauges = sourceGauges;
      await checkBrokerTls(options.connection);
      const admin = kafka.admin();
      try {
        await admin.connect();
        topics = await resolveTopics(admin);
        for (const topic of topics) {
          const [groupOffsets] = await admin.fetchOffsets({ groupId: options.groupId, topics: [topic] });
          const withoutOffset: number[] = [];
          for (const p of groupOffsets?.partitions ?? []) {
            if (p.offset === '-1') {
              withoutOffset.push(p.partition);
              continue;
            }
            committed.set(key(topic, p.partition), BigInt(p.offset));
            const mark = parseMetadata(p.metadata)?.closedThrough;
            if (mark !== undefined && mark !== null) marks.set(key(topic, p.partition), mark);
          }
          if (options.startPosition instanceof Date) await seekToTime(admin, topic, options.startPosition, withoutOffset);
          for (const o of await admin.fetchTopicOffsets(topic)) {
            const partition = key(topic, o.partition);
            highWatermarks.set(partition, BigInt(o.high));
            lows.set(partition, BigInt(o.low));
            if (options.once) ends.set(partition, BigInt(o.high));
            reportLag(partition);
          }
        }
        // Replicas commit their own partitions with their own marks: each partition keeps its own.
        return { closedThrough: marks.size > 0 ? Math.min(...marks.values()) : -Infinity, partitions: marks };
      } catch (error) {
        throw error instanceof VpcflowError ? error : connectionError(error, options.connection);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },

    async run(sink: SourceSink): Promise<void> {
      // An empty fetch is held by the broker this long; kafkajs's default (5 s) delayed every
      // --once run and every shutdown by up to 5 s.
      const c = kafka.consumer({ groupId: options.groupId, partitionAssigners: [stickyAssigner(() => assigned), PartitionAssigners.roundRobin], maxWaitTimeInMs: 500, sessionTimeout: 30_000, heartbeatInterval: 3000, maxBytesPerPartition: 4 << 20, retry: { retries: 10 } });
      consumer = c;
      const done = new Promise<void>((resolve, reject) => {
        c.on(c.events.STOP, () => resolve());
        // A crash kafkajs will not restart from ends the run (the pipeline then shuts down).
        c.on(c.events.CRASH, ({ payload }) => {
          if (!payload.restart) reject(payload.error);
        });
      });
      c.on(c.events.FETCH, () => {
        lastFetch = Date.now();
      });
      c.on(c.events.CRASH, ({ payload }) => {
        lastFetch = 0; // not ready until it fetches again
        logger.error({ err: payload.error, restart: payload.restart }, 'kafka consumer crashed');
      });
      // --once: a replica is done when the partitions assigned to it now have reached their ends.
      // Where each starts is read from the group at its assignment (another replica may have
      // committed since start-up), so a partition that has nothing left counts as done.
      const starts = new Map<string, bigint>();
      let finish: () => void = () => undefined;
      const backfilled = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const finished = (): boolean => options.once && [...assigned].every((partition) => (consumedUpTo.get(partition) ?? starts.get(partition) ?? 0n) >= (ends.get(partition) ?? 0n));
      // Newly assigned partitions whose committed marks are being read: their payloads wait.
      const held = new Map<string, Promise<void>>();
      let assignments = Promise.resolve();
      c.on(c.events.GROUP_JOIN, ({ payload }) => {
        const now = new Set(Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((p) => key(topic, p))));
        // Revoked partitions no longer hold the watermark back; their uncommitted records will be
        // read again by their new owner.
        for (const partition of assigned) if (!now.has(partition)) sink.endPartition(partition);
        // kafkajs restarts every partition from its committed offset after a rebalance; the ones
        // we keep continue where we were (their records since the commit are ours already).
        for (const partition of now) {
          const next = consumedUpTo.get(partition);
          if (assigned.has(partition) && next !== undefined) c.seek({ topic: topicOf(partition), partition: Number(partition.slice(partition.lastIndexOf('/') + 1)), offset: next.toString() });
        }
        const added = [...now].filter((partition) => !assigned.has(partition));
        sink.announce(added);
        assigned = now;
        logger.info({ partitions: [...now].sort() }, 'kafka partitions assigned');
        if (added.length === 0) return;
        const reading = (assignments = assignments.then(() => readAssigned(added)));
        for (const partition of added) held.set(partition, reading);
        void reading.then(() => {
          for (const partition of added) if (held.get(partition) === reading) held.delete(partition);
        });
      });
      /**
       * What the group committed for newly assigned partitions: their marks go to the pipeline and
       * into our own commits; with --once, where each starts. Without an answer in time the
       * partitions go on without marks: windows their earlier owner emitted may be counted again
       * (duplicates), no record is lost.
       */
      const readAssigned = async (partitions: readonly string[]): Promise<void> => {
        let offsets: Map<string, { offset: string; metadata: string | null }>;
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${markWaitMs} ms`)), markWaitMs);
          });
          offsets = await Promise.race([groupOffsets(partitions), timeout]);
        } catch (error) {
          logger.warn({ err: error, partitions }, 'could not read the group offsets of newly assigned partitions; the windows their earlier owner emitted may be counted again');
          return;
        } finally {
          clearTimeout(timer);
        }
        const restored = new Map<string, number>();
        for (const [partition, { offset, metadata }] of offsets) {
          const none = options.startPosition === 'latest' ? ends.get(partition) : lows.get(partition);
          starts.set(partition, offset === '-1' ? (none ?? 0n) : BigInt(offset));
          const mark = offset === '-1' ? undefined : parseMetadata(metadata)?.closedThrough;
          // Marks we know (from start-up, or an earlier assignment) the pipeline has already.
          if (mark === undefined || mark <= (marks.get(partition) ?? -Infinity)) continue;
          restored.set(partition, mark);
          marks.set(partition, mark);
        }
        if (restored.size > 0) {
          sink.restore(restored);
          logger.info({ marks: Object.fromEntries([...restored].map(([partition, mark]) => [partition, new Date(mark * 1000).toISOString()])) }, 'windows emitted by the earlier owners of newly assigned partitions');
        }
        if (finished()) finish();
      };
      // Connected while the consumer joins: newly assigned partitions wait for its answer, and a
      // connection per assignment cost them ~0.35 s.
      const admin = (groupAdmin = kafka.admin());
      const adminConnected = admin.connect();
      adminConnected.catch(() => undefined);
      const groupOffsets = async (partitions: readonly string[]): Promise<Map<string, { offset: string; metadata: string | null }>> => {
        const found = new Map<string, { offset: string; metadata: string | null }>();
        await adminConnected;
        for (const topic of new Set(partitions.map(topicOf))) {
          const [offsets] = await admin.fetchOffsets({ groupId: options.groupId, topics: [topic] });
          for (const p of offsets?.partitions ?? []) {
            const partition = key(topic, p.partition);
            if (partitions.includes(partition)) found.set(partition, { offset: p.offset, metadata: p.metadata });
          }
        }
        return found;
      };
      try {
        await c.connect();
        await c.subscribe({ topics, fromBeginning: options.startPosition !== 'latest' });
      } catch (error) {
        throw connectionError(error, options.connection);
      }
      running = true;
      lastFetch = Date.now();
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 4,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const partition = key(batch.topic, batch.partition);
          // A newly assigned partition's mark reaches the pipeline before its first payload.
          await held.get(partition);
          const format = options.topicFormats.get(batch.topic);
          highWatermarks.set(partition, BigInt(batch.highWatermark));
          reportLag(partition);
          let count = 0;
          for (const message of batch.messages) {
            if (!isRunning() || isStale() || stopped) break;
            const end = ends.get(partition);
            if (end !== undefined && BigInt(message.offset) >= end) break;
            await sink.push({ partition, position: message.offset, payload: message.value ?? EMPTY, ...(format ? { format } : {}) });
            // Resolving moves the fetch position only; with autoCommit off nothing is committed here.
            resolveOffset(message.offset);
            consumedUpTo.set(partition, BigInt(message.offset) + 1n);
            lastFetch = Date.now(); // a consumer held back by backpressure is still making progress
            if (++count % 200 === 0) await heartbeat();
          }
          if (finished()) finish();
        },
      });
      await Promise.race([options.once ? backfilled : new Promise<never>(() => undefined), done, stopRequested]);
      // Stay in the group: the pipeline commits the final positions after closing every window,
      // and only a member can commit. close() leaves.
      c.pause(topics.map((topic) => ({ topic })));
      if (options.once) for (const partition of ends.keys()) sink.endPartition(partition);
      running = false;
    },

    stop() {
      stopped = true;
      requestStop();
    },

    async commit(positions: ReadonlyMap<string, string>, closedThrough: number): Promise<void> {
      if (!consumer) return;
      // The mark is how far the watermark closed windows. At the end (Infinity) every window was
      // emitted, the later ones early: the mark stays where the watermark was, as a restart
      // continuing from here would have it. A partition restored with a higher mark keeps it (its
      // earlier owner emitted that far).
      if (Number.isFinite(closedThrough)) watermarkMark = Math.max(watermarkMark, closedThrough);
      const markOf = (partition: string): number | null => {
        const mark = Math.max(watermarkMark, marks.get(partition) ?? -Infinity);
        return Number.isFinite(mark) ? mark : null;
      };
      // A partition revoked by a rebalance belongs to its new owner: committing our older position
      // would move its offset back under it.
      const owned = [...positions].filter(([partition]) => assigned.has(partition));
      if (owned.length === 0) return;
      const entries = owned.map(([partition, offset]) => {
        const metadata = JSON.stringify({ closedThrough: markOf(partition) } satisfies Record<string, unknown>);
        return { topic: topicOf(partition), partition: Number(partition.slice(partition.lastIndexOf('/') + 1)), offset: (BigInt(offset) + 1n).toString(), metadata };
      });
      try {
        await consumer.commitOffsets(entries);
        for (const entry of entries) {
          const partition = key(entry.topic, entry.partition);
          committed.set(partition, BigInt(entry.offset));
          reportLag(partition);
        }
        gauges?.committed(true);
      } catch (error) {
        // Typically a rebalance: the partitions' new owners read from the last committed offsets.
        gauges?.committed(false);
        logger.warn({ err: error, partitions: entries.length }, 'kafka offset commit failed; the records after the last commit will be read again');
      }
    },

    async close(): Promise<void> {
      await groupAdmin?.disconnect().catch(() => undefined);
      await consumer?.disconnect().catch(() => undefined);
    },
  };
}
