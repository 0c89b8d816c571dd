// Finding a well-formed line's tokens: exactly one space between tokens, none at either end, the
// field count right, not too long, not a header candidate (a lowercase letter first). The line's
// end and every space before it are found 64 bytes per step, and the spaces' positions are
// written out without a branch per token. Anything else is left to line.ts's general walker.
// Reads up to 63 bytes past the region (inside PAD); bits past it are masked off.
import { CR, LF, LOWER_A, LOWER_Z, SPACE } from './bytes';

// Space and LF in every lane, for loops to load once (V8 rebuilds inline constants at each use).
export const SCAN_CONSTANTS = memory.data(32, 16);
v128.store(SCAN_CONSTANTS, i8x16.splat(<i8>SPACE));
v128.store(SCAN_CONSTANTS, i8x16.splat(<i8>LF), 16);

/** Write the positions of the set bits of `mask` (window at `window`) from `out`; returns their count. */
@inline
function flatten(out: usize, window: usize, mask: u64): usize {
  const count = <usize>popcnt(mask);
  // Eight unconditionally (most windows of a line hold fewer): spare entries are never read.
  store<u32>(out, <u32>(window + <usize>ctz(mask)));
  mask &= mask - 1;
  store<u32>(out, <u32>(window + <usize>ctz(mask)), 4);
  mask &= mask - 1;
  store<u32>(out, <u32>(window + <usize>ctz(mask)), 8);
  mask &= mask - 1;
  store<u32>(out, <u32>(window + <usize>ctz(mask)), 12);
  mask &= mask - 1;
  store<u32>(out, <u32>(window + <usize>ctz(mask)), 16);
  mask &= mask - 1;
  store<u32>(out, <u32>(window + <usize>ctz(mask)), 20);
  mask &= mask - 1;
  store<u32>(out, <u32>(window + <usize>ctz(mask)), 24);
  mask &= mask - 1;
  store<u32>(out, <u32>(window + <usize>ctz(mask)), 28);
  mask &= mask - 1;
  let at = out + 32;
  while (mask != 0) {
    store<u32>(at, <u32>(window + <usize>ctz(mask)));
    mask &= mask - 1;
    at += 4;
  }
  return count;
}

/**
 * Scan the line at `start` (region ends at `end`) for `fields` tokens. When it is well formed,
 * writes `start - 1` then each token's end (fields + 1 words) from `out`, and returns the line's
 * end (its LF, or `end`); else returns 0. Up to 64 words past `out + fields` may be overwritten.
 */
@inline
export function scanLine(start: usize, end: usize, out: usize, fields: usize, limit: usize): usize {
  return scanWith(start, end, out, fields, limit, v128.load(SCAN_CONSTANTS), v128.load(SCAN_CONSTANTS, 16));
}

/** scanLine with SCAN_CONSTANTS' two vectors (space and LF in every lane) loaded by the caller. */
@inline
export function scanWith(start: usize, end: usize, out: usize, fields: usize, limit: usize, spaces: v128, newlines: v128): usize {
  const first = load<u8>(start);
  // Blank lines, leading spaces and header candidates go the general way. (Conditions are joined
  // with | here and below: V8 gives each && or || a branch and a boolean of its own.)
  if ((first == SPACE) | (first == LF) | (<u32>(first - LOWER_A) <= <u32>(LOWER_Z - LOWER_A))) return 0;
  const ends = out + 4;
  let window = start;
  let count: usize = 0;
  let doubled: u64 = 0; // spaces right after a space
  let carry: u64 = 0; // the previous window ended with a space
  let lineEnd = end;
  while (true) {
    const a = v128.load(window);
    const b = v128.load(window, 16);
    const c = v128.load(window, 32);
    const d = v128.load(window, 48);
    let space = <u64>i8x16.bitmask(i8x16.eq(a, spaces))
      | (<u64>i8x16.bitmask(i8x16.eq(b, spaces)) << 16)
      | (<u64>i8x16.bitmask(i8x16.eq(c, spaces)) << 32)
      | (<u64>i8x16.bitmask(i8x16.eq(d, spaces)) << 48);
    let newline = <u64>i8x16.bitmask(i8x16.eq(a, newlines))
      | (<u64>i8x16.bitmask(i8x16.eq(b, newlines)) << 16)
      | (<u64>i8x16.bitmask(i8x16.eq(c, newlines)) << 32)
      | (<u64>i8x16.bitmask(i8x16.eq(d, newlines)) << 48);
    const room = end - window;
    let last = false;
    if (room <= 64) {
      const inRegion = room == 64 ? <u64>-1 : (<u64>1 << <u64>room) - 1;
      space &= inRegion;
      newline &= inRegion;
      last = true;
    }
    if (newline != 0) {
      const at = ctz(newline);
      space &= (<u64>1 << at) - 1;
      lineEnd = window + <usize>at;
      last = true;
    }
    doubled |= space & ((space << 1) | carry);
    carry = space >> 63;
    count += flatten(ends + (count << 2), window, space);
    if (last) break;
    window += 64;
    // Too long, or too many tokens (which also bounds how far flatten writes).
    if ((window - start > limit) | (count >= fields)) return 0;
  }
  let textEnd = lineEnd;
  if (load<u8>(textEnd - 1) == CR) textEnd--;
  // (When textEnd == start the byte before the line is read and ignored.)
  if ((count + 1 != fields) | (doubled != 0) | (textEnd == start) | (load<u8>(textEnd - 1) == SPACE) | (lineEnd - start > limit)) {
    return 0;
  }
  store<u32>(out, <u32>(start - 1));
  store<u32>(ends + (count << 2), <u32>textEnd);
  return lineEnd;
}
