/**
 * Kinesis integration test helpers: streams on kinesis-local, a producer that remembers which
 * shard each record went to (so the oracle can follow each shard's order), mixed payload shapes,
 * and window totals to compare.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { pino } from 'pino';
import type { InfraInfo } from '../../../scripts/infra/index.js';
import { parseFormat } from '../../../src/format/format.js';
import { cloudWatchEnvelope, createFlowGenerator, gzipText, renderLine, type FlowGenerator, type FlowRecord } from '../../../src/generator/index.js';
import type { WindowResult } from '../../../src/pipeline/window-results.js';
import { createKinesisSource, type KinesisSourceOptions } from '../../../src/sources/kinesis/index.js';
import type { Source, SourcePayload, SourceSink } from '../../../src/sources/source.js';
import { groupKey, oracleTotals } from '../../helpers/window-oracle.js';
import { kplAggregate } from './kpl-writer.js';

export const FORMAT = parseFormat('default');
const INTERNAL_V4: [string, number][] = [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10]];

/** The source reads credentials from the SDK's default chain, as in production: here, the environment. */
export function useInfraCredentials(infra: InfraInfo): void {
  process.env.AWS_ACCESS_KEY_ID = infra.kinesis.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = infra.kinesis.credentials.secretAccessKey;
}

export function producer(infra: InfraInfo): KinesisClient {
  return new KinesisClient({
    endpoint: infra.kinesis.endpoint,
    region: infra.kinesis.region,
    credentials: infra.kinesis.credentials,
    requestHandler: new NodeHttpHandler(),
  });
}

export const uniqueName = (label: string): string => `vpcflow-${label}-${process.pid}-${Date.now().toString(36)}`;

export async function untilActive(client: KinesisClient, StreamName: string): Promise<void> {
  for (;;) {
    const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName }));
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function createStream(client: KinesisClient, label: string, shards: number): Promise<string> {
  const name = uniqueName(label);
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await untilActive(client, name);
  return name;
}

export async function deleteStream(client: KinesisClient, name: string): Promise<void> {
  await client.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true })).catch(() => undefined);
}

/** Split a shard at the middle of its hash range and wait for the children. */
export async function splitShard(client: KinesisClient, stream: string, shardId: string): Promise<void> {
  const { Shards } = await client.send(new ListShardsCommand({ StreamName: stream }));
  const shard = Shards!.find((s) => s.ShardId === shardId)!;
  const middle = (BigInt(shard.HashKeyRange!.StartingHashKey!) + BigInt(shard.HashKeyRange!.EndingHashKey!)) / 2n;
  await client.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: shardId, NewStartingHashKey: middle.toString() }));
  await untilActive(client, stream);
}

export async function mergeShards(client: KinesisClient, stream: string, shardId: string, adjacentShardId: string): Promise<void> {
  await client.send(new MergeShardsCommand({ StreamName: stream, ShardToMerge: shardId, AdjacentShardToMerge: adjacentShardId }));
  await untilActive(client, stream);
}

/** A Kinesis record to put, with the flow records it carries (for the oracle). */
export interface Entry {
  data: Uint8Array;
  flows: FlowRecord[];
  /** User records pushed as payloads (KPL aggregates hold several). */
  payloads: number;
}

export interface Placed {
  shardId: string;
  sequenceNumber: string;
  entry: Entry;
}

/** PutRecords in batches of at most 500 records and 4.5 MB, in order; returns where each went. */
export async function putEntries(client: KinesisClient, stream: string, entries: readonly Entry[]): Promise<Placed[]> {
  const placed: Placed[] = [];
  let at = 0;
  while (at < entries.length) {
    const batch: Entry[] = [];
    let bytes = 0;
    while (at < entries.length && batch.length < 500 && bytes + entries[at]!.data.length < 4_500_000) {
      bytes += entries[at]!.data.length;
      batch.push(entries[at++]!);
    }
    // Random partition keys spread records over the shards; order within a shard is kept.
    const records: PutRecordsRequestEntry[] = batch.map((entry, i) => ({ Data: entry.data, PartitionKey: `key-${at - batch.length + i}-${Math.random()}` }));
    const result = await client.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
    if (result.FailedRecordCount) throw new Error(`PutRecords: ${result.FailedRecordCount} records failed: ${result.Records!.find((r) => r.ErrorCode)?.ErrorMessage}`);
    result.Records!.forEach((r, i) => placed.push({ shardId: r.ShardId!, sequenceNumber: r.SequenceNumber!, entry: batch[i]! }));
  }
  return placed;
}

const encoder = new TextEncoder();
const lines = (flows: readonly FlowRecord[]): string => `${flows.map((f) => renderLine(f, FORMAT)).join('\n')}\n`;

/**
 * `count` flow records from `generator`, packed into Kinesis records of mixed shapes: text lines,
 * gzip CloudWatch Logs envelopes, and KPL aggregates (of text, and of an envelope).
 */
export function mixedEntries(generator: FlowGenerator, count: number, perRecord = 40): Entry[] {
  const entries: Entry[] = [];
  for (let made = 0, i = 0; made < count; i++) {
    const flows = Array.from({ length: Math.min(perRecord, count - made) }, () => generator.next());
    made += flows.length;
    switch (i % 4) {
      case 0:
      case 1:
        entries.push({ data: encoder.encode(lines(flows)), flows, payloads: 1 });
        break;
      case 2:
        entries.push({ data: gzipText(cloudWatchEnvelope(flows, FORMAT)), flows, payloads: 1 });
        break;
      default: {
        const quarter = Math.ceil(flows.length / 4);
        const parts = [0, 1, 2, 3].map((q) => flows.slice(q * quarter, (q + 1) * quarter)).filter((p) => p.length > 0);
        const users = parts.map((part, q) => (q === 1 ? gzipText(cloudWatchEnvelope(part, FORMAT)) : encoder.encode(lines(part))));
        entries.push({ data: kplAggregate(users), flows, payloads: users.length });
      }
    }
  }
  return entries;
}

/** Generated records in event-time order (no late ones), 20 per second of event time. */
export const orderedGenerator = (seed: number): FlowGenerator => createFlowGenerator({ seed, recordsPerSecond: 20 });

type Totals = Map<string, Map<string, [number, number, number]>>;

/** The independent computation, each shard's records in the order they were put. */
export function expectedTotals(placed: readonly Placed[]): { windows: Totals; late: Map<number, number> } {
  const byShard = new Map<string, FlowRecord[]>();
  for (const { shardId, entry } of placed) byShard.set(shardId, [...(byShard.get(shardId) ?? []), ...entry.flows]);
  return oracleTotals([...byShard.values()], { sizes: [60, 600], windowTime: 'end', outOfOrdernessSeconds: 60, allowedLatenessSeconds: 120, internalV4: INTERNAL_V4, fields: FORMAT.names });
}

const PROTOCOLS: Record<string, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

/** Window totals of one or more runs, summed per window and group (a window may be emitted in parts by two runs). */
export function pipelineTotals(...runs: WindowResult[][]): Totals {
  const result: Totals = new Map();
  for (const window of runs.flat()) {
    const id = `${window.size_seconds}:${window.start}`;
    const groups = result.get(id) ?? new Map<string, [number, number, number]>();
    for (const g of window.totals) {
      const protocol = g.protocol === null ? 'none' : (PROTOCOLS[String(g.protocol)] ?? String(g.protocol));
      const key = groupKey(g.action ?? 'none', protocol, g.log_status ?? 'none', g.direction, g.traffic_class);
      const sums = groups.get(key) ?? [0, 0, 0];
      groups.set(key, [sums[0] + g.flows, sums[1] + g.packets, sums[2] + g.bytes]);
    }
    result.set(id, groups);
  }
  return result;
}

export const sorted = (totals: Totals) =>
  [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort(([a], [b]) => a.localeCompare(b))]);

export async function checkpointDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'vpcflow-kinesis-'));
}

export interface CheckpointContent {
  slice: string;
  closedThrough: number | null;
  shards: Record<string, { position: string | null; finished: boolean }>;
}

/** The checkpoint files in `dir`, by name. */
export async function readCheckpoints(dir: string): Promise<CheckpointContent[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8')) as CheckpointContent));
}

export function kinesisSource(infra: InfraInfo, stream: string, dir: string, overrides: Partial<KinesisSourceOptions> = {}): Source {
  return createKinesisSource({
    stream,
    region: infra.kinesis.region,
    endpoint: infra.kinesis.endpoint,
    startPosition: 'earliest',
    checkpointDir: dir,
    slice: { index: 0, count: 1 },
    once: true,
    logger: pino({ level: process.env.VPCFLOW_TEST_LOG ?? 'silent' }),
    pollIntervalMs: 100,
    shardRefreshMs: 1000,
    ...overrides,
  });
}

export interface PushRecord {
  partition: string;
  position: string;
  bytes: number;
}

/** Wraps a source to record every payload it pushes, and (in `events`) the pushes and partition ends in order. */
export function recording(source: Source): { source: Source; pushes: PushRecord[]; events: string[] } {
  const pushes: PushRecord[] = [];
  const events: string[] = [];
  const wrapped: Source = {
    name: source.name,
    get ready() {
      return source.ready;
    },
    prepare: source.prepare?.bind(source),
    commit: source.commit?.bind(source),
    close: source.close?.bind(source),
    stop: () => source.stop(),
    run: (sink: SourceSink) =>
      source.run({
        push: (payload: SourcePayload) => {
          pushes.push({ partition: payload.partition, position: payload.position, bytes: payload.payload.length });
          events.push(`push ${payload.partition}`);
          return sink.push(payload);
        },
        endPartition: (partition: string) => {
          events.push(`end ${partition}`);
          sink.endPartition(partition);
        },
      }),
  };
  return { source: wrapped, pushes, events };
}
