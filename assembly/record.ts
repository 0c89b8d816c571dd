// Writing one token into its column, and a row's status, for line.ts's general walker (block.ts
// parses well-formed lines a column at a time with the same per-kind rules).
import { DASH, findByte } from './bytes';
import { dictionaryRoom, intern } from './dictionary';
import { matchEnum } from './enums';
import { parseIPv4 } from './ipv4';
import { parseIPv6 } from './ipv6';
import {
  COLUMNS, FIELD_ENUM, FIELD_KIND, FIELD_MAX, KIND_ENUM, KIND_IP, KIND_SKIP, KIND_TEXT, KIND_U32, KIND_U64,
  errorFieldPtr, fieldCount, linePtr, offsetPtr, statusPtr,
} from './layout';
import { parseUnsigned } from './numbers';
import { BAD_ADDRESS, BAD_ENUM, LINE_TOO_LONG, OK } from './status';

const COLON_BYTE: u8 = 0x3a;

/** Parse one token into row `row` of field `f`. Returns a status. */
@inline
export function writeField(f: i32, row: usize, p: usize, end: usize): u8 {
  const kind = load<u8>(FIELD_KIND + <usize>f);
  if (kind == KIND_SKIP) return OK; // projected away
  const columns = COLUMNS + (<usize>f << 3);
  const values = <usize>load<u32>(columns);
  const validity = <usize>load<u32>(columns, 4) + row;
  const len = end - p;
  if (len == 1 && load<u8>(p) == DASH) {
    // Null. Text and enum columns also say so in the value (0), so readers may skip validity.
    store<u8>(validity, 0);
    if (kind == KIND_TEXT) store<u32>(values + (row << 2), 0);
    else if (kind == KIND_ENUM) store<u8>(values + row, 0);
    return OK;
  }
  switch (kind) {
    case KIND_U32: {
      const status = parseUnsigned(p, end, load<u64>(FIELD_MAX + (<usize>f << 3)), values + (row << 2), false);
      store<u8>(validity, status == OK ? 1 : 0);
      return status;
    }
    case KIND_U64: {
      const status = parseUnsigned(p, end, load<u64>(FIELD_MAX + (<usize>f << 3)), values + (row << 3), true);
      store<u8>(validity, status == OK ? 1 : 0);
      return status;
    }
    case KIND_IP: {
      const family = writeAddress(p, end, values + (row << 4));
      store<u8>(validity, family);
      return family != 0 ? OK : BAD_ADDRESS;
    }
    case KIND_ENUM: {
      const index = matchEnum(<u32>load<u8>(FIELD_ENUM + <usize>f), p, len);
      store<u8>(values + row, index);
      store<u8>(validity, index != 0 ? 1 : 0);
      return index != 0 ? OK : BAD_ENUM;
    }
    case KIND_TEXT: {
      store<u32>(values + (row << 2), intern(<usize>f, p, len));
      store<u8>(validity, 1);
      return OK;
    }
  }
  return OK;
}

/** Write the address [p, end) to `out` (16 bytes); returns its family (4 or 6), or 0. */
@inline
export function writeAddress(p: usize, end: usize, out: usize): u8 {
  const v4 = parseIPv4(p, end);
  if (v4 >= 0) {
    store<u64>(out, 0);
    store<u32>(out, 0xffff, 8);
    store<u32>(out, <u32>v4, 12);
    return 4;
  }
  return writeIPv6(p, end, out);
}

/** IPv6 (has a ':'), or not an address: family 6 or 0. */
function writeIPv6(p: usize, end: usize, out: usize): u8 {
  return findByte(p, end, COLON_BYTE) < end && parseIPv6(p, end, out) ? 6 : 0;
}

@inline
export function finish(row: usize, status: u8, field: i32, offset: u32, line: u32): void {
  store<u8>(statusPtr + row, status);
  store<u8>(errorFieldPtr + row, <u8>field);
  store<u32>(offsetPtr + (row << 2), offset);
  store<u32>(linePtr + (row << 2), line);
}

/** A line longer than the limit: one error record, no values. */
export function tooLongRecord(row: usize, offset: u32, line: u32): void {
  for (let f = 0; f < fieldCount; f++) {
    store<u8>(<usize>load<u32>(COLUMNS + (<usize>f << 3), 4) + row, 0);
  }
  finish(row, LINE_TOO_LONG, 0, offset, line);
}

/** Whether a new record fits: a free row, and dictionary room for every field. */
@inline
export function roomForRecord(records: u32, capacity: u32): bool {
  return records < capacity && dictionaryRoom() >= <u32>fieldCount;
}
