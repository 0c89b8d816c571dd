/**
 * The window workers, seen from main: routing (a partition always goes to the same worker),
 * backpressure (a bound on in-flight payload bytes per worker), acks, close barriers over all
 * workers, and restarting a worker that dies (its in-flight payloads are reported back so the
 * pipeline can replay or count them).
 */
import { Worker } from 'node:worker_threads';
import { VpcflowError } from '../errors.js';
import type { AckMessage, BatchMessage, FromWorker, ToWorker, WorkerSettings } from '../window/protocol.js';
import type { WindowPartial } from '../window/window-store.js';
import { PayloadBuffers } from './payload-buffers.js';

export interface PoolEvents {
  ack(message: AckMessage): void;
  /** A worker died; these payloads were in flight on it and their records are not in any window. */
  workerLost(worker: number, lost: readonly { id: number; partition: string }[], reason: string): void;
}

export interface PoolOptions {
  workers: number;
  settings: WorkerSettings;
  module: WebAssembly.Module;
  maxInFlightBytes: number;
  events: PoolEvents;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  inFlightBytes: number;
  inFlight: Map<number, { partition: string; bytes: number }>;
  waiters: (() => void)[];
  alive: boolean;
}

// Workers run from compiled JS. From TypeScript sources (tests, development) a small bootstrap
// registers tsx first: Node 20 does not apply --import loaders to worker threads.
const fromSources = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`../window/worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
const WORKER_SOURCE = fromSources
  ? `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); })`
  : null;

function partitionHash(partition: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < partition.length; i++) h = Math.imul(h ^ partition.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class WorkerPool {
  readonly #options: PoolOptions;
  readonly #slots: Slot[] = [];
  #nextId = 1;
  #barrier = 0;
  readonly #barriers = new Map<number, { pending: Set<number>; partials: WindowPartial[]; resolve: (p: WindowPartial[]) => void }>();
  /** Emitted-windows marks by partition: the start-up ones and those passed on since (a restarted worker gets them all). */
  readonly #emittedThrough: Map<string, number>;
  #stopping = false;
  restarts = 0;
  /** Buffers for payloads, handed back by the workers with their acks. */
  readonly buffers = new PayloadBuffers();

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#emittedThrough = new Map(options.settings.emittedThrough ?? []);
    for (let i = 0; i < options.workers; i++) this.#slots.push(this.#spawn(i));
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Resolves when every worker has loaded its tokenizer. */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.ready));
  }

  get allAlive(): boolean {
    return this.#slots.every((slot) => slot.alive);
  }

  workerOf(partition: string): number {
    return partitionHash(partition) % this.#slots.length;
  }

  inFlightBytes(worker: number): number {
    return this.#slots[worker]!.inFlightBytes;
  }

  inFlightCount(worker: number): number {
    return this.#slots[worker]!.inFlight.size;
  }

  #spawn(index: number): Slot {
    const workerData = { settings: { ...this.#options.settings, emittedThrough: [...this.#emittedThrough] }, module: this.#options.module };
    const worker = WORKER_SOURCE ? new Worker(WORKER_SOURCE, { eval: true, workerData }) : new Worker(WORKER_URL, { workerData });
    let markReady!: () => void;
    let fail!: (error: Error) => void;
    const slot: Slot = {
      worker,
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        fail = reject;
      }),
      inFlightBytes: 0,
      inFlight: new Map(),
      waiters: [],
      alive: true,
    };
    slot.ready.catch(() => undefined);
    worker.on('message', (message: FromWorker) => this.#onMessage(index, slot, message, markReady));
    worker.on('error', (error) => {
      fail(error);
      this.#lost(index, slot, error.message);
    });
    worker.on('exit', (code) => {
      if (!this.#stopping) this.#lost(index, slot, `exited with code ${code}`);
    });
    return slot;
  }

  #onMessage(index: number, slot: Slot, message: FromWorker, markReady: () => void): void {
    switch (message.type) {
      case 'ready':
        markReady();
        return;
      case 'ack': {
        const entry = slot.inFlight.get(message.id);
        if (entry) {
          slot.inFlight.delete(message.id);
          slot.inFlightBytes -= entry.bytes;
        }
        if (message.buffer) this.buffers.give(message.buffer);
        this.#options.events.ack(message);
        this.#wake(slot);
        return;
      }
      case 'closed': {
        const barrier = this.#barriers.get(message.barrier);
        if (!barrier) return;
        barrier.partials.push(...message.partials);
        barrier.pending.delete(index);
        if (barrier.pending.size === 0) {
          this.#barriers.delete(message.barrier);
          barrier.resolve(barrier.partials);
        }
        return;
      }
      case 'failed':
        void slot.worker.terminate();
        this.#lost(index, slot, message.message);
        return;
    }
  }

  #wake(slot: Slot): void {
    while (slot.waiters.length > 0 && slot.inFlightBytes < this.#options.maxInFlightBytes) slot.waiters.shift()!();
  }

  #lost(index: number, slot: Slot, reason: string): void {
    if (!slot.alive || this.#stopping) return;
    slot.alive = false;
    const lost = [...slot.inFlight].map(([id, entry]) => ({ id, partition: entry.partition }));
    slot.inFlight.clear();
    slot.inFlightBytes = 0;
    this.restarts++;
    const replacement = this.#spawn(index);
    this.#slots[index] = replacement;
    replacement.waiters.push(...slot.waiters);
    this.#wake(replacement);
    // A barrier waiting on the dead worker completes without it: its windows are gone.
    for (const [id, barrier] of this.#barriers) {
      if (barrier.pending.delete(index) && barrier.pending.size === 0) {
        this.#barriers.delete(id);
        barrier.resolve(barrier.partials);
      }
    }
    this.#options.events.workerLost(index, lost, reason);
  }

  /**
   * A partition's emitted-windows mark (it only rises), for its worker. Messages to a worker are
   * handled in order: it applies to the partition's payloads submitted after this call.
   */
  raiseEmittedThrough(partition: string, mark: number): void {
    if (mark <= (this.#emittedThrough.get(partition) ?? -Infinity)) return;
    this.#emittedThrough.set(partition, mark);
    this.#slots[this.workerOf(partition)]!.worker.postMessage({ type: 'mark', partition, emittedThrough: mark } satisfies ToWorker);
  }

  /**
   * The partition is read from now on after windows may have closed without it (a Kafka
   * assignment): its worker lets it catch up. Applies to its payloads submitted after this call.
   */
  assigned(partition: string): void {
    this.#slots[this.workerOf(partition)]!.worker.postMessage({ type: 'assigned', partition } satisfies ToWorker);
  }

  /**
   * Send a payload to its partition's worker, transferring its bytes. Resolves once the worker
   * has room (backpressure): callers await it before reading more input.
   */
  async submit(partition: string, payload: Uint8Array, format: string | null = null, owned = false): Promise<number> {
    const index = this.workerOf(partition);
    let slot = this.#slots[index]!;
    while (slot.inFlightBytes >= this.#options.maxInFlightBytes) {
      await new Promise<void>((resolve) => slot.waiters.push(resolve));
      slot = this.#slots[index]!;
    }
    const id = this.#nextId++;
    slot.inFlight.set(id, { partition, bytes: payload.length });
    slot.inFlightBytes += payload.length;
    // Transfer, never clone: cloning a view copies its whole underlying buffer. A payload the
    // source does not hand over (a view into a client's fetch buffer) is first copied out.
    const bytes = owned && payload.buffer instanceof ArrayBuffer ? payload : this.#copy(payload);
    const message: BatchMessage = { type: 'batch', id, partition, payload: bytes, format };
    try {
      slot.worker.postMessage(message satisfies ToWorker, [bytes.buffer as ArrayBuffer]);
    } catch (error) {
      slot.inFlight.delete(id);
      slot.inFlightBytes -= payload.length;
      throw error;
    }
    return id;
  }

  #copy(payload: Uint8Array): Uint8Array {
    const copy = this.buffers.take(payload.length);
    copy.set(payload);
    return copy;
  }

  /** Whether payloads are still being processed. */
  get busy(): boolean {
    return this.#slots.some((slot) => slot.inFlight.size > 0);
  }

  /** Resolves when no payload is in flight. */
  async drained(): Promise<void> {
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Close windows ending at or before `upTo` on every worker and collect their partials. */
  close(upTo: number): Promise<WindowPartial[]> {
    const barrier = ++this.#barrier;
    return new Promise((resolve) => {
      const pending = new Set(this.#slots.map((_, i) => i).filter((i) => this.#slots[i]!.alive));
      if (pending.size === 0) {
        resolve([]);
        return;
      }
      this.#barriers.set(barrier, { pending, partials: [], resolve });
      for (const i of pending) this.#slots[i]!.worker.postMessage({ type: 'close', barrier, upTo } satisfies ToWorker);
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  /** Kill a worker (tests: the restart path). */
  async kill(worker: number): Promise<void> {
    await this.#slots[worker]!.worker.terminate();
  }
}

export function poolError(message: string, cause?: unknown): VpcflowError {
  return new VpcflowError('VPCFLOW_WORKER_FAILED', message, { cause, retriable: true });
}
