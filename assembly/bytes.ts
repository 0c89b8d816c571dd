// Named bytes and the small scanning helpers every parser shares.
export const LF: u8 = 0x0a;
export const CR: u8 = 0x0d;
export const SPACE: u8 = 0x20;
export const DASH: u8 = 0x2d;
export const DOT: u8 = 0x2e;
export const COLON: u8 = 0x3a;
export const DIGIT_0: u8 = 0x30;
export const UNDERSCORE: u8 = 0x5f;
export const LOWER_A: u8 = 0x61;
export const LOWER_Z: u8 = 0x7a;
export const QUOTE: u8 = 0x22;
export const BACKSLASH: u8 = 0x5c;

/**
 * Bytes every buffer keeps readable past its end, so vector loads from a position inside it never
 * leave it: scan.ts reads 64-byte windows (up to 63 bytes past a region's end), json.ts and
 * dictionary.ts 32 bytes, numbers, IPv4 and enum words 16.
 */
export const PAD: usize = 64;

/** First position in [p, end) holding `byte`, or `end`. Reads up to 15 bytes past `end` (inside PAD). */
@inline
export function findByte(p: usize, end: usize, byte: u8): usize {
  const needle = i8x16.splat(<i8>byte);
  while (p < end) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(p), needle));
    if (mask != 0) {
      const hit = p + <usize>ctz(mask);
      return hit < end ? hit : end;
    }
    p += 16;
  }
  return end;
}

/** First position in [p, end) that is not a space, or `end`. */
@inline
export function skipSpaces(p: usize, end: usize): usize {
  while (p < end && load<u8>(p) == SPACE) p++;
  return p;
}

/** The first `len` (0..8) bytes at p as a little-endian u64, the rest zero. */
@inline
export function loadPrefix(p: usize, len: usize): u64 {
  const word = load<u64>(p);
  return len >= 8 ? word : word & ((<u64>1 << (<u64>len << 3)) - 1);
}

export function bytesEqual(a: usize, b: usize, len: usize): bool {
  let i: usize = 0;
  while (i + 8 <= len) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  while (i < len) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
    i++;
  }
  return true;
}
