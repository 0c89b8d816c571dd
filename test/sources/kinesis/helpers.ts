/**
 * Kinesis integration test helpers: streams on kinesis-local, a producer that remembers which
 * shard each record went to (so the oracle can follow each shard's order), checkpoints to read.
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
import type { FlowRecord } from '../../../src/generator/index.js';
import { createKinesisSource, type KinesisSourceOptions } from '../../../src/sources/kinesis/index.js';
import type { Source } from '../../../src/sources/source.js';
import { expectedTotals, type Entry } from '../../helpers/stream-totals.js';

export { recording } from '../../helpers/recording-source.js';
export { FORMAT, mixedEntries, orderedGenerator, pipelineTotals, sorted, type Entry } from '../../helpers/stream-totals.js';

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

/** The independent computation, each shard's records in the order they were put. */
export function expectedShardTotals(placed: readonly Placed[]): ReturnType<typeof expectedTotals> {
  const byShard = new Map<string, FlowRecord[]>();
  for (const { shardId, entry } of placed) byShard.set(shardId, [...(byShard.get(shardId) ?? []), ...entry.flows]);
  return expectedTotals([...byShard.values()]);
}

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
