/**
 * Reference parser for CloudWatch Logs subscription envelopes (already gunzipped): the oracle for
 * the tokenizer's envelope path.
 *
 * It builds JS objects with `JSON.parse`, which the hot path must not do; here clarity wins.
 * Firehose concatenates envelopes (`{...}{...}`), so the input may hold several top-level objects.
 * Each event's `message` is flow-log text and goes through the same line rules as a text file,
 * except that header lines are skipped without changing the format.
 */
import type { Format } from '../format/format.js';
import { createLineState, parseLine, splitLines, type ReferenceOptions, type ReferenceResult } from './parse-text.js';

export type EnvelopeStatus = 'ok' | 'malformed' | 'no_events';

export interface ReferenceEnvelope extends ReferenceResult {
  status: EnvelopeStatus;
  /** Of the last envelope: its `messageType` ('other' for any other value, null when absent). */
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE' | 'other' | null;
  owner: string | null;
  logGroup: string | null;
  logStream: string | null;
}

type JsonObject = Record<string, unknown>;

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * Parse one or more concatenated CloudWatch Logs envelopes. Each log event's records carry the
 * event's index across the whole input as `line`, and offset -1.
 * A malformed input yields no records at all: nothing in it can be trusted.
 */
export function parseCloudWatchReference(json: Uint8Array, format: Format, options: ReferenceOptions = {}): ReferenceEnvelope {
  const malformed: ReferenceEnvelope = {
    records: [],
    headerLines: 0,
    blankLines: 0,
    format,
    status: 'malformed',
    messageType: null,
    owner: null,
    logGroup: null,
    logStream: null,
  };
  const envelopes = parseConcatenatedObjects(utf8Decoder.decode(json));
  if (envelopes === null) return malformed;

  const state = createLineState(format, options, false);
  let sawEnvelopeWithoutEvents = false;
  let eventIndex = 0;
  for (const envelope of envelopes) {
    const events = envelope.logEvents;
    if (envelope.messageType === 'CONTROL_MESSAGE') {
      // Health checks carry no flow logs, but their events still take positions in the input.
      if (Array.isArray(events)) eventIndex += events.length;
      continue;
    }
    if (!Array.isArray(events)) {
      sawEnvelopeWithoutEvents = true;
      continue;
    }
    for (const event of events) {
      if (!isJsonObject(event) || typeof event.message !== 'string') return malformed;
      const message = utf8Encoder.encode(event.message);
      for (const { start, end } of splitLines(message)) parseLine(state, message.subarray(start, end), eventIndex, -1);
      eventIndex++;
    }
  }

  const last = envelopes.at(-1)!;
  return {
    ...state.result,
    status: sawEnvelopeWithoutEvents ? 'no_events' : 'ok',
    messageType: messageTypeOf(last),
    owner: stringOrNull(last.owner),
    logGroup: stringOrNull(last.logGroup),
    logStream: stringOrNull(last.logStream),
  };
}

/** The top-level objects of `text` (one, or several written back to back), or null if any is not a JSON object. */
function parseConcatenatedObjects(text: string): JsonObject[] | null {
  const objects: JsonObject[] = [];
  let position = skipWhitespace(text, 0);
  while (position < text.length) {
    if (text[position] !== '{') return null;
    const end = objectEnd(text, position);
    if (end === -1) return null;
    let value: unknown;
    try {
      value = JSON.parse(text.slice(position, end));
    } catch {
      return null;
    }
    if (!isJsonObject(value)) return null;
    objects.push(value);
    position = skipWhitespace(text, end);
  }
  return objects.length === 0 ? null : objects;
}

/**
 * The index just past the `}` that closes the object opening at `start`, or -1.
 * Counts braces outside strings only; whether the slice is valid JSON is left to `JSON.parse`.
 */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++; // the escaped character cannot end the string
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{') {
      depth++;
    } else if (char === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** JSON's whitespace: space, tab, LF, CR. */
function skipWhitespace(text: string, position: number): number {
  while (position < text.length && ' \t\n\r'.includes(text[position]!)) position++;
  return position;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageTypeOf(envelope: JsonObject): ReferenceEnvelope['messageType'] {
  const type = envelope.messageType;
  if (type === undefined) return null;
  return type === 'DATA_MESSAGE' || type === 'CONTROL_MESSAGE' ? type : 'other';
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
