// JSON payloads. CloudWatch Logs subscription envelopes (the JSON a subscription filter gzips onto Kinesis):
//   {"messageType":"DATA_MESSAGE","owner":"...","logGroup":"...","logStream":"...",
//    "subscriptionFilters":[...],"logEvents":[{"id":"...","timestamp":...,"message":"..."}, ...]}
// Each logEvents[].message is tokenized by messages.ts. CONTROL_MESSAGE envelopes yield no records.
// Concatenated envelopes ({...}{...}, as Firehose writes them) are read one after another. Objects
// with a top-level "message" string (Firehose and log-shipper JSON records), one per line or in an
// array, are records too. A full batch stops between (or inside) events and the next call resumes
// there.
import { COLON, QUOTE } from './bytes';
import { countLine, publish, resetInput } from './batch';
import {
  R_ENVELOPE, R_GROUP_LEN, R_GROUP_PTR, R_MESSAGE_TYPE, R_OWNER_LEN, R_OWNER_PTR, R_STREAM_LEN, R_STREAM_PTR,
  inputPtr, setResult,
} from './layout';
import {
  COMMA, LBRACE, LBRACKET, RBRACE, RBRACKET, skipValue, skipWhitespace, stringEnd, stringEscaped,
} from './json';
import {
  EVENT_BAD, EVENT_FULL, KEY_MESSAGE, beginMessages, emitEvent, emitMessage, eventEnd, keyIs, metadata,
} from './messages';
import {
  ENVELOPE_MALFORMED, ENVELOPE_NO_EVENTS, ENVELOPE_OK, MESSAGE_CONTROL, MESSAGE_DATA, MESSAGE_NONE, MESSAGE_OTHER,
  STOP_END, STOP_FULL,
} from './status';

const KEY_MESSAGE_TYPE = memory.data<u8>([109, 101, 115, 115, 97, 103, 101, 84, 121, 112, 101]);
const KEY_OWNER = memory.data<u8>([111, 119, 110, 101, 114]);
const KEY_LOG_GROUP = memory.data<u8>([108, 111, 103, 71, 114, 111, 117, 112]);
const KEY_LOG_STREAM = memory.data<u8>([108, 111, 103, 83, 116, 114, 101, 97, 109]);
const KEY_LOG_EVENTS = memory.data<u8>([108, 111, 103, 69, 118, 101, 110, 116, 115]);
const DATA_MESSAGE = memory.data<u8>([68, 65, 84, 65, 95, 77, 69, 83, 83, 65, 71, 69]);
const CONTROL_MESSAGE = memory.data<u8>([67, 79, 78, 84, 82, 79, 76, 95, 77, 69, 83, 83, 65, 71, 69]);

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
  beginMessages();
  resetInput();
  setResult(R_ENVELOPE, ENVELOPE_OK);
  setResult(R_MESSAGE_TYPE, MESSAGE_NONE);
  setResult(R_OWNER_LEN, 0);
  setResult(R_GROUP_LEN, 0);
  setResult(R_STREAM_LEN, 0);
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
        const outcome = emitMessage(p + 1, close, stringEscaped, eventIndex);
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
    const outcome = emitEvent(p, end, eventIndex);
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
