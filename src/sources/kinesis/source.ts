/**
 * The Kinesis source: a GetRecords loop per shard of this replica's slice, started in lineage
 * order, with checkpoints in local files.
 *
 * Resharding (as the KCL does it): a child shard starts only when its parents in this slice have
 * been read to SHARD_END and every payload of theirs has been handed to the pipeline; a parent is
 * marked finished in the checkpoint file when its last position is committed. (Waiting for the
 * commit itself, as the KCL waits for the parent's SHARD_END checkpoint, cannot work here: the
 * parent's last windows close only when the watermark moves past them, and that takes the
 * children's records.)
 *
 * Event time: the pipeline's watermark is the lowest over the partitions it knows, and a
 * partition becomes known with its first payload. So the shards read at start-up wait for each
 * other until each has shown whether it holds data (the first to answer must not move the
 * watermark past another's records), and a parent's partition is ended only once each of its
 * children has taken over (pushed a payload, or been seen caught up or ended).
 *
 * --once reads, per shard, to the end it had at start-up: a shard is done at SHARD_END, when a
 * call returns no records at the tip (MillisBehindLatest 0), or at the first record that arrived
 * after start-up (by ApproximateArrivalTimestamp: the server's clock against ours). Children
 * created after start-up are left for the next run.
 */
import { DescribeStreamSummaryCommand, type KinesisClient, type StreamDescriptionSummary } from '@aws-sdk/client-kinesis';
import { VpcflowError } from '../../errors.js';
import type { Source, SourceGauges, SourcePayload, SourceProgress, SourceRestore, SourceSink } from '../source.js';
import { createBackoff, sleep } from './backoff.js';
import { openCheckpointStore, type CheckpointStore } from './checkpoints.js';
import { classifyFailure, createKinesisClient, streamRef, type FailureContext } from './client.js';
import { resolveKinesisOptions, type KinesisSourceOptions } from './config.js';
import { readShard, startAfter, type ReadEnd, type StartAt } from './shard-reader.js';
import { assignShards, listShards, type ShardInfo } from './shards.js';

interface ShardState {
  info: ShardInfo;
  /** waiting for its parents · reading · done (read to its end) · skipped (closed before a 'latest' start) */
  status: 'waiting' | 'reading' | 'done' | 'skipped';
  /** Read to SHARD_END, in this run or an earlier one (finished in the checkpoint file). */
  reachedShardEnd: boolean;
  /** Listed at start-up (--once reads only these). */
  atStartUp: boolean;
  /** Registered with the pipeline's watermark (see the header), or has nothing to register. */
  tookOver: boolean;
  /** Read to SHARD_END; its partition ends once its children took over. */
  endDeferred: boolean;
  endedAtMs: number;
  lastPushed: string | null;
  lastCommitted: string | null;
}

const NO_GAUGES: SourceGauges = { lag: () => {}, behind: () => {}, committed: () => {} };

export function createKinesisSource(input: KinesisSourceOptions): Source {
  const options = resolveKinesisOptions(input);
  const { logger } = options;
  const stream = streamRef(options.stream);
  const abort = new AbortController();
  const failureContext: FailureContext = { stream: options.stream, region: options.region, endpoint: options.endpoint, signal: abort.signal };
  // Not ready when no call has succeeded for this long (several refreshes missed).
  const staleMs = Math.max(30_000, 3 * options.shardRefreshMs);

  let client: KinesisClient | null = null;
  let store: CheckpointStore | null = null;
  let gauges = NO_GAUGES;
  const shards = new Map<string, ShardState>();
  const loops = new Set<Promise<void>>();
  let sink: SourceSink | null = null;
  let running = false;
  let stopped = false;
  let fatal: unknown = null;
  let lastOkMs = 0;
  let lastFailureMs = 0;
  /** When the last successful listing began. */
  let lastListingMs = 0;
  let bytesRead = 0;
  let refreshing: Promise<void> | null = null;
  let startedAtMs = 0;
  let finish: () => void = () => {};

  // The start-up barrier: shards started by the first schedule() wait for each other (header).
  const barrier = new Set<string>();
  let collecting = true;
  let openBarrier: () => void = () => {};
  const barrierOpen = new Promise<void>((resolve) => {
    openBarrier = resolve;
  });
  const arrive = (shardId: string): void => {
    barrier.delete(shardId);
    if (!collecting && barrier.size === 0) openBarrier();
  };

  const ok = (): void => {
    lastOkMs = Date.now();
  };
  const failed = (message: string): void => {
    lastFailureMs = Date.now();
    logger.debug({ reason: message }, 'Kinesis call failed');
  };

  async function describe(kinesis: KinesisClient): Promise<StreamDescriptionSummary> {
    const backoff = createBackoff({ baseMs: 500, maxMs: 5_000 });
    for (;;) {
      let summary: StreamDescriptionSummary | undefined;
      try {
        summary = (await kinesis.send(new DescribeStreamSummaryCommand(stream.params), { abortSignal: abort.signal })).StreamDescriptionSummary;
      } catch (error) {
        const failure = classifyFailure(error, 'DescribeStreamSummary', failureContext);
        if (failure.kind === 'fatal') throw failure.error;
        if (failure.kind === 'transient') {
          throw new VpcflowError('VPCFLOW_SOURCE_CONNECT', `cannot reach Kinesis (${failure.message}); check --kinesis-endpoint, --kinesis-region and the network`, { cause: error, retriable: true, context: { setting: 'kinesisEndpoint', value: options.endpoint } });
        }
        if (failure.kind === 'stopped' || !(await sleep(backoff.next(), abort.signal))) throw new VpcflowError('VPCFLOW_SOURCE_CONNECT', 'stopped while connecting to Kinesis');
        continue;
      }
      if (summary?.StreamStatus === 'DELETING') {
        throw new VpcflowError('VPCFLOW_SOURCE_CONNECT', `Kinesis stream ${JSON.stringify(options.stream)} (--kinesis-stream) is being deleted`, { context: { setting: 'kinesisStream', value: options.stream } });
      }
      if (summary?.StreamStatus !== 'CREATING') return summary!;
      logger.info({ stream: options.stream }, 'waiting for the Kinesis stream to become ACTIVE');
      if (!(await sleep(1_000, abort.signal))) throw new VpcflowError('VPCFLOW_SOURCE_CONNECT', 'stopped while waiting for the Kinesis stream');
    }
  }

  async function prepare(given: SourceGauges): Promise<SourceRestore> {
    gauges = given;
    client = createKinesisClient(options.region, options.endpoint);
    const summary = await describe(client);
    ok();
    store = await openCheckpointStore({
      dir: options.checkpointDir,
      stream: stream.name,
      streamArn: summary.StreamARN!,
      streamCreated: summary.StreamCreationTimestamp!,
      slice: options.slice,
      logger,
    });
    logger.info({ stream: summary.StreamARN, openShards: summary.OpenShardCount, slice: `${options.slice.index}/${options.slice.count}`, checkpoints: store.path }, 'Kinesis stream found');
    return { closedThrough: store.closedThrough };
  }

  /** Parents first, so a shard's state is decided after its parents'. */
  function lineageOrder(listed: readonly ShardInfo[]): ShardInfo[] {
    const byId = new Map(listed.map((shard) => [shard.id, shard]));
    const ordered: ShardInfo[] = [];
    const seen = new Set<string>();
    const visit = (shard: ShardInfo): void => {
      if (seen.has(shard.id)) return;
      seen.add(shard.id);
      for (const parent of shard.parents) {
        const info = byId.get(parent);
        if (info) visit(info);
      }
      ordered.push(shard);
    };
    listed.forEach(visit);
    return ordered;
  }

  /** Whether a parent in this slice was or will be read (its children then start at their beginning). */
  const hasReadParent = (info: ShardInfo): boolean => info.parents.some((parent) => (shards.get(parent)?.status ?? 'skipped') !== 'skipped');

  async function refresh(atStartUp: boolean): Promise<void> {
    const begun = Date.now();
    const listed = await listShards(client!, stream, options.listShardsPageSize, abort.signal);
    ok();
    lastListingMs = begun;
    const assigned = assignShards(listed, options.slice, store!.roots);
    store!.setListing(new Map([...assigned].map(([id, { root }]) => [id, root])), new Set([...assigned].filter(([, { mine }]) => mine).map(([id]) => id)));
    for (const info of lineageOrder(listed)) {
      const known = shards.get(info.id);
      if (known) {
        known.info = info;
        continue;
      }
      if (!assigned.get(info.id)!.mine) continue;
      const finished = store!.isFinished(info.id);
      const state: ShardState = {
        info,
        status: finished ? 'done' : 'waiting',
        reachedShardEnd: finished,
        atStartUp,
        tookOver: finished,
        endDeferred: false,
        endedAtMs: 0,
        lastPushed: null,
        lastCommitted: store!.position(info.id),
      };
      // Starting at 'latest' skips what is already closed, unless a parent of it is being read.
      if (!finished && options.startPosition === 'latest' && info.closed && state.lastCommitted === null && !hasReadParent(info)) {
        state.status = 'skipped';
        state.tookOver = true;
      }
      shards.set(info.id, state);
    }
    reconcileEnds();
  }

  function refreshNow(): Promise<void> {
    refreshing ??= refresh(false)
      .catch((error: unknown) => {
        const failure = classifyFailure(error, 'ListShards', failureContext);
        if (failure.kind === 'fatal') fail(failure.error);
        else if (failure.kind !== 'stopped') failed(failure.kind === 'transient' ? failure.message : 'ListShards throttled');
      })
      .finally(() => {
        refreshing = null;
        schedule();
      });
    return refreshing;
  }

  function startAt(state: ShardState): StartAt {
    if (state.lastCommitted !== null) return startAfter(state.lastCommitted);
    if (options.startPosition instanceof Date) return { type: 'AT_TIMESTAMP', timestamp: options.startPosition };
    if (options.startPosition === 'earliest' || hasReadParent(state.info)) return { type: 'TRIM_HORIZON' };
    return { type: 'LATEST' };
  }

  const parentsDone = (state: ShardState): boolean =>
    state.info.parents.every((parent) => {
      // A parent no longer listed, or in another slice, is not waited for (see the README on merges).
      const p = shards.get(parent);
      return !p || p.status === 'skipped' || (p.status === 'done' && p.reachedShardEnd);
    });

  /** Children of a shard that this run will read. */
  const childrenOf = (shardId: string): ShardState[] =>
    [...shards.values()].filter((s) => s.info.parents.includes(shardId) && s.status !== 'skipped' && (!options.once || s.atStartUp));

  function tookOver(state: ShardState): void {
    if (state.tookOver) return;
    state.tookOver = true;
    reconcileEnds();
  }

  /** End the partitions of parents whose children all took over (or that have none to wait for). */
  function reconcileEnds(): void {
    for (const state of shards.values()) {
      if (!state.endDeferred) continue;
      // Its children are known from a listing begun after it ended (at start-up, for --once).
      if (!options.once && lastListingMs < state.endedAtMs) continue;
      if (childrenOf(state.info.id).every((child) => child.tookOver)) {
        state.endDeferred = false;
        sink?.endPartition(state.info.id);
      }
    }
  }

  function schedule(): void {
    if (stopped || fatal !== null) return finish();
    for (const state of shards.values()) {
      if (state.status !== 'waiting' || (options.once && !state.atStartUp) || !parentsDone(state)) continue;
      start(state);
    }
    checkDone();
  }

  function start(state: ShardState): void {
    const shardId = state.info.id;
    const from = startAt(state);
    state.status = 'reading';
    if (collecting) barrier.add(shardId);
    logger.info({ shardId, startAt: from.type, from: 'sequenceNumber' in from ? from.sequenceNumber : undefined }, 'reading Kinesis shard');
    const loop = readShard({
      client: client!,
      stream,
      shardId,
      startAt: from,
      maxRecordsPerCall: options.maxRecordsPerCall,
      pollIntervalMs: options.pollIntervalMs,
      endAtArrivalMs: options.once ? startedAtMs : null,
      failureContext,
      logger,
      push: (payload: SourcePayload) => {
        state.lastPushed = payload.position;
        const pushed = sink!.push(payload);
        // The push has registered the partition with the watermark: a parent may now end.
        tookOver(state);
        return pushed;
      },
      events: {
        ok,
        failed,
        behind: (id, milliseconds) => gauges.behind(id, milliseconds / 1000),
        bytes: (count) => {
          bytesRead += count;
        },
        caughtUp: () => tookOver(state),
        known: async (id) => {
          if (!barrier.has(id)) return;
          arrive(id);
          await barrierOpen;
        },
      },
    })
      .then((end) => finished(state, end))
      .catch((error: unknown) => fail(error))
      .finally(() => {
        arrive(shardId);
        loops.delete(loop);
      });
    loops.add(loop);
  }

  async function finished(state: ShardState, end: ReadEnd): Promise<void> {
    const shardId = state.info.id;
    if (end === 'stopped') return;
    state.status = 'done';
    state.endedAtMs = Date.now();
    logger.info({ shardId, end, lastPosition: state.lastPushed }, end === 'shard_end' ? 'Kinesis shard read to its end (SHARD_END)' : 'Kinesis shard read to its end at start-up');
    tookOver(state);
    if (end === 'shard_end') {
      state.reachedShardEnd = true;
      if (state.lastPushed === null || state.lastPushed === state.lastCommitted) await markFinished(shardId);
      state.endDeferred = true;
      // Its children are listed by now: list again (after any listing already under way, which
      // may have begun before the split) rather than wait for the timer.
      if (!options.once) {
        await refreshNow();
        if (lastListingMs < state.endedAtMs) await refreshNow();
      }
      reconcileEnds();
    } else {
      sink?.endPartition(shardId);
    }
    schedule();
  }

  async function markFinished(shardId: string): Promise<void> {
    store!.setFinished(shardId);
    try {
      await store!.save();
    } catch (error) {
      logger.error({ err: error, shardId }, 'could not record the finished shard; it will be read again to its end after a restart');
    }
  }

  function checkDone(): void {
    if (stopped || fatal !== null) return finish();
    if (!options.once) return;
    // A shard waiting for a parent that stopped before SHARD_END (at its start-up end) never starts.
    const startable = (s: ShardState): boolean => s.info.parents.every((p) => shards.get(p)?.status !== 'done' || shards.get(p)!.reachedShardEnd);
    const pending = [...shards.values()].some((s) => s.atStartUp && (s.status === 'reading' || (s.status === 'waiting' && startable(s))));
    if (!pending) finish();
  }

  function fail(error: unknown): void {
    if (fatal !== null) return;
    fatal = error;
    abort.abort();
    openBarrier();
    finish();
  }

  async function refreshLoop(): Promise<void> {
    while (await sleep(options.shardRefreshMs, abort.signal)) await refreshNow();
  }

  return {
    name: 'kinesis',
    get ready() {
      return running && !stopped && lastOkMs >= lastFailureMs && Date.now() - lastOkMs < staleMs;
    },
    progress(): SourceProgress {
      return { bytes: bytesRead, totalBytes: null };
    },
    prepare,
    async run(given: SourceSink) {
      if (store === null) await prepare(gauges);
      sink = given;
      startedAtMs = Date.now();
      const done = new Promise<void>((resolve) => {
        finish = resolve;
      });
      try {
        await refresh(true);
      } catch (error) {
        const failure = classifyFailure(error, 'ListShards', failureContext);
        if (failure.kind === 'stopped') return;
        throw failure.kind === 'fatal' ? failure.error : new VpcflowError('VPCFLOW_SOURCE_CONNECT', `cannot list the shards of Kinesis stream ${JSON.stringify(options.stream)}: ${failure.kind === 'transient' ? failure.message : 'throttled'}`, { cause: error, retriable: true });
      }
      running = true;
      const mine = [...shards.values()];
      logger.info({ shards: mine.length, finished: mine.filter((s) => s.status === 'done').length, skipped: mine.filter((s) => s.status === 'skipped').length, resumed: mine.filter((s) => s.lastCommitted !== null).length, once: options.once }, 'Kinesis source started');
      schedule();
      collecting = false;
      if (barrier.size === 0) openBarrier();
      const refresher = options.once ? null : refreshLoop();
      await done;
      running = false;
      await refresher;
      while (loops.size > 0) await Promise.allSettled([...loops]);
      if (fatal !== null) throw fatal;
    },
    stop() {
      stopped = true;
      abort.abort();
      openBarrier();
      finish();
    },
    async commit(positions: ReadonlyMap<string, string>, closedThrough: number) {
      if (store === null) return;
      for (const [shardId, position] of positions) {
        store.setPosition(shardId, position);
        const state = shards.get(shardId);
        if (!state) continue;
        state.lastCommitted = position;
        if (state.reachedShardEnd && position === state.lastPushed) store.setFinished(shardId);
      }
      store.setClosedThrough(closedThrough);
      try {
        await store.save();
        gauges.committed(true);
      } catch (error) {
        logger.error({ err: error }, 'Kinesis checkpoint not written; the next commit tries again');
        gauges.committed(false);
      }
    },
    async close() {
      client?.destroy();
    },
  };
}
