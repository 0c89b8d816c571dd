// The records of JSON payloads: a log event's (or a message record's) "message" string is
// tokenized line by line where it lies when it has no escapes, or after unescaping into scratch.
// Metadata strings (owner, logGroup, logStream) with escapes are unescaped into scratch too; they
// stay there for the whole input, below the messages of the batch being filled.
import { COLON, LF, QUOTE, bytesEqual, findByte } from './bytes';
import { countHeader, hasRoom, nextLine, takeLine } from './batch';
import { LINE_HEADER } from './line';
import { inputPtr, scratchPtr, setResult } from './layout';
import { COMMA, RBRACE, skipValue, skipWhitespace, stringEnd, stringEscaped, unescapeString } from './json';

export const KEY_MESSAGE = memory.data<u8>([109, 101, 115, 115, 97, 103, 101]);

// Result of emitEvent and emitMessage.
export const EVENT_DONE: u32 = 0;
export const EVENT_FULL: u32 = 1;
export const EVENT_BAD: u32 = 2;

/** Where the event emitEvent last read ends (after its '}'). */
export let eventEnd: usize = 0;

/** A dry walk (cwl.ts) only checks what could fail, taking no records, results or scratch. */
export let checkOnly: bool = false;

// Lines of the event at the cursor already emitted by a previous (full) batch.
let skipLines: u32 = 0;
let scratchFloor: usize = 0;
let scratchTop: usize = 0;

/** New input: scratch is all free and no event is half emitted. */
export function beginMessages(): void {
  skipLines = 0;
  scratchFloor = scratchPtr;
  scratchTop = scratchPtr;
}

export function setCheckOnly(on: bool): void {
  checkOnly = on;
}

/** A new batch over the same envelope: scratch used by the previous batch's messages is free again. */
export function resetEnvelopeScratch(): void {
  scratchTop = scratchFloor;
}

@inline
export function keyIs(p: usize, len: usize, key: usize, keyLen: usize): bool {
  return len == keyLen && bytesEqual(p, key, len);
}

function skipLine(p: usize, end: usize): usize {
  const newline = findByte(p, end, LF);
  return newline < end ? newline + 1 : end;
}

/** A metadata string value at p: record where its text is, unescaping into scratch if needed. */
export function metadata(p: usize, end: usize, ptrSlot: usize, lenSlot: usize): usize {
  if (load<u8>(p) != QUOTE) return skipValue(p, end);
  const close = stringEnd(p, end);
  if (close == 0) return 0;
  let start = p + 1;
  let stop = close;
  // Checking, only a bad escape can fail (unescaped at scratchTop, not kept: see emitMessage).
  if (checkOnly) return stringEscaped && unescapeString(start, stop, scratchTop) == 0 ? 0 : close + 1;
  if (stringEscaped) {
    const out = unescapeString(start, stop, scratchTop);
    if (out == 0) return 0;
    start = scratchTop;
    stop = out;
    scratchTop = out;
    scratchFloor = out;
  }
  setResult(ptrSlot, <u32>start);
  setResult(lenSlot, <u32>(stop - start));
  return close + 1;
}

/** Tokenize the event object at p, the index-th of the input. Sets eventEnd to the position after it. */
export function emitEvent(p: usize, end: usize, index: u32): u32 {
  let messageStart: usize = 0;
  let messageStop: usize = 0;
  let escaped = false;
  p = skipWhitespace(p + 1, end);
  while (true) {
    if (p >= end || load<u8>(p) != QUOTE) return EVENT_BAD;
    const keyClose = stringEnd(p, end);
    if (keyClose == 0) return EVENT_BAD;
    const isMessage = keyIs(p + 1, keyClose - p - 1, KEY_MESSAGE, 7);
    p = skipWhitespace(keyClose + 1, end);
    if (p >= end || load<u8>(p) != COLON) return EVENT_BAD;
    p = skipWhitespace(p + 1, end);
    if (isMessage) {
      if (p >= end || load<u8>(p) != QUOTE) return EVENT_BAD;
      const close = stringEnd(p, end);
      if (close == 0) return EVENT_BAD;
      messageStart = p + 1;
      messageStop = close;
      escaped = stringEscaped;
      p = close + 1;
    } else {
      p = skipValue(p, end);
      if (p == 0) return EVENT_BAD;
    }
    p = skipWhitespace(p, end);
    if (p >= end) return EVENT_BAD;
    const next = load<u8>(p);
    if (next == COMMA) {
      p = skipWhitespace(p + 1, end);
      continue;
    }
    if (next != RBRACE) return EVENT_BAD;
    eventEnd = p + 1;
    break;
  }
  if (messageStop == 0) return EVENT_BAD; // every CloudWatch Logs event has a message
  return emitMessage(messageStart, messageStop, escaped, index);
}

/** Tokenize the lines of the JSON string body [start, stop) (escaped: it holds backslashes). */
export function emitMessage(start: usize, stop: usize, escaped: bool, index: u32): u32 {
  // Checking, only a bad escape can fail. Unescaping at scratchTop without keeping the text stays
  // in bounds: scratch in use never outgrows the part of the input read before the message.
  if (checkOnly) return escaped && unescapeString(start, stop, scratchTop) == 0 ? EVENT_BAD : EVENT_DONE;
  let lineStart = start;
  let textEnd = stop;
  if (escaped) {
    const out = unescapeString(start, stop, scratchTop);
    if (out == 0) return EVENT_BAD;
    lineStart = scratchTop;
    textEnd = out;
    // The closing quote stays a sentinel after the text, as for messages read in place.
    store<u8>(out, QUOTE);
    scratchTop = out + 1;
  }
  // Lines are LF-terminated, the last one may not be; an empty message has none.
  const offset = <u32>(start - inputPtr);
  let lineIndex: u32 = 0;
  while (lineStart < textEnd) {
    if (lineIndex >= skipLines) {
      if (!hasRoom()) {
        skipLines = lineIndex;
        return EVENT_FULL;
      }
      // A header line inside an event is not a record; the format cannot change mid-envelope.
      if (takeLine(lineStart, textEnd, offset, index) == LINE_HEADER) countHeader();
    } else {
      lineStart = skipLine(lineStart, textEnd);
      lineIndex++;
      continue;
    }
    lineStart = nextLine;
    lineIndex++;
  }
  skipLines = 0;
  return EVENT_DONE;
}
