// One line: walk its space-separated tokens and write each into its column. Well-formed lines take
// block.ts; this general walker handles every line, and is what the fast path must agree with.
// Runs of spaces count as one separator (the AWS docs publish an example with a double space);
// one CR before the LF is dropped. Error precedence, shared with the reference parser: line too
// long, then the field count, then the first field (in format order) whose value does not parse.
//
// Delimiters (space, LF) are found 16 bytes at a time and handed out from a bit mask, so a token
// costs a count-trailing-zeros rather than a search. The walker's state stays in locals: this is
// the hottest loop of the product. Loads are aligned down to 16 bytes and may read up to 15
// bytes past the region (inside PAD); hits past it are clamped to the region's end.
import { CR, LF, SPACE, findByte } from './bytes';
import { isHeader } from './header';
import { fieldCount, maxLineBytes } from './layout';
import { finish, tooLongRecord, writeField } from './record';
import { OK, TOO_FEW_FIELDS, TOO_MANY_FIELDS } from './status';

// What parseLine found.
export const LINE_RECORD: u32 = 0;
export const LINE_BLANK: u32 = 1;
export const LINE_HEADER: u32 = 2;

/** Where the line parseLine looked at ends: after its LF, or the region's end. */
export let lineNext: usize = 0;
/** Status of the record parseLine wrote (LINE_RECORD only). */
export let lineStatus: u8 = OK;
// Off for one line when JS found a header-looking line that is not a valid format: it is then
// parsed (and counted) as a record.
let headerCheck: bool = true;

export function parseNextHeaderAsRecord(): void {
  headerCheck = false;
}

function tooLong(row: usize, lineEnd: usize, end: usize, offset: u32, line: u32): u32 {
  lineNext = lineEnd < end ? lineEnd + 1 : end;
  tooLongRecord(row, offset, line);
  lineStatus = 1;
  return LINE_RECORD;
}

/**
 * Parse the line starting at `start` in the region [start, end) into row `row`. The line ends at
 * the first LF or at `end`. A header line is reported, not consumed (lineNext is after it).
 */
export function parseLine(row: usize, start: usize, end: usize, offset: u32, line: u32): u32 {
  const checkHeader = headerCheck;
  headerCheck = true;
  const fields = fieldCount;
  const limit = maxLineBytes;
  const spaces = i8x16.splat(<i8>SPACE);
  const newlines = i8x16.splat(<i8>LF);
  let block = start & ~(<usize>15);
  let chunk = v128.load(block);
  let lfMask = <u32>i8x16.bitmask(i8x16.eq(chunk, newlines));
  let mask = (<u32>i8x16.bitmask(i8x16.eq(chunk, spaces)) | lfMask) & ~((<u32>1 << <u32>(start - block)) - 1);
  let p = start;
  let f: i32 = 0;
  let status = OK;
  let errorField: i32 = 0;
  while (true) {
    let delimiter: usize = end;
    let atLineEnd = true;
    while (true) {
      if (mask != 0) {
        const bit = ctz(mask);
        delimiter = block + <usize>bit;
        mask &= mask - 1;
        atLineEnd = delimiter >= end || ((lfMask >>> bit) & 1) != 0;
        if (delimiter > end) delimiter = end;
        break;
      }
      block += 16;
      if (block >= end) {
        delimiter = end;
        atLineEnd = true;
        break;
      }
      chunk = v128.load(block);
      lfMask = <u32>i8x16.bitmask(i8x16.eq(chunk, newlines));
      mask = <u32>i8x16.bitmask(i8x16.eq(chunk, spaces)) | lfMask;
    }
    if (delimiter - start > limit) {
      return tooLong(row, atLineEnd ? delimiter : findByte(delimiter, end, LF), end, offset, line);
    }
    let tokenEnd = delimiter;
    if (atLineEnd && tokenEnd > p && load<u8>(tokenEnd - 1) == CR) tokenEnd--;
    if (tokenEnd > p) {
      if (f == 0 && checkHeader && isHeader(p, tokenEnd)) {
        const lineEnd = atLineEnd ? delimiter : findByte(delimiter, end, LF);
        if (lineEnd - start > limit) return tooLong(row, lineEnd, end, offset, line);
        lineNext = lineEnd < end ? lineEnd + 1 : end;
        return LINE_HEADER;
      }
      if (f < fields) {
        const fieldStatus = writeField(f, row, p, tokenEnd);
        if (fieldStatus != OK && status == OK) {
          status = fieldStatus;
          errorField = f;
        }
      }
      f++;
    }
    if (atLineEnd) {
      lineNext = delimiter < end ? delimiter + 1 : end;
      break;
    }
    p = delimiter + 1;
  }
  if (f == 0) return LINE_BLANK;
  if (f < fields) {
    status = TOO_FEW_FIELDS;
    errorField = f;
  } else if (f > fields) {
    status = TOO_MANY_FIELDS;
    errorField = fields;
  }
  finish(row, status, errorField, offset, line);
  lineStatus = status;
  return LINE_RECORD;
}
