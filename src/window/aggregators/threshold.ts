/**
 * How much a Misra-Gries reduction may subtract. Any amount up to the (capacity + 1)-th largest
 * weight keeps the summary's guarantee (each reduction then takes that amount from at least
 * capacity + 1 counters), and the closer to it, the more counters drop out.
 *
 * Exact: quickselect, O(n) but branchy. Lazy reductions use a radix estimate instead: weights are
 * positive doubles, whose bit patterns sort like the numbers, so two histogram passes over the
 * top 22 bits find the prefix of the k-th largest; the smallest number with that prefix is a lower
 * bound within 2^-10 of it. Values are read from `values` and may be reordered (callers pass a copy).
 */
const EXPONENT_BUCKETS = 1 << 12;
const MANTISSA_BUCKETS = 1 << 10;
const exponents = new Int32Array(EXPONENT_BUCKETS);
const mantissas = new Int32Array(MANTISSA_BUCKETS);
const bits = new Float64Array(1);
const bitWords = new Uint32Array(bits.buffer);

/** The k-th largest of a[0..n) (1 <= k <= n), by quickselect; reorders a. */
export function kthLargest(a: Float64Array, n: number, k: number): number {
  // The k-th largest is the (n - k)-th smallest (0-based).
  const target = n - k;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}

/**
 * A threshold at most the k-th largest of a[0..n) (1 <= k <= n, all positive) such that at most
 * `maxAbove` values exceed it: the radix estimate when it qualifies, else the exact value.
 * `words` is a Uint32Array over the same memory as `a`.
 */
export function thresholdAtMost(a: Float64Array, words: Uint32Array, n: number, k: number, maxAbove: number): number {
  exponents.fill(0);
  // The high word of each double (little-endian: the odd word): sign, exponent, 20 mantissa bits.
  for (let i = 0; i < n; i++) exponents[words[i * 2 + 1]! >>> 20]!++;
  let above = 0;
  let exponent = EXPONENT_BUCKETS - 1;
  while (above + exponents[exponent]! < k) above += exponents[exponent--]!;
  mantissas.fill(0);
  for (let i = 0; i < n; i++) {
    const high = words[i * 2 + 1]!;
    if (high >>> 20 === exponent) mantissas[(high >>> 10) & (MANTISSA_BUCKETS - 1)]!++;
  }
  let mantissa = MANTISSA_BUCKETS - 1;
  while (above + mantissas[mantissa]! < k) above += mantissas[mantissa--]!;
  bitWords[0] = 0;
  bitWords[1] = ((exponent << 20) | (mantissa << 10)) >>> 0;
  const estimate = bits[0]!;
  // Values above the estimate: those above its bucket, and at most all of its bucket.
  if (estimate > 0 && above + mantissas[mantissa]! <= maxAbove) return estimate;
  return kthLargest(a, n, k);
}
