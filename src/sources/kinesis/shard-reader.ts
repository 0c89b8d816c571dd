/**
 * One shard's GetRecords loop: from its start iterator to SHARD_END (or, with --once, to the end
 * it had at start-up), pushing each record's data as a payload (each user record of a KPL
 * aggregate as its own), and staying within the per-shard limits: at most 5 calls/s and
 * 2 MB/s (the wait after a call grows with the bytes it returned). Throttling and service errors
 * back off exponentially with jitter; an expired iterator is replaced after the last record read.
 */
import { GetRecordsCommand, GetShardIteratorCommand, type GetShardIteratorCommandInput, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { Logger } from 'pino';
import { deaggregate } from '../../decode/kpl.js';
import type { SourcePayload } from '../source.js';
import { createBackoff, sleep } from './backoff.js';
import { classifyFailure, type FailureContext, type KinesisCall, type StreamRef } from './client.js';
import { formatPosition, parsePosition } from './position.js';

const MIN_CALL_INTERVAL_MS = 200; // 5 GetRecords calls per second per shard
const BYTES_PER_SECOND = 2 * 1024 * 1024;
const BACKOFF = { baseMs: 200, maxMs: 10_000 };

export type StartAt =
  | { type: 'TRIM_HORIZON' }
  | { type: 'LATEST' }
  | { type: 'AT_TIMESTAMP'; timestamp: Date }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string }
  /** Resuming inside a KPL aggregate: read its record again and skip the user records through `skipThrough`. */
  | { type: 'AT_SEQUENCE_NUMBER'; sequenceNumber: string; skipThrough: number };

export function startAfter(position: string): StartAt {
  const { sequenceNumber, subSequence } = parsePosition(position);
  return subSequence === null ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber } : { type: 'AT_SEQUENCE_NUMBER', sequenceNumber, skipThrough: subSequence };
}

/** How reading ended: the shard closed, the end it had at start-up (--once), or stop(). */
export type ReadEnd = 'shard_end' | 'start_up_end' | 'stopped';

export interface ShardReaderEvents {
  /** A call succeeded / failed without stopping the loop (readiness). */
  ok(): void;
  failed(message: string): void;
  behind(shardId: string, milliseconds: number): void;
  bytes(count: number): void;
  /**
   * Called once, when the shard has shown whether it holds data: just before its first payload,
   * or when it is caught up or ended without one. Reading goes on when it resolves.
   */
  known(shardId: string): Promise<void>;
  /** A call returned nothing and the shard is at its tip. */
  caughtUp(shardId: string): void;
}

export interface ShardReaderOptions {
  client: KinesisClient;
  stream: StreamRef;
  shardId: string;
  startAt: StartAt;
  maxRecordsPerCall: number;
  pollIntervalMs: number;
  /** --once: records that arrived after this (ms) are past the end the shard had at start-up. */
  endAtArrivalMs: number | null;
  failureContext: FailureContext;
  logger: Logger;
  push(payload: SourcePayload): Promise<void>;
  events: ShardReaderEvents;
}

export async function readShard(options: ShardReaderOptions): Promise<ReadEnd> {
  const { client, shardId, events, logger } = options;
  const signal = options.failureContext.signal;
  const backoff = createBackoff(BACKOFF);
  let known = false;
  const markKnown = async (): Promise<void> => {
    if (known) return;
    known = true;
    await events.known(shardId);
  };

  /** Waits out a retriable failure; throws a fatal one. */
  const recover = async (error: unknown, call: KinesisCall): Promise<'expired_iterator' | 'retry' | 'stopped'> => {
    const failure = classifyFailure(error, call, options.failureContext);
    if (failure.kind === 'fatal') throw failure.error;
    if (failure.kind === 'stopped' || failure.kind === 'expired_iterator') return failure.kind;
    const wait = backoff.next();
    if (failure.kind === 'transient') events.failed(failure.message);
    const level = backoff.attempts === 1 ? 'warn' : 'debug';
    logger[level]({ shardId, call, waitMs: wait, attempt: backoff.attempts, reason: failure.kind === 'transient' ? failure.message : 'throttled' }, 'Kinesis call failed; retrying');
    return (await sleep(wait, signal)) ? 'retry' : 'stopped';
  };

  const iteratorFor = async (startAt: StartAt): Promise<string | null> => {
    const input: GetShardIteratorCommandInput = { ...options.stream.params, ShardId: shardId, ShardIteratorType: startAt.type };
    if (startAt.type === 'AT_TIMESTAMP') input.Timestamp = startAt.timestamp;
    if (startAt.type === 'AFTER_SEQUENCE_NUMBER' || startAt.type === 'AT_SEQUENCE_NUMBER') input.StartingSequenceNumber = startAt.sequenceNumber;
    for (;;) {
      try {
        const { ShardIterator } = await client.send(new GetShardIteratorCommand(input), { abortSignal: signal });
        backoff.reset();
        events.ok();
        return ShardIterator ?? null;
      } catch (error) {
        if ((await recover(error, 'GetShardIterator')) === 'stopped') return null;
      }
    }
  };

  let skip = options.startAt.type === 'AT_SEQUENCE_NUMBER' ? options.startAt : null;
  let lastRead: string | null = null;
  let iterator = await iteratorFor(options.startAt);
  let nextCallAt = 0;
  while (iterator !== null) {
    if (!(await sleep(nextCallAt - Date.now(), signal))) return 'stopped';
    const callStarted = Date.now();
    let response;
    try {
      response = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: options.maxRecordsPerCall, ...('StreamARN' in options.stream.params ? options.stream.params : {}) }), { abortSignal: signal });
    } catch (error) {
      const outcome = await recover(error, 'GetRecords');
      if (outcome === 'stopped') return 'stopped';
      if (outcome === 'expired_iterator') {
        // Iterators live 5 minutes; a push held back by backpressure can outlast one.
        iterator = await iteratorFor(lastRead === null ? options.startAt : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastRead });
      }
      continue;
    }
    backoff.reset();
    events.ok();
    const records = response.Records ?? [];
    const behind = response.MillisBehindLatest;
    if (behind !== undefined) events.behind(shardId, behind);
    let bytes = 0;
    for (const record of records) {
      if (options.endAtArrivalMs !== null && (record.ApproximateArrivalTimestamp?.getTime() ?? 0) > options.endAtArrivalMs) {
        await markKnown();
        return 'start_up_end';
      }
      const sequenceNumber = record.SequenceNumber!;
      const data = record.Data ?? new Uint8Array(0);
      bytes += data.length;
      await markKnown();
      if (signal.aborted) return 'stopped';
      const users = deaggregate(data);
      if (users === null) {
        await options.push({ partition: shardId, position: formatPosition(sequenceNumber, null), payload: data });
      } else {
        const skipThrough = skip?.sequenceNumber === sequenceNumber ? skip.skipThrough : -1;
        for (let i = skipThrough + 1; i < users.length; i++) {
          await options.push({ partition: shardId, position: formatPosition(sequenceNumber, i), payload: users[i]! });
        }
      }
      skip = null;
      lastRead = sequenceNumber;
    }
    events.bytes(bytes);
    if (!response.NextShardIterator) {
      await markKnown();
      return 'shard_end';
    }
    iterator = response.NextShardIterator;
    const caughtUp = behind === 0;
    if (records.length === 0 && caughtUp) {
      events.caughtUp(shardId);
      await markKnown();
      if (options.endAtArrivalMs !== null) return 'start_up_end';
    }
    nextCallAt = Math.max(
      callStarted + MIN_CALL_INTERVAL_MS,
      callStarted + (bytes / BYTES_PER_SECOND) * 1000,
      // A shard with nothing more to give is polled at the poll interval, not the limit.
      records.length === 0 || caughtUp ? Date.now() + options.pollIntervalMs : 0,
    );
  }
  return 'stopped';
}
