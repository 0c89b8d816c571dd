// One column over a block's rows (block.ts). Each kind has a tight loop for the common token;
// rows it cannot finish there (nulls, errors, long or unusual tokens) are noted and redone after
// the loop by the general rules line.ts uses, which keeps rare paths out of the hot loop's
// registers. Vector constants are loaded once per column: V8 rebuilds inline ones at every use.
import { DASH } from './bytes';
import { matchEnum } from './enums';
import { IPV4_CONSTANTS, ipv4Value } from './ipv4';
import { COLUMNS, FIELD_ENUM, FIELD_MAX, errorFieldPtr, statusPtr } from './layout';
import {
  ALIGN, DIGIT_CONSTANTS, NOT_DIGITS, PAIR_HIGH, PAIR_LOW, WIDEST, digitOctets, octetsValue, onlyDigits, parseUnsigned,
  placedDigits,
} from './numbers';
import { writeAddress } from './record';
import { BAD_ADDRESS, BAD_ENUM, OK } from './status';

export const BLOCK_ROWS: usize = 64;
export const TOKEN_WORDS: usize = 2048; // rows x (fields + 1) stay within this
// Token ends from scan.ts, a row of fields + 1 words per line: the line's start minus one, then
// each token's end. scanLine may write 64 words past a row's last token end.
export const TOKENS = memory.data(<i32>(TOKEN_WORDS + 64) * 4, 16);
// Rows (in the block) a column loop left for the general rules.
const REDO = memory.data(<i32>BLOCK_ROWS);

/** Rows of the block parsed so far that got an error status. */
export let columnErrors: u32 = 0;

export function resetColumnErrors(): void {
  columnErrors = 0;
}

@inline
export function isNull(p: usize, end: usize): bool {
  return end - p == 1 && load<u8>(p) == DASH;
}

/** A row's first error (fields are parsed in format order). */
@inline
function markError(row: usize, f: usize, status: u8): void {
  const at = statusPtr + row;
  if (load<u8>(at) == OK) {
    store<u8>(at, status);
    store<u8>(errorFieldPtr + row, <u8>f);
    columnErrors++;
  }
}

// Field f's token of row r starts one past the word at starts(f) + r * stride and ends at the
// word at ends(f) + r * stride, with stride = (fields + 1) * 4.
@inline
export function starts(f: usize): usize {
  return TOKENS + (f << 2);
}

@inline
export function ends(f: usize): usize {
  return TOKENS + ((f + 1) << 2);
}

/** Store row r's value, or note the row for the general rules when it is above `cap`. */
@inline
function putNumber(values: usize, validity: usize, r: usize, value: u64, cap: u64, redo: usize, wide: bool): usize {
  if (value > cap) {
    store<u8>(REDO + redo, <u8>r);
    return redo + 1;
  }
  if (wide) store<u64>(values + (r << 3), value);
  else store<u32>(values + (r << 2), <u32>value);
  store<u8>(validity + r, 1);
  return redo;
}

@inline
function numbers(f: usize, row: usize, rows: usize, stride: usize, wide: bool): void {
  const width: usize = wide ? 3 : 2;
  const values = <usize>load<u32>(COLUMNS + (f << 3)) + (row << width);
  const validity = <usize>load<u32>(COLUMNS + (f << 3), 4) + row;
  const max = load<u64>(FIELD_MAX + (f << 3));
  const k = DIGIT_CONSTANTS;
  const k0 = v128.load(k), k1 = v128.load(k, 16), k2 = v128.load(k, 32), k3 = v128.load(k, 48), k4 = v128.load(k, 64);
  // Values above `cap` go to the general rules: over the field's maximum, or NOT_DIGITS.
  const cap = max < NOT_DIGITS ? max : NOT_DIGITS - 1;
  let start = starts(f);
  let stop = ends(f);
  let redo: usize = 0;
  // The last single token's placed digits and value (all 0xff lanes: no digits, NOT_DIGITS).
  let lastDigits = i8x16.splat(-1);
  let lastValue = NOT_DIGITS;
  let r: usize = 0;
  // Two rows at a time when both tokens are digits and at most 8: they share one conversion.
  while (r < rows) {
    const p = <usize>load<u32>(start) + 1;
    const len = <usize>load<u32>(stop) - p;
    const q = <usize>load<u32>(start + stride) + 1; // past the last row: not used
    const qLen = <usize>load<u32>(stop + stride) - q;
    if (r + 1 < rows && (len | qLen) <= 8) {
      const digits = v128.or(placedDigits(p, len, PAIR_LOW, k0), placedDigits(q, qLen, PAIR_HIGH, k0));
      if (onlyDigits(digits, k1)) {
        const octets = digitOctets(digits, k2, k3, k4);
        redo = putNumber(values, validity, r, <u64><u32>i32x4.extract_lane(octets, 0), max, redo, wide);
        redo = putNumber(values, validity, r + 1, <u64><u32>i32x4.extract_lane(octets, 1), max, redo, wide);
        r += 2;
        start += stride << 1;
        stop += stride << 1;
        continue;
      }
    }
    let value = NOT_DIGITS;
    if (len <= WIDEST) {
      // Long tokens (timestamps) often repeat the previous one's digits: reuse its value.
      const digits = placedDigits(p, len, ALIGN, k0);
      if (v128.any_true(v128.xor(digits, lastDigits))) {
        value = onlyDigits(digits, k1) ? octetsValue(digitOctets(digits, k2, k3, k4)) : NOT_DIGITS;
        lastDigits = digits;
        lastValue = value;
      } else {
        value = lastValue;
      }
    }
    redo = putNumber(values, validity, r, value, cap, redo, wide);
    r++;
    start += stride;
    stop += stride;
  }
  for (let i: usize = 0; i < redo; i++) {
    const r = <usize>load<u8>(REDO + i);
    const p = <usize>load<u32>(starts(f) + r * stride) + 1;
    const end = <usize>load<u32>(ends(f) + r * stride);
    // '-' (null) fails as a number without storing a value; only the status differs.
    const status = parseUnsigned(p, end, max, values + (r << width), wide);
    store<u8>(validity + r, status == OK ? 1 : 0);
    if (status != OK && !isNull(p, end)) markError(row + r, f, status);
  }
}

export function u32Column(f: usize, row: usize, rows: usize, stride: usize): void {
  numbers(f, row, rows, stride, false);
}

export function u64Column(f: usize, row: usize, rows: usize, stride: usize): void {
  numbers(f, row, rows, stride, true);
}

export function ipColumn(f: usize, row: usize, rows: usize, stride: usize): void {
  const values = <usize>load<u32>(COLUMNS + (f << 3)) + (row << 4);
  const validity = <usize>load<u32>(COLUMNS + (f << 3), 4) + row;
  const k = IPV4_CONSTANTS;
  const k0 = v128.load(k), k1 = v128.load(k, 16), k2 = v128.load(k, 32), k3 = v128.load(k, 48), k4 = v128.load(k, 64);
  const mapped = v128.load(k, 80); // ::ffff:0.0.0.0 as four u32 words
  let start = starts(f);
  let stop = ends(f);
  let redo: usize = 0;
  for (let r: usize = 0; r < rows; r++) {
    const p = <usize>load<u32>(start) + 1;
    const v4 = ipv4Value(p, <usize>load<u32>(stop) - p, k0, k1, k2, k3, k4);
    if (v4 < 0) {
      store<u8>(REDO + redo++, <u8>r);
    } else {
      v128.store(values + (r << 4), i32x4.replace_lane(mapped, 3, <i32>v4));
      store<u8>(validity + r, 4);
    }
    start += stride;
    stop += stride;
  }
  for (let i: usize = 0; i < redo; i++) {
    const r = <usize>load<u8>(REDO + i);
    const p = <usize>load<u32>(starts(f) + r * stride) + 1;
    const end = <usize>load<u32>(ends(f) + r * stride);
    // '-' (null) is no address and stores none; only the status differs.
    const family = writeAddress(p, end, values + (r << 4));
    store<u8>(validity + r, family);
    if (family == 0 && !isNull(p, end)) markError(row + r, f, BAD_ADDRESS);
  }
}

export function enumColumn(f: usize, row: usize, rows: usize, stride: usize): void {
  const values = <usize>load<u32>(COLUMNS + (f << 3)) + row;
  const validity = <usize>load<u32>(COLUMNS + (f << 3), 4) + row;
  const which = <u32>load<u8>(FIELD_ENUM + f);
  let start = starts(f);
  let stop = ends(f);
  let redo: usize = 0;
  for (let r: usize = 0; r < rows; r++) {
    const p = <usize>load<u32>(start) + 1;
    const index = matchEnum(which, p, <usize>load<u32>(stop) - p);
    store<u8>(values + r, index);
    store<u8>(validity + r, index != 0 ? 1 : 0);
    if (index == 0) store<u8>(REDO + redo++, <u8>r);
    start += stride;
    stop += stride;
  }
  for (let i: usize = 0; i < redo; i++) {
    const r = <usize>load<u8>(REDO + i);
    // '-' (null) is index 0, like a word that is not in the enum; only the status differs.
    if (!isNull(<usize>load<u32>(starts(f) + r * stride) + 1, <usize>load<u32>(ends(f) + r * stride))) markError(row + r, f, BAD_ENUM);
  }
}
