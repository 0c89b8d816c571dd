// Dotted-quad IPv4: four decimal parts of 1 to 3 digits, each at most 255 (leading zeros allowed).
// Parsed without a per-digit loop: one 16-byte load, the dots found by a vector compare, and the
// digits gathered by a shuffle chosen by the dots' layout, then weighed in 16-bit lanes. (The
// branches of a digit loop are data-dependent and mispredict on real addresses.)
// Reads 16 bytes from the token's start (inside PAD); bytes past the token are masked off.
import { DIGIT_0, DOT } from './bytes';

const LONGEST: usize = 15; // 255.255.255.255
const SHORTEST: usize = 7; // 0.0.0.0
const ZERO_LANE: u8 = 0x80; // a shuffle index past 15: the lane reads 0

// A layout is the dots' bit mask plus a bit at the token's length; the 81 valid ones (parts of
// 1..3 digits) hash without collision into 256 slots by (layout * LAYOUT_HASH) >>> 24.
const LAYOUT_HASH: u32 = 0xe07bdb9f;
// Per slot: the layout that owns it (0: none), and the shuffle that gathers its digits into rows:
// bytes 0-3 the hundreds, 4-7 the tens, 8-11 the ones, part 3 in lane 0 and part 0 in lane 3 so the
// result reads as a little-endian u32.
const LAYOUTS = memory.data(256 * 2, 2);
const GATHER = memory.data(256 * 16, 16);
// ipv4Value's vector constants (then ::ffff:0.0.0.0 as four u32 words), for loops to load once
// (V8 rebuilds inline constants at each use).
export const IPV4_CONSTANTS = memory.data(6 * 16, 16);
const NOT_DIGIT: i8 = 0x76; // added with saturation, pushes values above 9 to 0x80 and beyond

@inline
function layoutSlot(layout: u32): usize {
  return <usize>((layout * LAYOUT_HASH) >>> 24);
}

function buildLayouts(): void {
  for (let key: u32 = 0; key < 81; key++) {
    // Part lengths n0..n3 are the base-3 digits of key, plus one.
    let layout: u32 = 0;
    let start: u32 = 0;
    let weight: u32 = 27;
    for (let part: u32 = 0; part < 4; part++) {
      const stop = start + (key / weight) % 3 + 1;
      weight /= 3;
      layout |= <u32>1 << stop; // the dot after the part (after part 3: the length)
      start = stop + 1;
    }
    const slot = layoutSlot(layout);
    store<u16>(LAYOUTS + (slot << 1), <u16>layout);
    const row = GATHER + (slot << 4);
    memory.fill(row, ZERO_LANE, 16);
    start = 0;
    weight = 27;
    for (let part: u32 = 0; part < 4; part++) {
      const digits = (key / weight) % 3 + 1;
      weight /= 3;
      const stop = start + digits;
      const lane = <usize>(3 - part);
      store<u8>(row + 8 + lane, <u8>(stop - 1));
      if (digits >= 2) store<u8>(row + 4 + lane, <u8>(stop - 2));
      if (digits == 3) store<u8>(row + lane, <u8>(stop - 3));
      start = stop + 1;
    }
  }
}
buildLayouts();
v128.store(IPV4_CONSTANTS, i8x16.splat(<i8>DOT));
v128.store(IPV4_CONSTANTS, i8x16.splat(<i8>DIGIT_0), 16);
v128.store(IPV4_CONSTANTS, i8x16.splat(NOT_DIGIT), 32);
v128.store(IPV4_CONSTANTS, i16x8(100, 100, 100, 100, 10, 10, 10, 10), 48);
v128.store(IPV4_CONSTANTS, i16x8(-256, -256, -256, -256, 0, 0, 0, 0), 64);
v128.store(IPV4_CONSTANTS, i32x4(0, 0, 0xffff, 0), 80);

/**
 * The address [p, p+len) as a u32, or -1 (as i64) when it is not an IPv4 address. `k0`..`k4` are
 * IPV4_CONSTANTS' five vectors.
 */
@inline
export function ipv4Value(p: usize, len: usize, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128): i64 {
  if (len - SHORTEST > LONGEST - SHORTEST) return -1;
  const text = v128.load(p);
  const digits = i8x16.sub(text, k1);
  const inToken = (<u32>1 << <u32>len) - 1;
  const dots = <u32>i8x16.bitmask(i8x16.eq(text, k0)) & inToken;
  const nonDigits = <u32>i8x16.bitmask(i8x16.add_sat_u(digits, k2)) & inToken;
  const layout = dots | (<u32>1 << <u32>len);
  const slot = layoutSlot(layout);
  if (nonDigits != dots || <u32>load<u16>(LAYOUTS + (slot << 1)) != layout) return -1;
  const gathered = i8x16.swizzle(digits, v128.load(GATHER + (slot << 4)));
  // Hundreds and tens rows widened to u16 lanes 0-3 and 4-7; ones in lanes 0-3 of the high half.
  const sums = i16x8.add(i16x8.mul(i16x8.extend_low_i8x16_u(gathered), k3), i16x8.extend_high_i8x16_u(gathered));
  const parts = i16x8.add(sums, i8x16.shuffle(sums, sums, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15));
  // Parts above 255 have bits in their high byte (lanes 4-7 are not parts).
  if (v128.any_true(v128.and(parts, k4))) return -1;
  return <i64><u32>i32x4.extract_lane(i8x16.narrow_i16x8_u(parts, parts), 0);
}

/** Parsed address, or -1 (as i64) when [p, end) is not an IPv4 address. */
@inline
export function parseIPv4(p: usize, end: usize): i64 {
  const k = IPV4_CONSTANTS;
  return ipv4Value(p, end - p, v128.load(k), v128.load(k, 16), v128.load(k, 32), v128.load(k, 48), v128.load(k, 64));
}
