import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kthLargest, thresholdAtMost } from '../../src/window/aggregators/threshold.js';

/** Positive weights as the summaries see them: byte counts with a long tail, and many ties. */
const weights = fc.array(fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 2 ** 40 }), fc.double({ min: 1e-3, max: 1e12, noNaN: true })), { minLength: 1, maxLength: 3000 });

describe('reduction thresholds', () => {
  it('kthLargest is the k-th largest', () => {
    fc.assert(
      fc.property(weights, fc.nat(), (values, pick) => {
        const k = (pick % values.length) + 1;
        const sorted = [...values].sort((a, b) => b - a);
        expect(kthLargest(Float64Array.from(values), values.length, k)).toBe(sorted[k - 1]);
      }),
      { numRuns: 300 },
    );
  });

  it('thresholdAtMost never exceeds the k-th largest and leaves at most maxAbove values above it', () => {
    fc.assert(
      fc.property(weights, fc.nat(), fc.nat({ max: 3000 }), (values, pick, extra) => {
        const n = values.length;
        const k = (pick % n) + 1;
        const maxAbove = k - 1 + extra;
        const a = Float64Array.from(values);
        const threshold = thresholdAtMost(a, new Uint32Array(a.buffer), n, k, maxAbove);
        const kth = [...values].sort((x, y) => y - x)[k - 1]!;
        expect(threshold).toBeGreaterThan(0);
        expect(threshold).toBeLessThanOrEqual(kth);
        expect(values.filter((v) => v > threshold).length).toBeLessThanOrEqual(maxAbove);
      }),
      { numRuns: 500 },
    );
  });
});
