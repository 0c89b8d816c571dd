// Well-formed lines, a block at a time. scan.ts finds each line's token ends (one row of
// fields + 1 words per line in TOKENS); then every column is parsed over the block's rows by a
// loop made for its kind (columns.ts), with no per-token dispatch and few live values. Text
// columns are interned first, row by row, so dictionary ids come out in the order line.ts's walk
// gives them and a full dictionary cuts the block where it would stop the walk. Fields are parsed
// in format order, so a row's first error is the one line.ts would report. Projected-away fields
// cost nothing here. Envelope messages come one line at a time: fastLine parses those by row.
import { dictCount, intern } from './dictionary';
import {
  BLOCK_ROWS, TOKENS, TOKEN_WORDS, columnErrors, enumColumn, ipColumn, isNull, resetColumnErrors, u32Column, u64Column,
} from './columns';
import {
  COLUMNS, FIELD_KIND, KIND_ENUM, KIND_IP, KIND_U32, KIND_U64, TEXT_FIELDS,
  dictCapacity, errorFieldPtr, fieldCount, inputPtr, linePtr, maxLineBytes, offsetPtr, statusPtr, textFieldCount,
} from './layout';
import { finish, writeField } from './record';
import { SCAN_CONSTANTS, scanLine, scanWith } from './scan';
import { OK } from './status';

/** Where the lines fastLines parsed end: after the last one's LF, or the region's end. */
export let blockNext: usize = 0;
/** How many of them have an error status. */
export let blockErrors: u32 = 0;

/** Intern the text fields of rows [0, rows) while the dictionary has room; returns the rows done. */
function texts(row: usize, rows: usize, stride: usize): usize {
  const count = textFieldCount;
  const needed = <u32>fieldCount;
  let tokens = TOKENS;
  for (let r: usize = 0; r < rows; r++) {
    // The room a record needs (as roomForRecord asks before each line).
    if (dictCapacity - dictCount < needed) return r;
    for (let t: usize = 0; t < count; t++) {
      const f = <usize>load<u8>(TEXT_FIELDS + t);
      const token = tokens + (f << 2);
      const p = <usize>load<u32>(token) + 1;
      const end = <usize>load<u32>(token, 4);
      const columns = COLUMNS + (f << 3);
      const value = <usize>load<u32>(columns) + ((row + r) << 2);
      const validity = <usize>load<u32>(columns, 4) + row + r;
      if (isNull(p, end)) {
        store<u32>(value, 0);
        store<u8>(validity, 0);
      } else {
        store<u32>(value, intern(f, p, end - p));
        store<u8>(validity, 1);
      }
    }
    tokens += stride;
  }
  return rows;
}

/**
 * Parse up to `maxRows` well-formed lines from `start` (region ends at `end`) into rows from `row`.
 * Returns how many (0 when the line at `start` is not well formed); blockNext says where they end.
 * Text input: each row's offset is its line's in the input, its line number `line` plus its index.
 */
export function fastLines(row: usize, start: usize, end: usize, maxRows: usize, line: u32): usize {
  const fields = <usize>fieldCount;
  const stride = (fields + 1) << 2;
  const limit = maxLineBytes;
  let most = TOKEN_WORDS / (fields + 1);
  if (most > BLOCK_ROWS) most = BLOCK_ROWS;
  if (most > maxRows) most = maxRows;
  let scanned: usize = 0;
  let p = start;
  let tokens = TOKENS;
  const spaces = v128.load(SCAN_CONSTANTS);
  const newlines = v128.load(SCAN_CONSTANTS, 16);
  while (scanned < most && p < end) {
    const lineEnd = scanWith(p, end, tokens, fields, limit, spaces, newlines);
    if (lineEnd == 0) break;
    scanned++;
    tokens += stride;
    p = lineEnd < end ? lineEnd + 1 : end;
  }
  if (scanned == 0) return 0;
  const rows = texts(row, scanned, stride);
  // A cut block ends where its first unparsed line starts.
  blockNext = rows == scanned ? p : <usize>load<u32>(TOKENS + rows * stride) + 1;
  if (rows == 0) return 0;
  resetColumnErrors();
  memory.fill(statusPtr + row, OK, rows);
  memory.fill(errorFieldPtr + row, 0, rows);
  for (let f: usize = 0; f < fields; f++) {
    const kind = load<u8>(FIELD_KIND + f);
    if (kind == KIND_U32) u32Column(f, row, rows, stride);
    else if (kind == KIND_U64) u64Column(f, row, rows, stride);
    else if (kind == KIND_IP) ipColumn(f, row, rows, stride);
    else if (kind == KIND_ENUM) enumColumn(f, row, rows, stride);
  }
  blockErrors = columnErrors;
  const base = inputPtr;
  for (let r: usize = 0; r < rows; r++) {
    const at = row + r;
    store<u32>(offsetPtr + (at << 2), <u32>(<usize>load<u32>(TOKENS + r * stride) + 1 - base));
    store<u32>(linePtr + (at << 2), line + <u32>r);
  }
  return rows;
}

/** What fastLine returns for a line it leaves to line.ts (not a status). */
export const NOT_FAST: u32 = 0xff;

/**
 * One well-formed line at `start` (envelope messages come one at a time): scanned as in a block,
 * then parsed field by field by line.ts's own writeField. Returns the row's status, or NOT_FAST
 * without writing anything; blockNext says where the line ends.
 */
export function fastLine(row: usize, start: usize, end: usize, offset: u32, line: u32): u32 {
  const fields = <usize>fieldCount;
  const lineEnd = scanLine(start, end, TOKENS, fields, maxLineBytes);
  if (lineEnd == 0) return NOT_FAST;
  let status = OK;
  let errorField: usize = 0;
  let token = TOKENS;
  for (let f: usize = 0; f < fields; f++) {
    const fieldStatus = writeField(<i32>f, row, <usize>load<u32>(token) + 1, <usize>load<u32>(token, 4));
    if (fieldStatus != OK && status == OK) {
      status = fieldStatus;
      errorField = f;
    }
    token += 4;
  }
  finish(row, status, <i32>errorField, offset, line);
  blockNext = lineEnd < end ? lineEnd + 1 : end;
  return status;
}
