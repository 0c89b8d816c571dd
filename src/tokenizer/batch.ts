/**
 * RecordBatch: typed-array views over the columns the WASM tokenizer wrote (assembly/layout.ts).
 * Views are made per batch, never per record. A batch is valid until the tokenizer's next call:
 * after that its memory holds the next batch, and every accessor throws.
 */
import { VpcflowError } from '../errors.js';
import type { FieldSpec } from '../format/fields.js';
import type { Format } from '../format/format.js';
import { KIND_SKIP } from './configure.js';
import { ipText } from './ip-text.js';
import { ENVELOPE_STATUS_NAMES, MESSAGE_TYPE_NAMES, STATUS_NAMES, STATUS_OK, type EnvelopeStatus, type MessageType, type StatusName } from './status.js';
import type { TokenizerExports } from './wasm.js';

/** A column: u32 → Uint32Array; u64 → BigUint64Array; ip → Uint32Array, four words per row (most
 * significant first, IPv4 as ::ffff:a.b.c.d); enum → Uint8Array of 1-based indexes into the field's
 * values (0 = null); id and string → Uint32Array of dictionary ids (0 = null, see `text()`). */
export type Column = Uint32Array | BigUint64Array | Uint8Array;

export type FieldValue = string | number | bigint | null;

export interface RecordError {
  /** Row in this batch. */
  readonly row: number;
  readonly reason: StatusName;
  /** The field that failed (for too_few_fields: the first missing one), or null. */
  readonly field: string | null;
  /** 1-based line number in the stream (text), or 0-based event index (CloudWatch envelope). */
  readonly line: number;
  /** Byte offset of the line (text) or of the event's message (envelope) in the input. */
  readonly offset: number;
}

export interface EnvelopeInfo {
  readonly status: EnvelopeStatus;
  readonly messageType: MessageType;
  readonly owner: string | null;
  readonly logGroup: string | null;
  readonly logStream: string | null;
}

/** Where the batch's rows sit in the input stream. */
export interface BatchPosition {
  /** Lines of the stream before this call's input. */
  readonly lineBase: number;
  /** Stream offset of this call's first input byte. */
  readonly byteBase: number;
}

// RESULT slots (assembly/layout.ts R_*).
const R_RECORDS = 0;
const R_ERRORS = 3;
const R_DICT_COUNT = 5;
const R_ENVELOPE = 6;
const R_MESSAGE_TYPE = 7;
const R_OWNER_PTR = 8;
const R_GROUP_PTR = 10;
const R_STREAM_PTR = 12;
const R_HEADER_LINES = 14;
const R_BLANK_LINES = 15;

const U64_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const decoder = new TextDecoder();

export class RecordBatch {
  /** Number of rows (records, including ones with errors). */
  readonly length: number;
  readonly errorCount: number;
  readonly headerLines: number;
  readonly blankLines: number;
  /** Per-row status: 0 ok, else an index into STATUS_NAMES. */
  readonly status: Uint8Array;
  readonly format: Format;
  /** Set for batches from CloudWatch Logs envelopes. */
  readonly envelope: EnvelopeInfo | null;

  readonly #wasm: TokenizerExports;
  readonly #kinds: readonly number[];
  readonly #generation: number;
  readonly #current: () => number;
  readonly #position: BatchPosition;
  readonly #fieldIndex: Map<string, number>;
  readonly #dictionaryCount: number;
  #texts: (string | undefined)[] = [];

  /** @internal Made by the Tokenizer only. */
  constructor(wasm: TokenizerExports, format: Format, kinds: readonly number[], generation: number, current: () => number, position: BatchPosition, envelope: boolean) {
    const result = new Uint32Array(wasm.memory.buffer, wasm.resultPtr(), 32);
    this.#wasm = wasm;
    this.#kinds = kinds;
    this.#generation = generation;
    this.#current = current;
    this.#position = position;
    this.format = format;
    this.#fieldIndex = new Map(format.names.map((name, i) => [name, i]));
    this.length = result[R_RECORDS]!;
    this.errorCount = result[R_ERRORS]!;
    this.headerLines = result[R_HEADER_LINES]!;
    this.blankLines = result[R_BLANK_LINES]!;
    this.#dictionaryCount = result[R_DICT_COUNT]!;
    this.status = new Uint8Array(wasm.memory.buffer, wasm.statusPtr(), this.length);
    this.envelope = envelope ? this.#readEnvelope(result) : null;
  }

  #check(): void {
    if (this.#current() !== this.#generation) {
      throw new VpcflowError('VPCFLOW_INPUT_UNREADABLE', 'this RecordBatch was overwritten by a later tokenizer call; read a batch before tokenizing the next input');
    }
  }

  #field(name: string): number {
    const index = this.#fieldIndex.get(name);
    if (index === undefined) {
      throw new VpcflowError('VPCFLOW_FORMAT_INVALID', `field ${JSON.stringify(name)} is not in this batch's format (${this.format.names.join(' ')})`);
    }
    if (this.#kinds[index] === KIND_SKIP) {
      throw new VpcflowError('VPCFLOW_FORMAT_INVALID', `field ${JSON.stringify(name)} was not tokenized: add it to the tokenizer's "columns" option`);
    }
    return index;
  }

  #pointers(index: number): [values: number, validity: number] {
    const table = new Uint32Array(this.#wasm.memory.buffer, this.#wasm.columnsPtr(), (index + 1) * 2);
    return [table[index * 2]!, table[index * 2 + 1]!];
  }

  /** Whether the format has this field and it was tokenized. */
  has(name: string): boolean {
    const index = this.#fieldIndex.get(name);
    return index !== undefined && this.#kinds[index] !== KIND_SKIP;
  }

  /** The values of a field, as a typed-array view (see `Column`). Valid for rows whose status is 0. */
  column(name: string): Column {
    this.#check();
    const index = this.#field(name);
    const [values] = this.#pointers(index);
    const buffer = this.#wasm.memory.buffer;
    switch (this.format.fields[index]!.kind) {
      case 'u64':
        return new BigUint64Array(buffer, values, this.length);
      case 'ip':
        return new Uint32Array(buffer, values, this.length * 4);
      case 'enum':
        return new Uint8Array(buffer, values, this.length);
      default:
        return new Uint32Array(buffer, values, this.length);
    }
  }

  /** u64 and ip columns as u32 words (u64: low word first; ip: four per row), for arithmetic without BigInt. */
  words(name: string): Uint32Array {
    this.#check();
    const index = this.#field(name);
    const kind = this.format.fields[index]!.kind;
    if (kind !== 'u64' && kind !== 'ip') {
      throw new VpcflowError('VPCFLOW_FORMAT_INVALID', `words() is for u64 and ip fields; ${name} is ${kind}`);
    }
    const [values] = this.#pointers(index);
    return new Uint32Array(this.#wasm.memory.buffer, values, this.length * (kind === 'ip' ? 4 : 2));
  }

  /** Per row: 1 when the field has a value, 0 for '-'; for ip fields the family (4, 6) or 0. */
  validity(name: string): Uint8Array {
    this.#check();
    const [, validity] = this.#pointers(this.#field(name));
    return new Uint8Array(this.#wasm.memory.buffer, validity, this.length);
  }

  /** The text of a dictionary id from an id or string column. */
  text(id: number): string {
    this.#check();
    if (id <= 0 || id > this.#dictionaryCount) throw new RangeError(`dictionary id ${id} is not in this batch (1..${this.#dictionaryCount})`);
    let text = this.#texts[id];
    if (text === undefined) {
      text = decoder.decode(this.textBytes(id));
      this.#texts[id] = text;
    }
    return text;
  }

  /** The bytes of a dictionary id, without making a string (a view, valid like the batch). */
  textBytes(id: number): Uint8Array {
    this.#check();
    const entries = new Uint32Array(this.#wasm.memory.buffer, this.#wasm.dictEntriesPtr() + id * 12, 2);
    return new Uint8Array(this.#wasm.memory.buffer, entries[0]!, entries[1]!);
  }

  /** Number of distinct texts in this batch's dictionary (ids are 1..dictionarySize). */
  get dictionarySize(): number {
    return this.#dictionaryCount;
  }

  /** 1-based line number of a row (text input), or the event index (envelopes). */
  line(row: number): number {
    this.#check();
    const lines = new Uint32Array(this.#wasm.memory.buffer, this.#wasm.linePtr(), this.length);
    return this.envelope ? lines[row]! : this.#position.lineBase + lines[row]! + 1;
  }

  /** Byte offset of a row's line (text) or message (envelope) in the input stream. */
  offset(row: number): number {
    this.#check();
    const offsets = new Uint32Array(this.#wasm.memory.buffer, this.#wasm.offsetPtr(), this.length);
    return this.#position.byteBase + offsets[row]!;
  }

  /**
   * The text of a row's line (text input) or message (envelope), up to `maxBytes` bytes, for
   * error reports. Slow path.
   */
  source(row: number, maxBytes = 512): string {
    this.#check();
    const offsets = new Uint32Array(this.#wasm.memory.buffer, this.#wasm.offsetPtr(), this.length);
    const input = new Uint8Array(this.#wasm.memory.buffer, this.#wasm.inputPtr() + offsets[row]!);
    const stop = this.envelope ? 0x22 : 0x0a;
    let end = 0;
    while (end < maxBytes && end < input.length && input[end] !== stop) end++;
    return decoder.decode(input.subarray(0, end)).replace(/\r$/, '');
  }

  /** The rows that failed, with the reason and where they came from. */
  errors(): RecordError[] {
    this.#check();
    const errors: RecordError[] = [];
    if (this.errorCount === 0) return errors;
    const fields = new Uint8Array(this.#wasm.memory.buffer, this.#wasm.errorFieldPtr(), this.length);
    for (let row = 0; row < this.length; row++) {
      const status = this.status[row]!;
      if (status === STATUS_OK) continue;
      const reason = STATUS_NAMES[status]!;
      errors.push({
        row,
        reason,
        field: reason === 'line_too_long' || reason === 'too_many_fields' ? null : (this.format.names[fields[row]!] ?? null),
        line: this.line(row),
        offset: this.offset(row),
      });
    }
    return errors;
  }

  /** One value, decoded to JS (slow path: for debugging, output and tests). */
  value(name: string, row: number): FieldValue {
    const index = this.#field(name);
    const spec: FieldSpec = this.format.fields[index]!;
    const present = this.validity(name)[row]!;
    if (present === 0) return null;
    const column = this.column(name);
    switch (spec.kind) {
      case 'u64': {
        const value = (column as BigUint64Array)[row]!;
        return value <= U64_SAFE ? Number(value) : value;
      }
      case 'ip':
        return ipText(column as Uint32Array, present, row);
      case 'enum':
        return spec.values![column[row] as number - 1] ?? null;
      case 'u32':
        return column[row] as number;
      default:
        return this.text(column[row] as number);
    }
  }

  /** The records that parsed, as objects keyed by AWS field name (slow path). */
  toObjects(): Record<string, FieldValue>[] {
    this.#check();
    const names = this.format.names.filter((name) => this.has(name));
    const objects: Record<string, FieldValue>[] = [];
    for (let row = 0; row < this.length; row++) {
      if (this.status[row] !== STATUS_OK) continue;
      const object: Record<string, FieldValue> = {};
      for (const name of names) object[name] = this.value(name, row);
      objects.push(object);
    }
    return objects;
  }

  #readEnvelope(result: Uint32Array): EnvelopeInfo {
    const text = (slot: number): string | null => {
      const length = result[slot + 1]!;
      return length === 0 ? null : decoder.decode(new Uint8Array(this.#wasm.memory.buffer, result[slot]!, length));
    };
    return {
      status: ENVELOPE_STATUS_NAMES[result[R_ENVELOPE]!] ?? 'malformed',
      messageType: MESSAGE_TYPE_NAMES[result[R_MESSAGE_TYPE]!] ?? null,
      owner: text(R_OWNER_PTR),
      logGroup: text(R_GROUP_PTR),
      logStream: text(R_STREAM_PTR),
    };
  }
}
