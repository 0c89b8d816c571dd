// JSON payloads. CloudWatch Logs subscription envelopes (the JSON a subscription filter gzips onto Kinesis):
//   {"messageType":"DATA_MESSAGE","owner":"...","logGroup":"...","logStream":"...",
//    "subscriptionFilters":[...],"logEvents":[{"id":"...","timestamp":...,"message":"..."}, ...]}
// Each logEvents[].message is tokenized where it lies when it has no escapes, or after unescaping
// into scratch. CONTROL_MESSAGE envelopes yield no records. Concatenated envelopes ({...}{...}, as
// Firehose writes them) are read one after another. Objects with a top-level "message" string
// (Firehose and log-shipper JSON records), one per line or in an array, are records too. A full batch stops between (or inside) events
// and the next call resumes there.
import { LF, QUOTE, bytesEqual, findByte } from './bytes';
import { countHeader, countLine, hasRoom, nextLine, publish, resetInput, takeLine } from './batch';
import { LINE_HEADER } from './line';
import {
  R_ENVELOPE, R_GROUP_LEN, R_GROUP_PTR, R_MESSAGE_TYPE, R_OWNER_LEN, R_OWNER_PTR, R_STREAM_LEN, R_STREAM_PTR,
  inputPtr, scratchPtr, setResult,
} from './layout';
import { skipValue, skipWhitespace, stringEnd, stringEscaped, unescapeString } from './json';
import {
  ENVELOPE_MALFORMED, ENVELOPE_NO_EVENTS, ENVELOPE_OK, MESSAGE_CONTROL, MESSAGE_DATA, MESSAGE_NONE, MESSAGE_OTHER,
  STOP_END, STOP_FULL,
} from './status';

const KEY_MESSAGE_TYPE = memory.data<u8>([109, 101, 115, 115, 97, 103, 101, 84, 121, 112, 101]);
const KEY_OWNER = memory.data<u8>([111, 119, 110, 101, 114]);
const KEY_LOG_GROUP = memory.data<u8>([108, 111, 103, 71, 114, 111, 117, 112]);
const KEY_LOG_STREAM = memory.data<u8>([108, 111, 103, 83, 116, 114, 101, 97, 109]);
const KEY_LOG_EVENTS = memory.data<u8>([108, 111, 103, 69, 118, 101, 110, 116, 115]);
const KEY_MESSAGE = memory.data<u8>([109, 101, 115, 115, 97, 103, 101]);
const DATA_MESSAGE = memory.data<u8>([68, 65, 84, 65, 95, 77, 69, 83, 83, 65, 71, 69]);
const CONTROL_MESSAGE = memory.data<u8>([67, 79, 78, 84, 82, 79, 76, 95, 77, 69, 83, 83, 65, 71, 69]);

const LBRACE: u8 = 0x7b;
const RBRACE: u8 = 0x7d;
const LBRACKET: u8 = 0x5b;
const RBRACKET: u8 = 0x5d;
const COMMA: u8 = 0x2c;
const COLON: u8 = 0x3a;

// Where the walk stands.
const AT_ENVELOPE: u32 = 0; // before an envelope's '{' (or the end of input)
const AT_KEY: u32 = 1; // inside the envelope, before a key or '}'
const AFTER_VALUE: u32 = 2; // inside the envelope, after a value: ',' or '}'
const AT_EVENT: u32 = 3; // inside logEvents, before an element or ']'
const AFTER_EVENT: u32 = 4; // inside logEvents, after an element: ',' or ']'

let inputLength: usize = 0;
let cursor: usize = 0; // absolute address
let state: u32 = AT_ENVELOPE;
let messageType: u32 = MESSAGE_NONE;
let envelopeStatus: u32 = ENVELOPE_OK;
let envelopes: u32 = 0;
let sawEvents: bool = false;
// logEvents met before messageType: walk them once the envelope closes, then go on from `resumeAfter`.
let deferredEvents: usize = 0;
let resumeAfter: usize = 0;
let eventsDeferred: bool = false;
let eventIndex: u32 = 0;
// Lines of the event at the cursor already emitted by a previous (full) batch.
let skipLines: u32 = 0;
let scratchFloor: usize = 0;
let scratchTop: usize = 0;

export function beginEnvelope(length: u32): void {
  inputLength = <usize>length;
  cursor = inputPtr;
  state = AT_ENVELOPE;
  messageType = MESSAGE_NONE;
  envelopeStatus = ENVELOPE_OK;
  envelopes = 0;
  sawEvents = false;
  deferredEvents = 0;
  eventsDeferred = false;
  eventIndex = 0;
  skipLines = 0;
  scratchFloor = scratchPtr;
  scratchTop = scratchPtr;
  resetInput();
  setResult(R_ENVELOPE, ENVELOPE_OK);
  setResult(R_MESSAGE_TYPE, MESSAGE_NONE);
  setResult(R_OWNER_LEN, 0);
  setResult(R_GROUP_LEN, 0);
  setResult(R_STREAM_LEN, 0);
}

/** A new batch over the same envelope: scratch used by the previous batch's messages is free again. */
export function resetEnvelopeScratch(): void {
  scratchTop = scratchFloor;
}

@inline
function keyIs(p: usize, len: usize, key: usize, keyLen: usize): bool {
  return len == keyLen && bytesEqual(p, key, len);
}

function skipLine(p: usize, end: usize): usize {
  const newline = findByte(p, end, LF);
  return newline < end ? newline + 1 : end;
}

function malformed(): u32 {
  envelopeStatus = ENVELOPE_MALFORMED;
  return finish();
}

function finish(): u32 {
  if (envelopeStatus == ENVELOPE_OK && envelopes > 0 && !sawEvents && messageType != MESSAGE_CONTROL) {
    envelopeStatus = ENVELOPE_NO_EVENTS;
  }
  if (envelopes == 0 && envelopeStatus == ENVELOPE_OK) envelopeStatus = ENVELOPE_MALFORMED;
  setResult(R_ENVELOPE, envelopeStatus);
  setResult(R_MESSAGE_TYPE, messageType);
  cursor = inputPtr + inputLength;
  return publish(STOP_END, inputLength);
}

/** A metadata string value at p: record where its text is, unescaping into scratch if needed. */
function metadata(p: usize, end: usize, ptrSlot: usize, lenSlot: usize): usize {
  if (load<u8>(p) != QUOTE) return skipValue(p, end);
  const close = stringEnd(p, end);
  if (close == 0) return 0;
  let start = p + 1;
  let stop = close;
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

function readMessageType(p: usize, end: usize): usize {
  if (load<u8>(p) != QUOTE) return 0;
  const close = stringEnd(p, end);
  if (close == 0) return 0;
  const len = close - p - 1;
  if (keyIs(p + 1, len, DATA_MESSAGE, 12)) messageType = MESSAGE_DATA;
  else if (keyIs(p + 1, len, CONTROL_MESSAGE, 15)) messageType = MESSAGE_CONTROL;
  else messageType = MESSAGE_OTHER;
  return close + 1;
}

// Result of emitEvent.
const EVENT_DONE: u32 = 0;
const EVENT_FULL: u32 = 1;
const EVENT_BAD: u32 = 2;
let eventEnd: usize = 0;

/** Tokenize the event object at p. Sets eventEnd to the position after it. */
function emitEvent(p: usize, end: usize): u32 {
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
  return emitMessage(messageStart, messageStop, escaped);
}

/** Tokenize the lines of the JSON string body [start, stop) (escaped: it holds backslashes). */
function emitMessage(start: usize, stop: usize, escaped: bool): u32 {
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
      if (takeLine(lineStart, textEnd, offset, eventIndex) == LINE_HEADER) countHeader();
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

export function runCwl(): u32 {
  const end = inputPtr + inputLength;
  let p = cursor;
  while (true) {
    p = skipWhitespace(p, end);
    if (state == AT_ENVELOPE) {
      if (p >= end) return finish();
      const first = load<u8>(p);
      if (first == LBRACKET || first == COMMA || first == RBRACKET) {
        // An array of records reads like a sequence of them.
        p++;
        continue;
      }
      if (first != LBRACE) return malformed();
      envelopes++;
      messageType = MESSAGE_NONE;
      sawEvents = false;
      eventsDeferred = false;
      p++;
      state = AT_KEY;
      continue;
    }
    if (p >= end) return malformed();
    const byte = load<u8>(p);
    if (state == AT_KEY || state == AFTER_VALUE) {
      if (byte == RBRACE) {
        p++;
        if (eventsDeferred && messageType != MESSAGE_CONTROL) {
          eventsDeferred = false;
          resumeAfter = p;
          p = deferredEvents;
          state = AT_EVENT;
        } else {
          state = AT_ENVELOPE;
        }
        continue;
      }
      if (state == AFTER_VALUE) {
        if (byte != COMMA) return malformed();
        p++;
        state = AT_KEY;
        continue;
      }
      if (byte != QUOTE) return malformed();
      const keyClose = stringEnd(p, end);
      if (keyClose == 0) return malformed();
      const keyStart = p + 1;
      const keyLen = keyClose - keyStart;
      p = skipWhitespace(keyClose + 1, end);
      if (p >= end || load<u8>(p) != COLON) return malformed();
      p = skipWhitespace(p + 1, end);
      if (p >= end) return malformed();
      state = AFTER_VALUE;
      if (keyIs(keyStart, keyLen, KEY_LOG_EVENTS, 9)) {
        if (load<u8>(p) != LBRACKET) return malformed();
        sawEvents = true;
        if (messageType == MESSAGE_CONTROL) {
          p = skipValue(p, end);
        } else if (messageType == MESSAGE_NONE) {
          deferredEvents = p + 1;
          eventsDeferred = true;
          p = skipValue(p, end);
        } else {
          resumeAfter = 0;
          p++;
          state = AT_EVENT;
        }
      } else if (keyIs(keyStart, keyLen, KEY_MESSAGE, 7)) {
        // A JSON record ({"message": "..."}, as Firehose and log shippers write them).
        if (load<u8>(p) != QUOTE) return malformed();
        const close = stringEnd(p, end);
        if (close == 0) return malformed();
        const outcome = emitMessage(p + 1, close, stringEscaped);
        if (outcome == EVENT_BAD) return malformed();
        if (outcome == EVENT_FULL) {
          state = AT_KEY;
          cursor = keyStart - 1;
          setResult(R_MESSAGE_TYPE, messageType);
          return publish(STOP_FULL, cursor - inputPtr);
        }
        sawEvents = true;
        eventIndex++;
        countLine();
        p = close + 1;
      } else if (keyIs(keyStart, keyLen, KEY_MESSAGE_TYPE, 11)) {
        p = readMessageType(p, end);
      } else if (keyIs(keyStart, keyLen, KEY_OWNER, 5)) {
        p = metadata(p, end, R_OWNER_PTR, R_OWNER_LEN);
      } else if (keyIs(keyStart, keyLen, KEY_LOG_GROUP, 8)) {
        p = metadata(p, end, R_GROUP_PTR, R_GROUP_LEN);
      } else if (keyIs(keyStart, keyLen, KEY_LOG_STREAM, 9)) {
        p = metadata(p, end, R_STREAM_PTR, R_STREAM_LEN);
      } else {
        p = skipValue(p, end);
      }
      if (p == 0) return malformed();
      continue;
    }
    // Inside logEvents.
    if (byte == RBRACKET) {
      p++;
      if (resumeAfter != 0) {
        p = resumeAfter;
        resumeAfter = 0;
        state = AT_ENVELOPE;
      } else {
        state = AFTER_VALUE;
      }
      continue;
    }
    if (state == AFTER_EVENT) {
      if (byte != COMMA) return malformed();
      p++;
      state = AT_EVENT;
      continue;
    }
    if (byte != LBRACE) return malformed();
    const outcome = emitEvent(p, end);
    if (outcome == EVENT_BAD) return malformed();
    if (outcome == EVENT_FULL) {
      cursor = p;
      setResult(R_MESSAGE_TYPE, messageType);
      return publish(STOP_FULL, p - inputPtr);
    }
    eventIndex++;
    countLine();
    p = eventEnd;
    state = AFTER_EVENT;
  }
  return STOP_END;
}
