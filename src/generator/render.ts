/**
 * Records to flow-log text: one line per record, the values of the format's fields joined by
 * single spaces, `-` for null and for fields a record does not carry.
 *
 * Each Format gets a renderer compiled once (and cached) with one named property load per field.
 * Benchmarks need millions of lines a second, and a loop of `record[name]` lookups costs ~25 ns a
 * field on a 60-field record (megamorphic keyed loads), which alone caps output near 1.4 M
 * records/s for 29 fields. Field names enter the code only through JSON.stringify, as string
 * literals. `encodeLines` writes bytes straight into a buffer, skipping string building.
 */
import { DEFAULT_FIELD_NAMES } from '../format/fields.js';
import { type Format, DEFAULT_FORMAT, parseFormat, sameFormat } from '../format/format.js';
import type { FlowRecord } from './generator.js';

/** The 14 default fields followed by every v3–v5 field: what most custom-format deployments log. */
export const V5_29_FORMAT: Format = parseFormat([
  ...DEFAULT_FIELD_NAMES,
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
]);

/**
 * The `version` AWS writes for a format: 2 for the default format, else the highest version
 * among its fields (fields outside the catalog do not count).
 */
export function formatVersion(format: Format): number {
  if (sameFormat(format, DEFAULT_FORMAT)) return 2;
  return format.fields.reduce((highest, field) => Math.max(highest, field.since), 2);
}

/** The header line S3-delivered files start with: the field names. */
export function headerLine(format: Format): string {
  return format.names.join(' ');
}

const SPACE = 0x20;
const DASH = 0x2d;
const LF = 0x0a;
const ZERO = 0x30;

/** Write `value` at `at`; return the position after it. Writes past the end are dropped by the typed array and caught by the caller. */
function writeText(bytes: Uint8Array, at: number, value: string): number {
  let p = at;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // Generated values are ASCII; anything else goes through the UTF-8 encoder.
    if (code > 0x7f) {
      if (at < bytes.length) Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).write(value, at, 'utf8');
      return at + Buffer.byteLength(value, 'utf8');
    }
    bytes[p++] = code;
  }
  return p;
}

/** Decimal digits of a non-negative int32. */
function digits(value: number): number {
  if (value < 100_000) return value < 100 ? (value < 10 ? 1 : 2) : value < 1_000 ? 3 : value < 10_000 ? 4 : 5;
  return value < 10_000_000 ? (value < 1_000_000 ? 6 : 7) : value < 100_000_000 ? 8 : value < 1_000_000_000 ? 9 : 10;
}

/** Ports, counts and Unix seconds (until 2038) are int32: integer arithmetic, no double division. */
function writeNumber(bytes: Uint8Array, at: number, value: number): number {
  if (!((value | 0) === value && value >= 0)) return writeOtherNumber(bytes, at, value);
  const end = at + digits(value);
  let p = end;
  let rest = value;
  do {
    const quotient = (rest / 10) | 0;
    bytes[--p] = ZERO + rest - quotient * 10;
    rest = quotient;
  } while (rest !== 0);
  return end;
}

/** Byte counters past 2 GiB and anything odd (negative, fractional) that a hand-made record may hold. */
function writeOtherNumber(bytes: Uint8Array, at: number, value: number): number {
  if (!(value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value))) return writeText(bytes, at, String(value));
  let count = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) count++;
  let p = at + count;
  let rest = value;
  while (rest >= 10) {
    const digit = rest % 10;
    rest = (rest - digit) / 10;
    bytes[--p] = ZERO + digit;
  }
  bytes[--p] = ZERO + rest;
  return at + count;
}

/** Numbers, and `-` for null and absent fields. */
function writeNonText(bytes: Uint8Array, at: number, value: number | null | undefined): number {
  if (typeof value === 'number') return writeNumber(bytes, at, value);
  bytes[at] = DASH;
  return at + 1;
}

function textOf(value: string | number | null | undefined): string | number {
  return value === null || value === undefined ? '-' : value;
}

interface Renderer {
  line(record: FlowRecord): string;
  /** Write the record's line and LF at `at`; return the position after it. */
  write(record: FlowRecord, bytes: Uint8Array, at: number): number;
}

/**
 * The code of `write` for one field. Strings are copied inline rather than by a shared helper:
 * each field's loop then sees one kind of string, which made encoding ~20 % faster. E.g.
 *   v = r["srcaddr"];
 *   if (typeof v === 'string') { const at = p; for (...) { ...; b[p++] = c; } } else p = other(b, p, v);
 */
function writeField(key: string): string {
  return `v = r[${key}];
if (typeof v === 'string') {
  const at = p;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c > 0x7f) { p = text(b, at, v); break; }
    b[p++] = c;
  }
} else p = other(b, p, v);`;
}

const compiled = new WeakMap<Format, Renderer>();

function renderer(format: Format): Renderer {
  let found = compiled.get(format);
  if (found === undefined) {
    const keys = format.names.map((name) => JSON.stringify(name));
    const line = new Function('textOf', `return (r) => ${keys.map((k) => `textOf(r[${k}])`).join(" + ' ' + ")};`)(textOf) as Renderer['line'];
    const body = keys.map(writeField).join(`\nb[p++] = ${SPACE};\n`);
    const write = new Function('text', 'other', `return (r, b, p) => {\nlet v;\n${body}\nb[p++] = ${LF};\nreturn p;\n};`)(writeText, writeNonText) as Renderer['write'];
    found = { line, write };
    compiled.set(format, found);
  }
  return found;
}

/** One record as a line of `format`, without a line terminator. */
export function renderLine(record: FlowRecord, format: Format): string {
  return renderer(format).line(record);
}

/** Records as text, each line LF-terminated, optionally after a header line. */
export function renderLines(records: readonly FlowRecord[], format: Format, options: { header?: boolean } = {}): string {
  return encodeLines(records, format, options).toString('utf8');
}

/** Records as UTF-8 bytes, each line LF-terminated, optionally after a header line: the fast path for files and payloads. */
export function encodeLines(records: readonly FlowRecord[], format: Format, options: { header?: boolean } = {}): Buffer {
  const { write } = renderer(format);
  const header = options.header === true ? `${headerLine(format)}\n` : '';
  let bytes = Buffer.allocUnsafe(header.length + records.length * format.names.length * 12 + 64);
  let p = bytes.write(header, 0, 'latin1');
  for (let i = 0; i < records.length; i++) {
    const at = p;
    p = write(records[i]!, bytes, at);
    if (p > bytes.length) {
      // The line ran past the end (those writes were dropped): grow and write it again.
      const grown = Buffer.allocUnsafe(Math.max(bytes.length * 2, p + 1024));
      bytes.copy(grown, 0, 0, at);
      bytes = grown;
      p = write(records[i]!, bytes, at);
    }
  }
  return bytes.subarray(0, p);
}
