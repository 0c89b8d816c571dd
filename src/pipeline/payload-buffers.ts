/**
 * Payload buffers that go round: main fills one (a slice of a file, a copy of a client's message),
 * transfers it to a worker, and the worker transfers it back with its ack. A fresh ~1 MB buffer
 * per payload costs main its allocation, zero-filling and page faults, and V8 counts such external
 * memory toward major GCs; reused ones cost none of that.
 *
 * Only large buffers go round, and one is reused only for a payload close to its size: a small
 * payload in a big buffer would hold memory the in-flight bound does not count.
 */
const MIN_RECYCLED = 64 << 10;
const GRAIN = 64 << 10;

export class PayloadBuffers {
  readonly #free: ArrayBuffer[] = [];
  readonly #maxFreeBytes: number;
  #freeBytes = 0;

  constructor(maxFreeBytes = 64 << 20) {
    this.#maxFreeBytes = maxFreeBytes;
  }

  /** A view of `size` bytes (contents undefined) over a buffer of its own, to transfer. */
  take(size: number): Uint8Array {
    if (size < MIN_RECYCLED) return new Uint8Array(size);
    const free = this.#free;
    for (let i = free.length - 1; i >= 0; i--) {
      const buffer = free[i]!;
      if (buffer.byteLength >= size && buffer.byteLength <= size * 1.5) {
        free.splice(i, 1);
        this.#freeBytes -= buffer.byteLength;
        return new Uint8Array(buffer, 0, size);
      }
    }
    // Headroom, so payloads a few lines longer than this one fit it later.
    return new Uint8Array(new ArrayBuffer(Math.ceil((size * 1.125) / GRAIN) * GRAIN), 0, size);
  }

  /** A buffer back from a worker, for a later take(). */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength < MIN_RECYCLED || buffer.byteLength > this.#maxFreeBytes) return;
    while (this.#freeBytes + buffer.byteLength > this.#maxFreeBytes) this.#freeBytes -= this.#free.shift()!.byteLength;
    this.#free.push(buffer);
    this.#freeBytes += buffer.byteLength;
  }

  /** Bytes held for reuse. */
  get freeBytes(): number {
    return this.#freeBytes;
  }
}
