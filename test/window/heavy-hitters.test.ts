import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeavyHitters, topEntries } from '../../src/window/aggregators/heavy-hitters.js';

/** Exact weights by key, computed the plain way. */
function exact(stream: [number, number][]): Map<number, number> {
  const totals = new Map<number, number>();
  for (const [key, weight] of stream) totals.set(key, (totals.get(key) ?? 0) + weight);
  return totals;
}

/** Zipf-like skewed keys: a few heavy, a long tail. */
const skewed = fc.array(fc.tuple(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 1000 })), { minLength: 100, maxLength: 3000 }).map((pairs) =>
  pairs.map(([rank, weight]): [number, number] => [Math.floor(2000 / rank), weight]),
);

describe('heavy hitters (mergeable Misra-Gries)', () => {
  it('every reported weight is within the error bound below the truth, and the bound is at most total/(capacity+1)', () => {
    fc.assert(
      fc.property(skewed, fc.integer({ min: 5, max: 60 }), (stream, capacity) => {
        const summary = new HeavyHitters(capacity);
        for (const [key, weight] of stream) summary.add(key, 0, weight);
        const partial = summary.toPartial();
        const truth = exact(stream);
        const total = [...truth.values()].reduce((a, b) => a + b, 0);
        expect(partial.total).toBe(total);
        expect(partial.errorBound).toBeLessThanOrEqual(total / (capacity + 1) + 1e-9);
        for (const entry of partial.entries) {
          const real = truth.get(entry.key1)!;
          expect(entry.weight).toBeLessThanOrEqual(real);
          expect(entry.weight).toBeGreaterThanOrEqual(real - partial.errorBound);
        }
        // Any key heavier than the bound is guaranteed to be present.
        for (const [key, weight] of truth) {
          if (weight > partial.errorBound) expect(partial.entries.some((e) => e.key1 === key)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('merging partials (workers, shorter windows) keeps the guarantee over the union', () => {
    fc.assert(
      fc.property(fc.array(skewed, { minLength: 2, maxLength: 5 }), (streams) => {
        const capacity = 20;
        const merged = new HeavyHitters(capacity);
        for (const stream of streams) {
          const part = new HeavyHitters(capacity);
          for (const [key, weight] of stream) part.add(key, 0, weight);
          merged.merge(part.toPartial());
        }
        const partial = merged.toPartial();
        const truth = exact(streams.flat());
        const total = [...truth.values()].reduce((a, b) => a + b, 0);
        expect(partial.total).toBe(total);
        expect(partial.errorBound).toBeLessThanOrEqual(total / (capacity + 1) + 1e-9);
        for (const entry of partial.entries) {
          expect(entry.weight).toBeLessThanOrEqual(truth.get(entry.key1)!);
          expect(entry.weight).toBeGreaterThanOrEqual(truth.get(entry.key1)! - partial.errorBound);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('finds the true top K on skewed data', () => {
    const stream: [number, number][] = [];
    for (let i = 0; i < 50_000; i++) stream.push([i % 7 === 0 ? i % 5 : 1000 + (i % 4000), 100 + (i % 13)]);
    const summary = new HeavyHitters(200);
    for (const [key, weight] of stream) summary.add(key, 0, weight, `k${key}`);
    const top = topEntries(summary.toPartial(), 5);
    const truth = [...exact(stream)].sort((a, b) => b[1] - a[1]).slice(0, 5);
    expect(top.map((e) => e.key1).sort()).toEqual(truth.map(([k]) => k).sort());
    expect(top.every((e) => e.label === `k${e.key1}`)).toBe(true);
  });
});
