// JSON payloads. CloudWatch Logs subscription envelopes (the JSON a subscription filter gzips onto Kinesis):
//   {"messageType":"DATA_MESSAGE","owner":"...","logGroup":"...","logStream":"...",
//    "subscriptionFilters":[...],"logEvents":[{"id":"...","timestamp":...,"message":"..."}, ...]}
// Each logEvents[].message is tokenized by messages.ts. CONTROL_MESSAGE envelopes yield no records.
// Concatenated envelopes ({...}{...}, as Firehose writes them) are read one after another. Objects
// with a top-level "message" string (Firehose and log-shipper JSON records), one per line or in an
// array, are records too. A full batch stops between (or inside) events and the next call resumes
// there.
//
// The input is one document: top-level objects and arrays of objects, with only whitespace
// between them. An input that does not end properly (an object, array or string left open, a
// top-level value that is not one, or anything else after the last one) is malformed, and a
// malformed input yields no records at all, not even those read before the fault: a cut payload is
// a failed delivery of the whole payload, which is counted and dead-lettered whole, so taking its
// first records would count them twice once it is delivered again. A batch that fills up before
// the end of the input is therefore held until a dry walk of the rest (records not taken) has
// reached a proper end; this costs one extra scan of the input only when it needs several batches.
import { COLON, QUOTE } from './bytes';
import { countLine, publish, resetBatch, resetInput } from './batch';
import {
  R_ENVELOPE, R_GROUP_LEN, R_GROUP_PTR, R_MESSAGE_TYPE, R_OWNER_LEN, R_OWNER_PTR, R_STREAM_LEN, R_STREAM_PTR,
  inputPtr, setResult,
} from './layout';
import {
  COMMA, LBRACE, LBRACKET, RBRACE, RBRACKET, skipValue, skipWhitespace, stringEnd, stringEscaped,
} from './json';
import {
  EVENT_BAD, EVENT_FULL, KEY_MESSAGE, beginMessages, checkOnly, emitEvent, emitMessage, eventEnd, keyIs, metadata,
  setCheckOnly,
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

// Where the walk stands. The first four are outside any object.
const AT_TOP: u32 = 0; // between top-level values: '{', '[' or the end of input
const ARRAY_START: u32 = 1; // just inside a top-level '[': an object or ']'
const AT_ELEMENT: u32 = 2; // inside a top-level array, after ',': an object
const AFTER_ELEMENT: u32 = 3; // inside a top-level array, after an object: ',' or ']'
const AT_KEY: u32 = 4; // inside an object, before a key or '}'
const AFTER_VALUE: u32 = 5; // inside an object, after a value: ',' or '}'
const AT_EVENT: u32 = 6; // inside logEvents, before an element or ']'
const AFTER_EVENT: u32 = 7; // inside logEvents, after an element: ',' or ']'

// How a walk stopped.
const WALK_END: u32 = 0; // the input ended properly
const WALK_BAD: u32 = 1; // malformed
const WALK_FULL: u32 = 2; // the batch is full; `cursor` is where to resume

let inputLength: usize = 0;
let cursor: usize = 0; // absolute address
let state: u32 = AT_TOP;
let inArray: bool = false; // the object being walked is an element of a top-level array
let messageType: u32 = MESSAGE_NONE;
let envelopeStatus: u32 = ENVELOPE_OK;
let envelopes: u32 = 0;
let sawEvents: bool = false;
// logEvents met before messageType: walk them once the envelope closes, then go on from `resumeAfter`.
let deferredEvents: usize = 0;
let resumeAfter: usize = 0;
let eventsDeferred: bool = false;
let eventIndex: u32 = 0;
let restChecked: bool = false; // see restEndsProperly

export function beginEnvelope(length: u32): void {
  inputLength = <usize>length;
  cursor = inputPtr;
  state = AT_TOP;
  inArray = false;
  messageType = MESSAGE_NONE;
  envelopeStatus = ENVELOPE_OK;
  envelopes = 0;
  sawEvents = false;
  deferredEvents = 0;
  eventsDeferred = false;
  eventIndex = 0;
  beginMessages();
  restChecked = false;
  resetInput();
  setResult(R_ENVELOPE, ENVELOPE_OK);
  setResult(R_MESSAGE_TYPE, MESSAGE_NONE);
  setResult(R_OWNER_LEN, 0);
  setResult(R_GROUP_LEN, 0);
  setResult(R_STREAM_LEN, 0);
}

/** The input is malformed: drop the batch being filled and report nothing read from it. */
function malformed(): u32 {
  envelopeStatus = ENVELOPE_MALFORMED;
  resetBatch();
  messageType = MESSAGE_NONE;
  setResult(R_OWNER_LEN, 0);
  setResult(R_GROUP_LEN, 0);
  setResult(R_STREAM_LEN, 0);
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
  const outcome = walk(cursor);
  if (outcome == WALK_END) return finish();
  if (outcome == WALK_BAD) return malformed();
  // The first batch to leave before the end: nothing leaves unless the rest ends properly.
  if (!restChecked) {
    restChecked = true;
    if (!restEndsProperly()) return malformed();
  }
  setResult(R_MESSAGE_TYPE, messageType);
  return publish(STOP_FULL, cursor - inputPtr);
}

/** Walk the rest of the input from the cursor without taking records, then put the walk back where it was. */
function restEndsProperly(): bool {
  const savedState = state;
  const savedInArray = inArray;
  const savedMessageType = messageType;
  const savedEnvelopes = envelopes;
  const savedSawEvents = sawEvents;
  const savedDeferredEvents = deferredEvents;
  const savedResumeAfter = resumeAfter;
  const savedEventsDeferred = eventsDeferred;
  const savedEventIndex = eventIndex;
  setCheckOnly(true);
  const outcome = walk(cursor);
  setCheckOnly(false);
  state = savedState;
  inArray = savedInArray;
  messageType = savedMessageType;
  envelopes = savedEnvelopes;
  sawEvents = savedSawEvents;
  deferredEvents = savedDeferredEvents;
  resumeAfter = savedResumeAfter;
  eventsDeferred = savedEventsDeferred;
  eventIndex = savedEventIndex;
  return outcome == WALK_END;
}

/** What follows an object just closed. */
@inline
function afterObject(): u32 {
  return inArray ? AFTER_ELEMENT : AT_TOP;
}

/** An event (or message record) was emitted. */
@inline
function countEvent(): void {
  eventIndex++;
  if (!checkOnly) countLine();
}

function walk(from: usize): u32 {
  const end = inputPtr + inputLength;
  let p = from;
  while (true) {
    p = skipWhitespace(p, end);
    if (state <= AFTER_ELEMENT) {
      // Outside objects: the top level holds objects and arrays of objects, nothing else.
      if (p >= end) return state == AT_TOP ? WALK_END : WALK_BAD;
      const first = load<u8>(p);
      if (state == AFTER_ELEMENT || (state == ARRAY_START && first == RBRACKET)) {
        if (first == RBRACKET) state = AT_TOP;
        else if (first == COMMA) state = AT_ELEMENT;
        else return WALK_BAD;
        p++;
        continue;
      }
      if (state == AT_TOP && first == LBRACKET) {
        state = ARRAY_START;
        p++;
        continue;
      }
      if (first != LBRACE) return WALK_BAD;
      inArray = state != AT_TOP;
      envelopes++;
      messageType = MESSAGE_NONE;
      sawEvents = false;
      eventsDeferred = false;
      p++;
      state = AT_KEY;
      continue;
    }
    if (p >= end) return WALK_BAD;
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
          state = afterObject();
        }
        continue;
      }
      if (state == AFTER_VALUE) {
        if (byte != COMMA) return WALK_BAD;
        p++;
        state = AT_KEY;
        continue;
      }
      if (byte != QUOTE) return WALK_BAD;
      const keyClose = stringEnd(p, end);
      if (keyClose == 0) return WALK_BAD;
      const keyStart = p + 1;
      const keyLen = keyClose - keyStart;
      p = skipWhitespace(keyClose + 1, end);
      if (p >= end || load<u8>(p) != COLON) return WALK_BAD;
      p = skipWhitespace(p + 1, end);
      if (p >= end) return WALK_BAD;
      state = AFTER_VALUE;
      if (keyIs(keyStart, keyLen, KEY_LOG_EVENTS, 9)) {
        if (load<u8>(p) != LBRACKET) return WALK_BAD;
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
        if (load<u8>(p) != QUOTE) return WALK_BAD;
        const close = stringEnd(p, end);
        if (close == 0) return WALK_BAD;
        const outcome = emitMessage(p + 1, close, stringEscaped, eventIndex);
        if (outcome == EVENT_BAD) return WALK_BAD;
        if (outcome == EVENT_FULL) {
          state = AT_KEY;
          cursor = keyStart - 1;
          return WALK_FULL;
        }
        sawEvents = true;
        countEvent();
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
      if (p == 0) return WALK_BAD;
      continue;
    }
    // Inside logEvents.
    if (byte == RBRACKET) {
      p++;
      if (resumeAfter != 0) {
        p = resumeAfter;
        resumeAfter = 0;
        state = afterObject();
      } else {
        state = AFTER_VALUE;
      }
      continue;
    }
    if (state == AFTER_EVENT) {
      if (byte != COMMA) return WALK_BAD;
      p++;
      state = AT_EVENT;
      continue;
    }
    if (byte != LBRACE) return WALK_BAD;
    const outcome = emitEvent(p, end, eventIndex);
    if (outcome == EVENT_BAD) return WALK_BAD;
    if (outcome == EVENT_FULL) {
      cursor = p;
      return WALK_FULL;
    }
    countEvent();
    p = eventEnd;
    state = AFTER_EVENT;
  }
  return WALK_END;
}
