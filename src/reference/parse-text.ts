/**
 * Reference parser for flow-log text (S3 objects, files, Firehose lines): the oracle the WASM
 * tokenizer is tested against and the baseline it is benchmarked against.
 *
 * It follows the rules one at a time, in the order they are specified, and favours the obvious
 * over the fast: lines split at LF, one trailing CR dropped, tokens split on runs of spaces,
 * header lines (first word names a field) switch the format, and each record gets a status.
 */
import { knownField } from '../format/fields.js';
import { parseFormat, type Format } from '../format/format.js';
import { isVpcflowError } from '../errors.js';
import { bytesAsText, parseValue, type FieldValue, type StatusName } from './values.js';

export interface ReferenceRecord {
  /** 0-based index of the line in the input (CloudWatch: index of the log event). */
  line: number;
  /** Byte offset of the line's first byte in the input (CloudWatch: -1). */
  offset: number;
  status: StatusName;
  /** Which field the error is about (see `parseRecord`); 0 for ok records. */
  fieldIndex: number;
  /** AWS field name to value; only for status 'ok'. */
  values: Record<string, FieldValue> | null;
}

export interface ReferenceResult {
  records: ReferenceRecord[];
  headerLines: number;
  blankLines: number;
  /** The format in effect at the end of the input (header lines may have changed it). */
  format: Format;
}

export interface ReferenceOptions {
  /** Lines longer than this (in bytes, before the LF, a trailing CR included) are `line_too_long`. */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 65536;

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

/** Parse flow-log text. A header line replaces the format for the lines after it. */
export function parseTextReference(bytes: Uint8Array, format: Format, options: ReferenceOptions = {}): ReferenceResult {
  const state = createLineState(format, options, true);
  splitLines(bytes).forEach(({ start, end }, index) => parseLine(state, bytes.subarray(start, end), index, start));
  return state.result;
}

/** What parsing lines accumulates; shared with the CloudWatch parser, whose messages are text too. */
export interface LineState {
  readonly result: ReferenceResult;
  readonly maxLineBytes: number;
  /** Text files announce their format in header lines; CloudWatch events only repeat it, so there it is ignored. */
  readonly headersChangeFormat: boolean;
}

export function createLineState(format: Format, options: ReferenceOptions, headersChangeFormat: boolean): LineState {
  return {
    result: { records: [], headerLines: 0, blankLines: 0, format },
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    headersChangeFormat,
  };
}

/**
 * The lines of `bytes` as [start, end) ranges without the LF. The last line may lack an LF;
 * an LF that ends the input does not start another (empty) line.
 */
export function splitLines(bytes: Uint8Array): { start: number; end: number }[] {
  const lines: { start: number; end: number }[] = [];
  let start = 0;
  while (start < bytes.length) {
    const lf = bytes.indexOf(LF, start);
    const end = lf === -1 ? bytes.length : lf;
    lines.push({ start, end });
    start = end + 1;
  }
  return lines;
}

/** Apply the line rules to one line (its bytes without the LF) and record the outcome in `state`. */
export function parseLine(state: LineState, lineBytes: Uint8Array, line: number, offset: number): void {
  const { result } = state;
  if (lineBytes.length > state.maxLineBytes) {
    result.records.push({ line, offset, status: 'line_too_long', fieldIndex: 0, values: null });
    return;
  }
  const content = lineBytes.at(-1) === CR ? lineBytes.subarray(0, -1) : lineBytes;
  const tokens = splitTokens(content);
  if (tokens.length === 0) {
    result.blankLines++;
    return;
  }
  if (isHeaderToken(tokens[0]!)) {
    if (!state.headersChangeFormat) {
      result.headerLines++;
      return;
    }
    const announced = formatFromHeader(tokens);
    if (announced) {
      result.headerLines++;
      result.format = announced;
      return;
    }
  }
  result.records.push({ line, offset, ...parseRecord(result.format, tokens) });
}

/** The tokens of a line: split on runs of spaces (0x20 only; a tab is an ordinary byte), ends ignored. */
function splitTokens(content: Uint8Array): Uint8Array[] {
  const tokens: Uint8Array[] = [];
  let i = 0;
  while (i < content.length) {
    if (content[i] === SPACE) {
      i++;
      continue;
    }
    const start = i;
    while (i < content.length && content[i] !== SPACE) i++;
    tokens.push(content.subarray(start, i));
  }
  return tokens;
}

/** A header line starts with a field name from the catalog (`_` spellings count); record values never do. */
function isHeaderToken(token: Uint8Array): boolean {
  const name = bytesAsText(token).replaceAll('_', '-');
  // knownField trims; comparing names keeps the match exact, so `version\t` is not a header.
  return knownField(name)?.name === name;
}

/**
 * The format a header line announces, or undefined when its words are not a valid format
 * (a name twice, a character no field name has). Such a line is parsed as a record, so it is
 * reported as a bad one rather than skipped unseen.
 */
function formatFromHeader(tokens: readonly Uint8Array[]): Format | undefined {
  try {
    return parseFormat(tokens.map(bytesAsText));
  } catch (error) {
    if (isVpcflowError(error, 'VPCFLOW_FORMAT_INVALID')) return undefined;
    throw error;
  }
}

/**
 * A record's status and values. Errors, in precedence order: fewer tokens than fields
 * (fieldIndex = tokens present), more tokens than fields (fieldIndex = fields), then the first
 * field in format order whose token does not parse (fieldIndex = its index).
 */
function parseRecord(format: Format, tokens: readonly Uint8Array[]): Omit<ReferenceRecord, 'line' | 'offset'> {
  const fieldCount = format.fields.length;
  if (tokens.length < fieldCount) return { status: 'too_few_fields', fieldIndex: tokens.length, values: null };
  if (tokens.length > fieldCount) return { status: 'too_many_fields', fieldIndex: fieldCount, values: null };
  const values: Record<string, FieldValue> = {};
  for (const [index, spec] of format.fields.entries()) {
    const parsed = parseValue(spec, tokens[index]!);
    if (!parsed.ok) return { status: parsed.status, fieldIndex: index, values: null };
    values[format.names[index]!] = parsed.value;
  }
  return { status: 'ok', fieldIndex: 0, values };
}
