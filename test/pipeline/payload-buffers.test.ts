import { describe, expect, it } from 'vitest';
import { PayloadBuffers } from '../../src/pipeline/payload-buffers.js';

const MB = 1 << 20;

describe('PayloadBuffers', () => {
  it('hands a returned buffer to the next payload of about its size', () => {
    const buffers = new PayloadBuffers();
    const first = buffers.take(MB);
    expect(first.length).toBe(MB);
    expect(first.buffer.byteLength).toBeGreaterThanOrEqual(MB);
    buffers.give(first.buffer as ArrayBuffer);
    const second = buffers.take(MB + 300);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(MB + 300);
    expect(buffers.freeBytes).toBe(0);
  });

  it('does not put a small payload in a big buffer, nor recycle small buffers', () => {
    const buffers = new PayloadBuffers();
    const big = buffers.take(4 * MB);
    buffers.give(big.buffer as ArrayBuffer);
    const small = buffers.take(MB);
    expect(small.buffer).not.toBe(big.buffer);
    expect(small.buffer.byteLength).toBeLessThan(2 * MB);
    const tiny = buffers.take(1000);
    expect(tiny.buffer.byteLength).toBe(1000);
    buffers.give(tiny.buffer as ArrayBuffer);
    expect(buffers.freeBytes).toBe(big.buffer.byteLength);
  });

  it('keeps at most its bound of free bytes, dropping the oldest', () => {
    const buffers = new PayloadBuffers(3 * MB);
    const taken = [buffers.take(MB), buffers.take(MB), buffers.take(MB), buffers.take(MB)];
    for (const view of taken) buffers.give(view.buffer as ArrayBuffer);
    expect(buffers.freeBytes).toBeLessThanOrEqual(3 * MB);
    expect(buffers.take(MB).buffer).toBe(taken[3]!.buffer);
  });
});
