/**
 * Seeded randomness for the generator.
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from PractRand): 128 bits of state,
 * passes PractRand, and costs a handful of 32-bit operations per draw, which matters at millions of
 * records a second. Math.random cannot be seeded, and tests and benchmarks need the same stream for
 * the same seed.
 */
export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal deviate. */
  normal(): number;
}

/** A generator seeded with the low 32 bits of `seed`. */
export function createRandom(seed: number): Random {
  // Typed arrays keep the state unboxed: int32 values outside V8's small-integer range would
  // otherwise be allocated as heap numbers on every write to a closure variable.
  const state = new Int32Array(4);
  let x = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    // splitmix32, so that neighbouring seeds (1, 2, 3) start from unrelated states.
    x = (x + 0x9e3779b9) | 0;
    let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = z ^ (z >>> 16);
  }
  const next = (): number => {
    const a = state[0]!;
    const b = state[1]!;
    const c = state[2]!;
    const d = state[3]!;
    const t = (((a + b) | 0) + d) | 0;
    state[3] = (d + 1) | 0;
    state[0] = b ^ (b >>> 9);
    state[1] = (c + (c << 3)) | 0;
    state[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) next();

  // Box–Muller yields two deviates per pair of uniforms; the second waits here.
  const spare = new Float64Array(1);
  let hasSpare = false;
  const float = (): number => next() / 4294967296;
  return {
    float,
    int: (n) => Math.floor(float() * n),
    normal() {
      if (hasSpare) {
        hasSpare = false;
        return spare[0]!;
      }
      const radius = Math.sqrt(-2 * Math.log(1 - float()));
      const angle = 2 * Math.PI * float();
      spare[0] = radius * Math.sin(angle);
      hasSpare = true;
      return radius * Math.cos(angle);
    },
  };
}

/** Draws items with fixed probabilities in O(1): one uniform and one comparison per draw. */
export interface Weighted<T> {
  pick(random: Random): T;
  readonly items: readonly T[];
}

/** Walker/Vose alias table over `items` with the given (unnormalised) weights. */
export function weighted<T>(items: readonly T[], weights: ArrayLike<number>): Weighted<T> {
  const n = items.length;
  if (n === 0 || weights.length !== n) throw new RangeError(`weighted(): ${n} items and ${weights.length} weights`);
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i]!;
  const probability = new Float64Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    probability[i] = (weights[i]! * n) / total;
    (probability[i]! < 1 ? small : large).push(i);
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large[large.length - 1]!;
    alias[s] = l;
    probability[l] = probability[l]! + probability[s]! - 1;
    if (probability[l]! < 1) small.push(large.pop()!);
  }
  // Leftovers are 1 up to rounding error.
  for (const i of small) probability[i] = 1;
  for (const i of large) probability[i] = 1;
  return {
    items,
    pick(random) {
      const u = random.float() * n;
      const i = u | 0;
      return items[u - i < probability[i]! ? i : alias[i]!]!;
    },
  };
}

/** Pairs written inline, `[[443, 70], [80, 25]]`, for small hand-tuned tables. */
export function table<T>(entries: readonly (readonly [T, number])[]): Weighted<T> {
  return weighted(
    entries.map((e) => e[0]),
    entries.map((e) => e[1]),
  );
}

/**
 * Zipf popularity: the item of rank r is drawn with weight 1 / r^exponent (0 = uniform). Ranks are
 * shuffled so that the heavy hitters are spread over the list rather than being its first entries.
 */
export function zipf<T>(items: readonly T[], exponent: number, random: Random): Weighted<T> {
  const ranks = Array.from(items, (_, i) => i);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
  }
  return weighted(
    items,
    ranks.map((rank) => 1 / Math.pow(rank + 1, exponent)),
  );
}
