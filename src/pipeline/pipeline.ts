/**
 * The main job: a source feeding the window workers, the watermark that closes windows, the
 * exporter, and the commit signal back to the source.
 *
 *   source ──payloads──▶ worker pool (decode, tokenize, window) ──acks──▶ counters, watermarks
 *      ▲                                                                       │
 *      └── commit(safe positions) ◀── close barrier ◀── watermark − lateness ◀─┘ ──▶ gauges, --windows-out
 *
 * Delivery: windows live in worker memory; a position is committed only when every window its
 * records went into has been emitted (CommitTracker), so after a crash the source resumes there
 * and the replay rebuilds the open windows. The closed-through time is passed with the commit so
 * replayed records of emitted windows are recognised as late and no window is emitted twice.
 *
 * A partition assigned while running (taken over from a replica that died) may bring records for
 * windows closed here without it: they go into catch-up windows (window/accumulate.ts), which
 * every close barrier returns; they are emitted flagged `partial` (more of a window emitted
 * before), never as the latest window's gauges. While some wait, a barrier runs each second even
 * when the watermark closes nothing. Their payloads are committed only after that (CommitTracker).
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { startExporter, type Exporter } from '../metrics/http.js';
import { MetricsPublisher } from '../metrics/publish.js';
import type { Metrics } from '../metrics/registry.js';
import type { WebConfig } from '../metrics/web-config.js';
import type { DeadLetter } from '../dead-letter/dead-letter.js';
import type { Source, SourcePayload } from '../sources/source.js';
import { loadTokenizerModule } from '../tokenizer/index.js';
import type { AckMessage, WorkerSettings } from '../window/protocol.js';
import { windowLabel } from '../window/time.js';
import { CommitTracker } from './commit-tracker.js';
import { Watermarks } from './watermarks.js';
import { mergeWindows, type WindowResult } from './window-results.js';
import { WorkerPool } from './worker-pool.js';

export interface PipelineOptions {
  settings: WorkerSettings;
  workers: number;
  maxInFlightBytes: number;
  idleSeconds: number;
  topK: number;
  interfaceCap: number;
  pricePerGb: Record<string, number> | null;
  listen: { host: string; port: number; webConfig?: WebConfig | null } | null;
  /** Exit when the source ends, after closing every window. */
  once: boolean;
}

export interface PipelineDeps {
  source: Source;
  logger: Logger;
  registry: Registry;
  metrics: Metrics;
  /**
   * Each closed window, in order of end per close (for --windows-out and tests); more of a window
   * emitted before (a partition catching up) comes later, flagged `partial`.
   */
  onWindow?: (result: WindowResult) => void | Promise<void>;
  /** Where undecodable payloads go (the workers return them when settings.deadLetters is set). */
  deadLetter?: DeadLetter;
  now?: () => number;
}

export interface RunSummary {
  payloads: number;
  payloadBytes: number;
  records: number;
  good: number;
  errors: number;
  filtered: number;
  late: Record<string, number>;
  /** Records counted in catch-up windows (of partitions taken over while running), by window size. */
  caughtUp: Record<string, number>;
  dropped: number;
  windows: number;
  workerRestarts: number;
  /** Inputs that could not be read to their end (SourceSink.inputFailed). */
  inputErrors: number;
  openWindowsDiscarded: number;
  seconds: number;
}

export interface Pipeline {
  readonly exporterUrl: string | null;
  /** The window workers (tests kill one to check recovery). */
  readonly pool: Pick<WorkerPool, 'kill' | 'size'>;
  /** Resolves when the source has ended (with --once), failed, or stop() finished. */
  readonly done: Promise<RunSummary>;
  /** Why the source failed, once it has (the run then ends without closing its open windows). */
  readonly failure: Error | null;
  readonly ready: boolean;
  summary(): RunSummary;
  stop(reason: string): Promise<RunSummary>;
}

export async function startPipeline(options: PipelineOptions, deps: PipelineDeps): Promise<Pipeline> {
  const { source, logger, metrics } = deps;
  const now = deps.now ?? Date.now;
  const sizes = options.settings.windowSizes;
  const lateness = options.settings.allowedLatenessSeconds;
  const started = now();
  const publisher = new MetricsPublisher(metrics, sizes, options.interfaceCap);
  const watermarks = new Watermarks({ outOfOrdernessSeconds: options.settings.outOfOrdernessSeconds, idleSeconds: options.idleSeconds, now });
  const tracker = new CommitTracker<string>();
  const inFlight = new Map<string, number>();
  const ending = new Set<string>();
  const summary: RunSummary = { payloads: 0, payloadBytes: 0, records: 0, good: 0, errors: 0, filtered: 0, late: {}, caughtUp: {}, dropped: 0, windows: 0, workerRestarts: 0, inputErrors: 0, openWindowsDiscarded: 0, seconds: 0 };
  let closedUpTo = options.settings.closedThrough;
  let closing: Promise<void> | null = null;
  let closeAgain = false;
  let incompleteFrom = Infinity;
  let partialFrom = Infinity;
  // Close barriers begun; the one a catch-up payload waits for; whether a second has passed.
  let barriers = 0;
  let catchUpBarrier = 0;
  let catchUpDue = false;
  const openWindows: number[][] = [];

  // A source that commits positions also stored how far windows had been emitted: windows up to
  // there are not emitted again, and their replayed records count as late.
  const restored = (await source.prepare?.({
    lag: (partition, messages) => metrics.sourceLag.set({ partition }, messages),
    behind: (partition, seconds) => metrics.sourceBehind.set({ partition }, seconds),
    committed: (ok) => metrics.commits.inc({ outcome: ok ? 'ok' : 'failed' }),
  })) ?? { closedThrough: -Infinity };
  if (restored.closedThrough > options.settings.closedThrough) {
    options = { ...options, settings: { ...options.settings, closedThrough: restored.closedThrough } };
    closedUpTo = restored.closedThrough;
    logger.info({ closedThrough: new Date(restored.closedThrough * 1000).toISOString() }, 'resuming after windows emitted before the restart');
  }
  if (restored.partitions && restored.partitions.size > 0) {
    options = { ...options, settings: { ...options.settings, emittedThrough: [...restored.partitions] } };
  }
  const module = await loadTokenizerModule();
  const pool = new WorkerPool({
    workers: options.workers,
    settings: options.settings,
    module,
    maxInFlightBytes: options.maxInFlightBytes,
    events: {
      ack: (ack) => onAck(ack),
      workerLost: (worker, lost, reason) => {
        summary.workerRestarts++;
        metrics.workerRestarts.inc();
        // Its open windows are gone: windows still open now will be emitted incomplete.
        incompleteFrom = Math.min(incompleteFrom, closedUpTo);
        for (const { partition } of lost) settle(partition);
        logger.error({ worker, lostPayloads: lost.length, reason }, 'window worker died and was restarted; windows open at that time will be marked incomplete');
      },
    },
  });
  await pool.ready();

  function settle(partition: string): void {
    const count = (inFlight.get(partition) ?? 1) - 1;
    inFlight.set(partition, count);
    if (count === 0 && ending.has(partition)) {
      ending.delete(partition);
      watermarks.end(partition);
    }
  }

  function onAck(ack: AckMessage): void {
    publisher.ack(ack);
    summary.payloads++;
    summary.payloadBytes += ack.payloadBytes;
    summary.records += ack.rows;
    summary.good += ack.good;
    summary.filtered += ack.filtered;
    for (const [, count] of ack.errors) summary.errors += count;
    ack.late.forEach((count, s) => {
      const label = windowLabel(sizes[s]!);
      summary.late[label] = (summary.late[label] ?? 0) + count;
    });
    // Catch-up windows go out with a barrier begun from now on (one begun before may have closed
    // on the worker before it took this payload).
    const caughtUp = ack.catchUp.some((count) => count > 0);
    if (caughtUp) {
      catchUpBarrier = barriers + 1;
      ack.catchUp.forEach((count, s) => {
        const label = windowLabel(sizes[s]!);
        summary.caughtUp[label] = (summary.caughtUp[label] ?? 0) + count;
      });
    }
    summary.dropped += ack.droppedNoTime + ack.droppedFuture + ack.droppedWindowCap;
    openWindows[pool.workerOf(ack.partition)] = ack.openWindows;
    watermarks.observe(ack.partition, ack.maxEventTime);
    const position = tracker.acked(ack.id, ack.lastWindowEnd, { barrier: caughtUp ? barriers + 1 : 0, catchingUp: ack.catchingUp });
    if (ack.undecodablePayload && ack.undecodable && deps.deadLetter) {
      deps.deadLetter.write({ source: source.name, partition: ack.partition, position: position ?? 'unknown', reason: ack.undecodable, payload: ack.undecodablePayload });
    }
    settle(ack.partition);
    scheduleClose();
  }

  async function closeWindows(): Promise<void> {
    const watermark = watermarks.current();
    const upTo = watermark - lateness;
    const smallest = sizes[0]!;
    const crosses = upTo === Infinity ? closedUpTo !== Infinity : Math.floor(upTo / smallest) > Math.floor(closedUpTo / smallest);
    // Catch-up windows wait at most about a second when the watermark closes nothing.
    const catchUpWaits = catchUpDue && catchUpBarrier > barriers;
    if (!crosses && !catchUpWaits) return;
    const closedThrough = crosses ? upTo : closedUpTo;
    const barrier = ++barriers;
    catchUpDue = false;
    const begun = performance.now();
    const partials = await pool.close(closedThrough);
    closedUpTo = closedThrough;
    // Catch-up windows first: more of windows emitted before, never the latest ones' gauges.
    const reopened = partials.filter((partial) => partial.catchUp);
    const closed = partials.filter((partial) => !partial.catchUp);
    const results = [
      ...mergeWindows(reopened, options.topK, options.pricePerGb).map((result) => ({ result: { ...result, partial: true }, latest: false })),
      ...mergeWindows(closed, options.topK, options.pricePerGb).map((result) => ({ result: { ...result, ...(result.end > incompleteFrom ? { incomplete: true } : {}), ...(result.end > partialFrom ? { partial: true } : {}) }, latest: true })),
    ];
    if (reopened.length > 0) logger.info({ windows: reopened.length }, 'emitted catch-up windows: more of windows emitted before, from partitions taken over while running');
    for (const { result, latest } of results) {
      publisher.window(result, latest);
      summary.windows++;
      await deps.onWindow?.(result);
    }
    metrics.stageDuration.observe({ stage: 'close' }, (performance.now() - begun) / 1000);
    // Every window, of every size, ending at or before closedThrough has been emitted (and every
    // catch-up window this barrier found): that is the mark.
    const safe = tracker.advance(closedThrough, barrier);
    // Dead letters of the payloads being committed past are stored first.
    if (safe.size > 0 && source.commit) {
      await deps.deadLetter?.flush();
      await source.commit(safe, closedThrough);
    }
  }

  function scheduleClose(): void {
    if (closing) {
      closeAgain = true;
      return;
    }
    closing = closeWindows()
      .catch((error: unknown) => logger.error({ err: error }, 'closing windows failed'))
      .finally(() => {
        closing = null;
        if (closeAgain) {
          closeAgain = false;
          scheduleClose();
        }
      });
  }

  async function closingDone(): Promise<void> {
    while (closing) await closing;
  }

  const exporter: Exporter | null = options.listen
    ? await startExporter({
        host: options.listen.host,
        port: options.listen.port,
        registry: deps.registry,
        webConfig: options.listen.webConfig ?? null,
        beforeScrape: () => publisher.flush(),
        ready: () => {
          if (!pool.allAlive) return { ready: false, reason: 'a window worker is restarting' };
          if (!source.ready) return { ready: false, reason: `source ${source.name} is not reading` };
          return { ready: true, reason: 'ready' };
        },
      })
    : null;

  const tick = setInterval(() => {
    publisher.flush();
    const watermark = watermarks.current();
    if (Number.isFinite(watermark)) {
      metrics.watermark.set(watermark);
      metrics.watermarkLag.set(now() / 1000 - watermark);
    }
    metrics.sourceReady.set(source.ready ? 1 : 0);
    for (let w = 0; w < pool.size; w++) {
      metrics.queueBytes.set({ worker: String(w) }, pool.inFlightBytes(w));
      metrics.queuePayloads.set({ worker: String(w) }, pool.inFlightCount(w));
    }
    sizes.forEach((size, s) => metrics.windowsOpen.set({ window: windowLabel(size) }, openWindows.reduce((sum, counts) => sum + (counts?.[s] ?? 0), 0)));
    catchUpDue = true;
    scheduleClose();
  }, 1000);
  tick.unref();

  const sink = {
    async push(item: SourcePayload): Promise<void> {
      inFlight.set(item.partition, (inFlight.get(item.partition) ?? 0) + 1);
      watermarks.register(item.partition);
      const id = await pool.submit(item.partition, item.payload, item.format ?? null, item.owned ?? false);
      tracker.track(id, item.partition, item.position);
    },
    allocate: (size: number): Uint8Array => pool.buffers.take(size),
    inputFailed(input: string, error: Error): void {
      summary.inputErrors++;
      metrics.inputErrors.inc();
      logger.error({ err: error, input }, `${error.message}; going on with the next input`);
    },
    announce(partitions: readonly string[]): void {
      for (const partition of partitions) {
        watermarks.register(partition);
        // Back after a rebalance: the source reads it again from its committed position, so
        // positions tracked from our earlier ownership must not be committed over it.
        tracker.drop(partition);
        // Windows may have closed here without it: its records for them are caught up.
        pool.assigned(partition);
      }
    },
    restore(marks: ReadonlyMap<string, number>): void {
      for (const [partition, mark] of marks) pool.raiseEmittedThrough(partition, mark);
    },
    endPartition(partition: string): void {
      if ((inFlight.get(partition) ?? 0) === 0) watermarks.end(partition);
      else ending.add(partition);
    },
  };

  let stopping = false;
  let finish!: (summary: RunSummary) => void;
  const done = new Promise<RunSummary>((resolve) => {
    finish = resolve;
  });

  const snapshot = (): RunSummary => ({ ...summary, late: { ...summary.late }, caughtUp: { ...summary.caughtUp }, seconds: (now() - started) / 1000 });

  /**
   * Close: every window is emitted and every position committed (on a stop, windows the watermark
   * has not reached are emitted as `partial`: their later records come in the next run's emission
   * of the same window); abandon (the source failed): open windows are dropped, to be rebuilt by
   * the replay from the committed positions.
   */
  async function shutdown(closeAll: boolean, early = false): Promise<RunSummary> {
    clearInterval(tick);
    await pool.drained();
    await closingDone();
    if (closeAll) {
      if (early) partialFrom = closedUpTo;
      watermarks.endAll();
      scheduleClose();
      await closingDone();
    } else {
      summary.openWindowsDiscarded = openWindows.reduce((sum, counts) => sum + (counts ?? []).reduce((a, b) => a + b, 0), 0);
    }
    await pool.stop();
    publisher.flush();
    await deps.deadLetter?.close();
    await source.close?.();
    await exporter?.close();
    const result = snapshot();
    finish(result);
    return result;
  }

  let failure: Error | null = null;
  const running = source.run(sink).then(
    async () => {
      if (stopping) return;
      if (options.once) {
        stopping = true;
        await shutdown(true);
      }
    },
    async (error: unknown) => {
      failure = error instanceof Error ? error : new Error(String(error));
      logger.error({ err: error }, `source ${source.name} failed`);
      if (!stopping) {
        stopping = true;
        await shutdown(false);
      }
      throw error;
    },
  );
  running.catch(() => undefined);

  return {
    exporterUrl: exporter?.url ?? null,
    pool,
    done,
    get failure() {
      return failure;
    },
    get ready() {
      return source.ready && pool.allAlive;
    },
    summary: snapshot,
    async stop(reason: string) {
      if (stopping) return done;
      stopping = true;
      logger.info({ reason }, 'stopping: source first, then draining the workers');
      source.stop();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      return shutdown(true, true);
    },
  };
}
