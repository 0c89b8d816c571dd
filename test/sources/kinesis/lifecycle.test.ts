/**
 * The source running continuously: 'latest' skips what was there before, a split made while it
 * runs is found by the periodic listing and the children are read from their start, stop() ends
 * it promptly. And errors a user can act on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AccessDeniedException, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isVpcflowError } from '../../../src/errors.js';
import { createMetrics } from '../../../src/metrics/registry.js';
import { startPipeline } from '../../../src/pipeline/pipeline.js';
import { classifyFailure } from '../../../src/sources/kinesis/client.js';
import { baseSettings } from '../../helpers/run-pipeline.js';
import { checkpointDir, createStream, deleteStream, kinesisSource, mixedEntries, orderedGenerator, producer, putEntries, recording, splitShard, useInfraCredentials } from './helpers.js';

const infra = inject('infra');
const client = producer(infra);
const streams: string[] = [];

beforeAll(() => useInfraCredentials(infra));
afterAll(async () => {
  for (const stream of streams) await deleteStream(client, stream);
  client.destroy();
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

describe('Kinesis source: running continuously', () => {
  it("'latest' skips older records; a split while running is followed; stop() is prompt", async () => {
    const stream = await createStream(client, 'live', 1);
    streams.push(stream);
    const generator = orderedGenerator(61);
    await putEntries(client, stream, mixedEntries(generator, 1_000));

    const { source, pushes } = recording(kinesisSource(infra, stream, await checkpointDir(), { once: false, startPosition: 'latest' }));
    const { registry, metrics } = createMetrics();
    const pipeline = await startPipeline(
      { settings: baseSettings(), workers: 2, maxInFlightBytes: 4 << 20, idleSeconds: 3600, topK: 10, interfaceCap: 10, pricePerGb: null, listen: null, once: false },
      { source, logger: pino({ level: 'silent' }), registry, metrics },
    );
    await until(() => source.ready, 10_000);
    // The LATEST iterator is taken when the shard loop starts: give it a poll.
    await sleep(500);

    await putEntries(client, stream, mixedEntries(generator, 3_000));
    await splitShard(client, stream, 'shardId-000000000000');
    await putEntries(client, stream, mixedEntries(generator, 3_000));
    await until(() => pipeline.summary().good >= 6_000, 30_000);
    await sleep(300);
    expect(pipeline.summary().good).toBe(6_000);
    expect(new Set(pushes.map((p) => p.partition))).toEqual(new Set(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']));
    expect(pipeline.ready).toBe(true);
    expect(await registry.getSingleMetricAsString('vpcflow_source_behind_latest_seconds')).toMatch(/partition="shardId-000000000001"/);

    const begun = Date.now();
    await pipeline.stop('test');
    expect(Date.now() - begun).toBeLessThan(3_000);
    expect(source.ready).toBe(false);
  });
});

describe('Kinesis source: errors a user can act on', () => {
  it('a stream that does not exist names the setting and the value', async () => {
    const source = kinesisSource(infra, 'no-such-stream-here', await checkpointDir());
    const error = await source.prepare!({ lag: () => {}, behind: () => {}, committed: () => {} }).catch((e: unknown) => e);
    expect(isVpcflowError(error, 'VPCFLOW_SOURCE_CONNECT')).toBe(true);
    expect((error as Error).message).toMatch(/stream "no-such-stream-here" \(--kinesis-stream\) was not found in us-east-1/);
    expect((error as Error).message).toMatch(/check the name or ARN, the region/);
  });

  it('access denied says which IAM action is missing', () => {
    const context = { stream: 'flows', region: 'eu-west-1', endpoint: null, signal: new AbortController().signal };
    const denied = new AccessDeniedException({ message: 'User: arn:aws:iam::1:user/x is not authorized to perform: kinesis:GetRecords', $metadata: {} });
    const failure = classifyFailure(denied, 'GetRecords', context);
    expect(failure.kind).toBe('fatal');
    if (failure.kind !== 'fatal') return;
    expect(failure.error.message).toMatch(/may not call kinesis:GetRecords on stream "flows"/);
    expect(failure.error.message).toMatch(/grant kinesis:GetRecords/);
    expect(failure.error.message).toMatch(/kinesis:DescribeStreamSummary, kinesis:ListShards, kinesis:GetShardIterator, kinesis:GetRecords/);
    const missing = classifyFailure(new ResourceNotFoundException({ message: 'Stream flows not found', $metadata: {} }), 'ListShards', context);
    expect(missing.kind === 'fatal' && missing.error.context).toMatchObject({ setting: 'kinesisStream', value: 'flows' });
  });
});
