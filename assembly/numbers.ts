// Unsigned decimal integers: digits only, leading zeros allowed; '-' is handled by the caller.
// Up to 16 digits are converted at once in a vector: the digits are right-aligned by a shuffle
// chosen by the length, checked, and combined pairwise (2, 4, then 8 digits per lane) by
// multiply-adds, so no step depends on the length. Longer tokens take the checked loop.
// Reads 16 bytes from the token's start (inside PAD); bytes past the token are shuffled away.
import { BAD_NUMBER, NUMBER_OUT_OF_RANGE, OK } from './status';
import { DIGIT_0 } from './bytes';

const MAX_U64_DIV10: u64 = 1844674407370955161; // floor((2^64 - 1) / 10)
export const WIDEST: usize = 16; // digits converted without the loop
/** What digitsValue returns for a token that is not all digits (16 digits stay below it). */
export const NOT_DIGITS: u64 = u64.MAX_VALUE;
const ZERO_LANE: u8 = 0x80; // a shuffle index past 15: the lane reads 0
const NOT_DIGIT: i8 = 0x76; // added with saturation, pushes values above 9 to 0x80 and beyond

// Per length 0..16: the shuffle that moves the token's bytes to the end of a vector, zeros before.
export const ALIGN = memory.data(<i32>(WIDEST + 1) * 16, 16);
// Per length 0..8: the same into the low half (PAIR_LOW) or the high half (PAIR_HIGH) only, so two
// short tokens share one vector and one conversion.
export const PAIR_LOW = memory.data(9 * 16, 16);
export const PAIR_HIGH = memory.data(9 * 16, 16);
// digitsValue's vector constants, for loops to load once (V8 rebuilds inline constants each use).
export const DIGIT_CONSTANTS = memory.data(5 * 16, 16);

function buildTables(): void {
  for (let len: usize = 0; len <= WIDEST; len++) {
    for (let lane: usize = 0; lane < 16; lane++) {
      const from = lane + len - 16; // wraps (stays >= 16) for lanes before the digits
      store<u8>(ALIGN + (len << 4) + lane, from < 16 ? <u8>from : ZERO_LANE);
    }
  }
  for (let len: usize = 0; len <= 8; len++) {
    for (let lane: usize = 0; lane < 8; lane++) {
      const from = lane + len - 8;
      store<u8>(PAIR_LOW + (len << 4) + lane, from < 8 ? <u8>from : ZERO_LANE);
      store<u8>(PAIR_LOW + (len << 4) + lane + 8, ZERO_LANE);
      store<u8>(PAIR_HIGH + (len << 4) + lane, ZERO_LANE);
      store<u8>(PAIR_HIGH + (len << 4) + lane + 8, from < 8 ? <u8>from : ZERO_LANE);
    }
  }
  v128.store(DIGIT_CONSTANTS, i8x16.splat(<i8>DIGIT_0));
  v128.store(DIGIT_CONSTANTS, i8x16.splat(NOT_DIGIT), 16);
  v128.store(DIGIT_CONSTANTS, i16x8(10, 1, 10, 1, 10, 1, 10, 1), 32);
  v128.store(DIGIT_CONSTANTS, i16x8(100, 1, 100, 1, 100, 1, 100, 1), 48);
  v128.store(DIGIT_CONSTANTS, i16x8(10000, 1, 10000, 1, 10000, 1, 10000, 1), 64);
}
buildTables();

/** The `len` bytes at p less '0' (`k0`), placed by the shuffle for `len` in `table`. */
@inline
export function placedDigits(p: usize, len: usize, table: usize, k0: v128): v128 {
  return i8x16.swizzle(i8x16.sub(v128.load(p), k0), v128.load(table + (len << 4)));
}

/** Whether every lane of placedDigits' result is a digit (`k1`: DIGIT_CONSTANTS' second vector). */
@inline
export function onlyDigits(digits: v128, k1: v128): bool {
  return i8x16.bitmask(i8x16.add_sat_u(digits, k1)) == 0;
}

/** Lanes 0 and 1: the values of digit lanes 0-7 and 8-15 (most significant first). */
@inline
export function digitOctets(digits: v128, k2: v128, k3: v128, k4: v128): v128 {
  // Pairs to 2-digit lanes, then 4, then 8.
  const pairs = i16x8.narrow_i32x4_s(
    i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(digits), k2),
    i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(digits), k2),
  );
  const quads = i32x4.dot_i16x8_s(pairs, k3);
  return i32x4.dot_i16x8_s(i16x8.narrow_i32x4_s(quads, quads), k4);
}

/**
 * The value of the `len` (0..16) bytes at p when they are all digits, else NOT_DIGITS. `k0`..`k4`
 * are DIGIT_CONSTANTS' five vectors.
 */
@inline
export function digitsValue(p: usize, len: usize, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128): u64 {
  const digits = placedDigits(p, len, ALIGN, k0);
  if (!onlyDigits(digits, k1)) return NOT_DIGITS;
  return octetsValue(digitOctets(digits, k2, k3, k4));
}

/** The value of 16 placed digits from digitOctets' lanes 0 and 1. */
@inline
export function octetsValue(octets: v128): u64 {
  return <u64><u32>i32x4.extract_lane(octets, 0) * 100000000 + <u64><u32>i32x4.extract_lane(octets, 1);
}

/**
 * Parse [p, end) as an unsigned integer no larger than `max` and store it at `out` (u64 when
 * `wide`, else u32). A token with any non-digit is BAD_NUMBER (nothing stored); a token of digits
 * above `max` is NUMBER_OUT_OF_RANGE. The value is stored either way; callers mark it invalid.
 */
@inline
export function parseUnsigned(p: usize, end: usize, max: u64, out: usize, wide: bool): u8 {
  const len = end - p;
  if (len > WIDEST) return parseLong(p, end, max, out, wide);
  const k = DIGIT_CONSTANTS;
  const value = digitsValue(p, len, v128.load(k), v128.load(k, 16), v128.load(k, 32), v128.load(k, 48), v128.load(k, 64));
  if (value == NOT_DIGITS) return BAD_NUMBER;
  if (wide) store<u64>(out, value);
  else store<u32>(out, <u32>value);
  return value > max ? NUMBER_OUT_OF_RANGE : OK;
}

function parseLong(p: usize, end: usize, max: u64, out: usize, wide: bool): u8 {
  let value: u64 = 0;
  let overflow = false;
  while (p < end) {
    const digit = <u32>load<u8>(p) - <u32>DIGIT_0;
    if (digit > 9) return BAD_NUMBER;
    if (value > MAX_U64_DIV10 || (value == MAX_U64_DIV10 && digit > 5)) overflow = true;
    value = value * 10 + <u64>digit;
    p++;
  }
  if (wide) store<u64>(out, value);
  else store<u32>(out, <u32>value);
  return overflow || value > max ? NUMBER_OUT_OF_RANGE : OK;
}
