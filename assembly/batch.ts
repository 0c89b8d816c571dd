// The batch being filled: counters shared by the text and envelope drivers.
import { resetDictionary, dictCount } from './dictionary';
import {
  R_BLANK_LINES, R_CURSOR, R_DICT_COUNT, R_ERRORS, R_HEADER_LINES, R_LINES, R_RECORDS, R_STOP,
  maxRecords, setResult,
} from './layout';
import { NOT_FAST, blockErrors, blockNext, fastLine, fastLines } from './block';
import { LINE_BLANK, LINE_RECORD, lineNext, lineStatus, parseLine } from './line';
import { roomForRecord, tooLongRecord } from './record';
import { OK } from './status';

export let records: u32 = 0;
export let errors: u32 = 0;
export let lines: u32 = 0;
export let headerLines: u32 = 0;
export let blankLines: u32 = 0;

/** Start a new, empty batch (records and dictionary), keeping the input position. */
export function resetBatch(): void {
  records = 0;
  errors = 0;
  headerLines = 0;
  blankLines = 0;
  resetDictionary();
}

/** Start over on new input. */
export function resetInput(): void {
  lines = 0;
  resetBatch();
}

@inline
export function hasRoom(): bool {
  return roomForRecord(records, maxRecords);
}

export function countLine(): void {
  lines++;
}

export function countHeader(): void {
  headerLines++;
}

/** Where the line (or lines) just taken end: after the last LF, or the region's end. */
export let nextLine: usize = 0;

/**
 * Parse the line at `start` (region ends at `end`) into the next row and count it: by block.ts's
 * fastLine when it is well formed, else by line.ts's walker. Returns what the line was (line.ts
 * LINE_*); nextLine says where the next one starts.
 */
export function takeLine(start: usize, end: usize, offset: u32, line: u32): u32 {
  const status = fastLine(records, start, end, offset, line);
  if (status != NOT_FAST) {
    nextLine = blockNext;
    records++;
    if (status != OK) errors++;
    return LINE_RECORD;
  }
  return takeGeneral(start, end, offset, line);
}

/** takeLine by line.ts's general walker only (the fast path already declined the line). */
export function takeGeneral(start: usize, end: usize, offset: u32, line: u32): u32 {
  const kind = parseLine(records, start, end, offset, line);
  nextLine = lineNext;
  if (kind == LINE_RECORD) {
    if (lineStatus != OK) errors++;
    records++;
  } else if (kind == LINE_BLANK) {
    blankLines++;
  }
  return kind;
}

/**
 * Text input: parse the well-formed lines from `start` as one block, counting them as lines.
 * Returns how many (0: the line at `start` needs takeGeneral).
 */
export function takeLines(start: usize, end: usize): u32 {
  const rows = <u32>fastLines(records, start, end, maxRecords - records, lines);
  if (rows != 0) {
    nextLine = blockNext;
    records += rows;
    errors += blockErrors;
    lines += rows;
  }
  return rows;
}

/** Add a LINE_TOO_LONG record. The caller checked hasRoom(). */
export function emitTooLong(offset: u32, line: u32): void {
  tooLongRecord(records, offset, line);
  records++;
  errors++;
}

/** Write the counters to RESULT for JS and return the stop code. */
export function publish(stop: u32, cursor: usize): u32 {
  setResult(R_RECORDS, records);
  setResult(R_ERRORS, errors);
  setResult(R_LINES, lines);
  setResult(R_HEADER_LINES, headerLines);
  setResult(R_BLANK_LINES, blankLines);
  setResult(R_DICT_COUNT, dictCount);
  setResult(R_CURSOR, <u32>cursor);
  setResult(R_STOP, stop);
  return stop;
}
