// Unsigned decimal integers: digits only, leading zeros allowed; '-' is handled by the caller.
// Up to 16 digits are converted eight at a time with SWAR arithmetic (no per-digit loop); longer
// tokens take the checked loop. Reads up to 8 bytes past a token, which buffers allow (PAD).
import { BAD_NUMBER, NUMBER_OUT_OF_RANGE, OK } from './status';
import { DIGIT_0 } from './bytes';

const MAX_U64_DIV10: u64 = 1844674407370955161; // floor((2^64 - 1) / 10)
const ZEROS: u64 = 0x3030303030303030;

/** Whether all 8 bytes of `word` are ASCII digits. */
@inline
function allDigits(word: u64): bool {
  return ((word & 0xf0f0f0f0f0f0f0f0) | (((word + 0x0606060606060606) & 0xf0f0f0f0f0f0f0f0) >> 4)) == 0x3333333333333333;
}

/** The value of 8 ASCII digits (first digit in the low byte). */
@inline
function eightDigits(word: u64): u64 {
  let v = word - ZEROS;
  v = v * 10 + (v >> 8);
  return (((v & 0x000000ff000000ff) * (100 + (<u64>1000000 << 32))) + (((v >> 16) & 0x000000ff000000ff) * (1 + (<u64>10000 << 32)))) >> 32;
}

/** The `len` (1..8) bytes at p, right-aligned in a word whose other bytes are '0'. */
@inline
function digitsWord(p: usize, len: usize): u64 {
  const shift = <u64>(8 - len) << 3;
  const word = load<u64>(p);
  return shift == 0 ? word : (word << shift) | (ZEROS >> (64 - shift));
}

/**
 * Parse [p, end) as an unsigned integer no larger than `max` and store it at `out` (u64 when
 * `wide`, else u32). A token with any non-digit is BAD_NUMBER; a token of digits above `max` is
 * NUMBER_OUT_OF_RANGE. The value is stored either way; callers mark it invalid on error.
 */
@inline
export function parseUnsigned(p: usize, end: usize, max: u64, out: usize, wide: bool): u8 {
  const len = end - p;
  let value: u64 = 0;
  if (len <= 8) {
    const word = digitsWord(p, len);
    if (!allDigits(word)) return BAD_NUMBER;
    value = eightDigits(word);
  } else if (len <= 16) {
    const high = digitsWord(p, len - 8);
    const low = load<u64>(end - 8);
    if (!allDigits(high) || !allDigits(low)) return BAD_NUMBER;
    value = eightDigits(high) * 100000000 + eightDigits(low);
  } else {
    return parseLong(p, end, max, out, wide);
  }
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
